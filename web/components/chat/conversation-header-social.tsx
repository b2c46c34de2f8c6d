'use client';
// What the social side adds to a conversation's header: the peer's presence under the title
// (friends only), a menu of friend and block actions for a DM, and the group info panel.
import { useState } from 'react';
import { useChat } from '@/components/chat-store-provider';
import { useSocial, useSocialEngine } from '@/components/social-provider';
import { IconButton } from '@/components/ui/icon-button';
import { Menu, type MenuItem } from '@/components/ui/menu';
import { InfoIcon, MoreIcon } from '@/components/ui/icons';
import { GroupInfoPanel } from '@/components/groups/group-info-panel';
import { useAction } from '@/hooks/use-action';
import { useOpenConversation } from '@/hooks/use-open-conversation';
import { presenceLabel } from '@/lib/relative-time';
import { dmPeerId } from '@/lib/conversation-id';
import { groupIdOf } from '@/lib/social-types';
import type { User } from '@/lib/types';
import { relationshipWith } from '@/stores/social-store';
import { useTypingLabel } from './typing-indicator';

/** The line under the title: "typing…", presence for a friend, or a group's size. */
export function HeaderSubtitle({ cid }: { cid: string }) {
  const me = useChat((s) => s.me?.id ?? '');
  const peerId = dmPeerId(cid, me);
  const groupId = groupIdOf(cid);
  const presence = useSocial((s) => (peerId && peerId !== me ? s.presence[peerId] : undefined));
  const members = useSocial((s) => (groupId ? s.groups[groupId]?.members.length : undefined));
  const typing = useTypingLabel(cid);
  let text: string | null = null;
  if (typing && peerId) text = 'typing…';
  else if (presence) text = presenceLabel(presence.status, presence.lastSeen);
  else if (members !== undefined) text = `${members} member${members === 1 ? '' : 's'}`;
  if (!text) return null;
  return (
    <p className="truncate text-xs text-zinc-500 dark:text-zinc-400" data-testid="conversation-subtitle">
      {text}
    </p>
  );
}

export function HeaderActions({ cid, peer, onLeft }: { cid: string; peer?: User; onLeft(): void }) {
  const me = useChat((s) => s.me?.id ?? '');
  const onOpenConversation = useOpenConversation();
  const groupId = groupIdOf(cid);
  if (groupId) return <GroupInfoButton groupId={groupId} onLeft={onLeft} onOpenConversation={onOpenConversation} />;
  const peerId = dmPeerId(cid, me);
  if (!peerId || peerId === me) return null;
  return <DmActions peer={peer ?? { id: peerId, username: 'this person' }} />;
}

function GroupInfoButton({
  groupId,
  onLeft,
  onOpenConversation,
}: {
  groupId: string;
  onLeft(): void;
  onOpenConversation(cid: string): void;
}) {
  const [open, setOpen] = useState(false);
  const isMember = useSocial((s) => !!s.groups[groupId]);
  if (!isMember) return null;
  return (
    <>
      <IconButton label="Group info" data-testid="open-group-info" onClick={() => setOpen(true)}>
        <InfoIcon width={18} height={18} />
      </IconButton>
      {open && (
        <GroupInfoPanel
          groupId={groupId}
          onClose={() => setOpen(false)}
          onLeft={() => {
            setOpen(false);
            onLeft();
          }}
          onOpenConversation={(cid) => {
            setOpen(false);
            onOpenConversation(cid);
          }}
        />
      )}
    </>
  );
}

function DmActions({ peer }: { peer: User }) {
  const engine = useSocialEngine();
  const rel = useSocial((s) => relationshipWith(s, peer.id));
  const incoming = useSocial((s) => s.incoming.find((f) => f.requester === peer.id));
  const action = useAction();
  const items: MenuItem[] = [];
  const run = (fn: () => Promise<unknown>) => () => void action.run(fn);
  if (rel === 'none') items.push({ label: 'Add friend', testId: 'menu-add-friend', onSelect: run(() => engine.requestFriend(peer)) });
  if (rel === 'outgoing') items.push({ label: 'Cancel friend request', onSelect: run(() => engine.removeFriend(peer.id)) });
  if (rel === 'incoming' && incoming) items.push({ label: 'Accept friend request', onSelect: run(() => engine.accept(incoming)) });
  if (rel === 'friend') items.push({ label: 'Remove friend', onSelect: run(() => engine.removeFriend(peer.id)) });
  if (rel === 'blocked') items.push({ label: `Unblock ${peer.username}`, testId: 'menu-unblock', onSelect: run(() => engine.unblock(peer.id)) });
  else items.push({ label: `Block ${peer.username}`, danger: true, testId: 'menu-block', onSelect: run(() => engine.block(peer)) });
  return (
    <div className="flex items-center gap-2">
      {action.error && (
        <span role="alert" className="hidden max-w-56 truncate text-xs text-red-600 sm:block" title={action.error}>
          {action.error}
        </span>
      )}
      <Menu label={`Actions for ${peer.username}`} icon={<MoreIcon width={18} height={18} />} items={items} testId="dm-actions" />
    </div>
  );
}
