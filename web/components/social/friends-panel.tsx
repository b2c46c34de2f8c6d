'use client';
// Friends (with presence), requests (incoming to answer, outgoing to withdraw), blocked
// people (to unblock), and adding a friend from the user search. Live: the store follows
// friend-request / friend-accepted / friend-removed and presence events.
import { useMemo, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useChat, useChatStoreApi } from '@/components/chat-store-provider';
import { useSocial, useSocialEngine } from '@/components/social-provider';
import { Avatar } from '@/components/ui/avatar';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { Dialog } from '@/components/ui/dialog';
import { Tabs } from '@/components/ui/tabs';
import { AlertLine } from '@/components/ui/alert-line';
import { useAction } from '@/hooks/use-action';
import { presenceLabel } from '@/lib/relative-time';
import { dmId } from '@/lib/conversation-id';
import type { User } from '@/lib/types';
import { relationshipWith, type SocialState } from '@/stores/social-store';
import { UserPicker } from './user-picker';

export type FriendsTab = 'friends' | 'pending' | 'blocked' | 'add';

const STATUS_ORDER = { online: 0, away: 1, offline: 2 } as const;

export function FriendsPanel({
  initialTab = 'friends',
  onClose,
  onOpenConversation,
}: {
  initialTab?: FriendsTab;
  onClose(): void;
  onOpenConversation(cid: string): void;
}) {
  const [tab, setTab] = useState<FriendsTab>(initialTab);
  const incoming = useSocial((s) => s.incoming.length);
  const action = useAction();
  return (
    <Dialog title="Friends" onClose={onClose} variant="side" testId="friends-panel">
      <Tabs
        value={tab}
        onChange={(t) => {
          action.clear();
          setTab(t);
        }}
        tabs={[
          { id: 'friends', label: 'All' },
          {
            id: 'pending',
            label: (
              <>
                Pending
                {incoming > 0 && (
                  <span className="rounded-full bg-accent-600 px-1.5 text-[11px] font-semibold text-white tabular-nums">
                    {incoming}
                  </span>
                )}
              </>
            ),
          },
          { id: 'blocked', label: 'Blocked' },
          { id: 'add', label: 'Add friend' },
        ]}
      />
      <AlertLine error={action.error} />
      <div className="p-3">
        {tab === 'friends' && <FriendList action={action} onOpenConversation={onOpenConversation} />}
        {tab === 'pending' && <PendingList action={action} />}
        {tab === 'blocked' && <BlockedList action={action} />}
        {tab === 'add' && <AddFriend action={action} />}
      </div>
    </Dialog>
  );
}

type Action = ReturnType<typeof useAction>;

function Empty({ children }: { children: string }) {
  return <p className="px-3 py-10 text-center text-sm text-zinc-500 dark:text-zinc-400">{children}</p>;
}

