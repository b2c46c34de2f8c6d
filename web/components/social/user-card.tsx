'use client';
// A person at a glance, opened from a group's member list: presence (friends), and what I
// can do with them: message, friend actions, block or unblock.
import { useChat, useChatStoreApi } from '@/components/chat-store-provider';
import { useSocial, useSocialEngine } from '@/components/social-provider';
import { Avatar } from '@/components/ui/avatar';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { AlertLine } from '@/components/ui/alert-line';
import { useAction } from '@/hooks/use-action';
import { dmId } from '@/lib/conversation-id';
import { presenceLabel } from '@/lib/relative-time';
import type { User } from '@/lib/types';
import { relationshipWith } from '@/stores/social-store';

export function UserCard({ user, onClose, onOpenConversation }: { user: User; onClose(): void; onOpenConversation(cid: string): void }) {
  const engine = useSocialEngine();
  const chatStore = useChatStoreApi();
  const me = useChat((s) => s.me?.id ?? '');
  const rel = useSocial((s) => relationshipWith(s, user.id));
  const incoming = useSocial((s) => s.incoming.find((f) => f.requester === user.id));
  const presence = useSocial((s) => s.presence[user.id]);
  const action = useAction();
  const run = (fn: () => Promise<unknown>) => () => void action.run(fn);
  const status =
    rel === 'self' ? 'This is you' : presence ? presenceLabel(presence.status, presence.lastSeen) : relationLabel(rel);
  return (
    <Dialog title={user.username} onClose={onClose} testId="user-card">
      <div className="flex flex-col items-center gap-1.5 px-4 pt-2 pb-5 text-center">
        <Avatar name={user.username} size={64} presence={presence?.status} />
        <p className="mt-1 text-base font-semibold">{user.username}</p>
        <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="user-card-status">
          {status}
        </p>
      </div>
      <AlertLine error={action.error} />
      {rel !== 'self' && (
        <div className="flex flex-wrap justify-center gap-2 px-4 pt-2 pb-5">
          {rel !== 'blocked' && (
            <Button
              variant="primary"
              onClick={() => {
                const cid = dmId(me, user.id);
                chatStore.getState().openDraft(cid, user);
                onOpenConversation(cid);
              }}
            >
              Message
            </Button>
          )}
          {rel === 'none' && (
            <Button disabled={action.busy} data-testid="card-add-friend" onClick={run(() => engine.requestFriend(user))}>
              Add friend
            </Button>
          )}
          {rel === 'incoming' && incoming && (
            <Button disabled={action.busy} onClick={run(() => engine.accept(incoming))}>
              Accept request
            </Button>
          )}
          {rel === 'outgoing' && (
            <Button disabled={action.busy} onClick={run(() => engine.removeFriend(user.id))}>
              Cancel request
            </Button>
          )}
          {rel === 'friend' && (
            <Button disabled={action.busy} onClick={run(() => engine.removeFriend(user.id))}>
              Remove friend
            </Button>
          )}
          {rel === 'blocked' ? (
            <Button disabled={action.busy} data-testid="card-unblock" onClick={run(() => engine.unblock(user.id))}>
              Unblock
            </Button>
          ) : (
            <Button variant="danger" disabled={action.busy} data-testid="card-block" onClick={run(() => engine.block(user))}>
              Block
            </Button>
          )}
        </div>
      )}
    </Dialog>
  );
}

function relationLabel(rel: string): string {
  switch (rel) {
    case 'friend':
      return 'Friend';
    case 'incoming':
      return 'Wants to be your friend';
    case 'outgoing':
      return 'Friend request sent';
    case 'blocked':
      return 'Blocked';
    default:
      return 'Not a friend';
  }
}