function PersonRow({ user, sub, children, testId }: { user: User; sub?: string; children?: ReactNode; testId: string }) {
  const presence = useSocial((s) => s.presence[user.id]);
  return (
    <li className="flex items-center gap-3 rounded-lg px-1.5 py-2" data-testid={testId} data-username={user.username}>
      <Avatar name={user.username} size={34} presence={presence?.status} />
      <span className="min-w-0 flex-1">
        <span className="block truncate text-sm font-medium">{user.username}</span>
        {sub && <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400" data-testid="person-status">{sub}</span>}
      </span>
      <span className="flex shrink-0 items-center gap-1">{children}</span>
    </li>
  );
}

function FriendList({ action, onOpenConversation }: { action: Action; onOpenConversation(cid: string): void }) {
  const engine = useSocialEngine();
  const chatStore = useChatStoreApi();
  const me = useChat((s) => s.me);
  const { ids, users, presence, loaded } = useSocial(
    useShallow((s: SocialState) => ({ ids: s.friends, users: s.users, presence: s.presence, loaded: s.friendsLoaded })),
  );
  const sorted = useMemo(
    () =>
      ids
        .map((id) => users[id])
        .filter((u): u is User => !!u)
        .sort(
          (a, b) =>
            STATUS_ORDER[presence[a.id]?.status ?? 'offline'] - STATUS_ORDER[presence[b.id]?.status ?? 'offline'] ||
            a.username.localeCompare(b.username),
        ),
    [ids, users, presence],
  );
  if (!loaded) return <Empty>Loading…</Empty>;
  if (sorted.length === 0) return <Empty>No friends yet. Add someone from the “Add friend” tab.</Empty>;
  const online = sorted.filter((u) => presence[u.id]?.status !== 'offline' && presence[u.id]).length;
  return (
    <>
      <p className="px-1.5 pb-1 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">
        {online} of {sorted.length} online
      </p>
      <ul data-testid="friend-list">
        {sorted.map((u) => (
          <PersonRow key={u.id} user={u} testId="friend" sub={presenceLabel(presence[u.id]?.status, presence[u.id]?.lastSeen)}>
            <Button
              onClick={() => {
                if (!me) return;
                const cid = dmId(me.id, u.id);
                chatStore.getState().openDraft(cid, u);
                onOpenConversation(cid);
              }}
            >
              Message
            </Button>
            <ConfirmButton
              label="Remove"
              confirmLabel="Unfriend?"
              testId="unfriend"
              disabled={action.busy}
              onConfirm={() => void action.run(() => engine.removeFriend(u.id))}
            />
          </PersonRow>
        ))}
      </ul>
    </>
  );
}

function PendingList({ action }: { action: Action }) {
  const engine = useSocialEngine();
  const { incoming, outgoing, users } = useSocial(
    useShallow((s: SocialState) => ({ incoming: s.incoming, outgoing: s.outgoing, users: s.users })),
  );
  if (incoming.length === 0 && outgoing.length === 0) return <Empty>No pending requests.</Empty>;
  const userOf = (id: string): User => users[id] ?? { id, username: '…' };
  return (
    <div className="space-y-4">
      {incoming.length > 0 && (
        <section aria-label="Incoming requests">
          <h3 className="px-1.5 pb-1 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">Received</h3>
          <ul>
            {incoming.map((f) => (
              <PersonRow key={f.id} user={userOf(f.requester)} testId="incoming-request" sub="Wants to be your friend">
                <Button variant="primary" disabled={action.busy} data-testid="accept-request" onClick={() => void action.run(() => engine.accept(f))}>
                  Accept
                </Button>
                <Button variant="ghost" disabled={action.busy} data-testid="reject-request" onClick={() => void action.run(() => engine.reject(f))}>
                  Decline
                </Button>
              </PersonRow>
            ))}
          </ul>
        </section>
      )}
      {outgoing.length > 0 && (
        <section aria-label="Sent requests">
          <h3 className="px-1.5 pb-1 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">Sent</h3>
          <ul>
            {outgoing.map((f) => (
              <PersonRow key={f.id} user={userOf(f.recipient)} testId="outgoing-request" sub="Request sent">
                <Button variant="ghost" disabled={action.busy} data-testid="cancel-request" onClick={() => void action.run(() => engine.removeFriend(f.recipient))}>
                  Cancel
                </Button>
              </PersonRow>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function BlockedList({ action }: { action: Action }) {
  const engine = useSocialEngine();
  const { blocked, users } = useSocial(useShallow((s: SocialState) => ({ blocked: s.blocked, users: s.users })));
  if (blocked.length === 0) return <Empty>You have not blocked anyone.</Empty>;
  return (
    <>
      <p className="px-1.5 pb-2 text-xs text-zinc-500 dark:text-zinc-400">
        Blocked people cannot message you or send you friend requests, and you will not see what they say in groups.
      </p>
      <ul data-testid="blocked-list">
        {blocked.map((id) => (
          <PersonRow key={id} user={users[id] ?? { id, username: '…' }} testId="blocked-user">
            <Button disabled={action.busy} data-testid="unblock" onClick={() => void action.run(() => engine.unblock(id))}>
              Unblock
            </Button>
          </PersonRow>
        ))}
      </ul>
    </>
  );
}

function AddFriend({ action }: { action: Action }) {
  const engine = useSocialEngine();
  const social = useSocial((s) => s);
  return (
    <UserPicker
      autoFocus
      testId="add-friend"
      placeholder="Find people by username"
      exclude={[social.me]}
      action={(u) => {
        const rel = relationshipWith(social, u.id);
        if (rel === 'friend') return <span className="text-xs text-zinc-500">Friends</span>;
        if (rel === 'outgoing') return <span className="text-xs text-zinc-500" data-testid="request-sent">Requested</span>;
        if (rel === 'blocked') return <span className="text-xs text-zinc-500">Blocked</span>;
        const incoming = social.incoming.find((f) => f.requester === u.id);
        return (
          <Button
            variant="primary"
            disabled={action.busy}
            data-testid="send-request"
            onClick={() => void action.run(() => (incoming ? engine.accept(incoming) : engine.requestFriend(u)))}
          >
            {incoming ? 'Accept' : 'Add friend'}
          </Button>
        );
      }}
    />
  );
}
