'use client';
// The composer, or why there is none: a DM across a block (mine, or the peer's that the server
// told us about by refusing), or a group I was removed from or that no longer exists.
import type { ReactNode } from 'react';
import { useChat } from '@/components/chat-store-provider';
import { useSocial, useSocialEngine, useSocialStoreApi } from '@/components/social-provider';
import { Button } from '@/components/ui/button';
import { BlockIcon } from '@/components/ui/icons';
import { useAction } from '@/hooks/use-action';
import { dmPeerId } from '@/lib/conversation-id';
import { groupIdOf } from '@/lib/social-types';

export function ComposerGate({ cid, onDismissed, children }: { cid: string; onDismissed(): void; children: ReactNode }) {
  const me = useChat((s) => s.me?.id ?? '');
  const peerId = dmPeerId(cid, me);
  const groupId = groupIdOf(cid);
  const iBlocked = useSocial((s) => (peerId && peerId !== me ? s.blocked.includes(peerId) : false));
  const refused = useSocial((s) => !!s.refusedDms[cid]);
  const departed = useSocial((s) => (groupId ? s.departed[groupId] : undefined));
  const peerName = useSocial((s) => (peerId ? s.users[peerId]?.username : undefined)) ?? 'this person';
  const engine = useSocialEngine();
  const store = useSocialStoreApi();
  const action = useAction();

  if (departed) {
    const text =
      departed.reason === 'removed'
        ? `You were removed from ${departed.name}. You can no longer send or receive messages here.`
        : `${departed.name} no longer exists.`;
    return (
      <Note testId="group-departed" text={text}>
        <Button onClick={() => {
          engine.dismissDeparted(cid);
          onDismissed();
        }}>
          Remove from list
        </Button>
      </Note>
    );
  }
  if (iBlocked && peerId) {
    return (
      <Note testId="dm-blocked" text={`You blocked ${peerName}. Neither of you can send messages here until you unblock them.`} error={action.error}>
        <Button disabled={action.busy} data-testid="composer-unblock" onClick={() => void action.run(() => engine.unblock(peerId))}>
          Unblock
        </Button>
      </Note>
    );
  }
  if (refused) {
    return (
      <Note testId="dm-refused" text={`You can’t send messages to ${peerName}: one of you has blocked the other.`}>
        <Button onClick={() => store.getState().dmAllowed(cid)}>Try again</Button>
      </Note>
    );
  }
  return <>{children}</>;
}

function Note({ text, testId, error, children }: { text: string; testId: string; error?: string | null; children?: ReactNode }) {
  return (
    <div className="shrink-0 px-3 pt-1 pb-3 sm:px-5 sm:pb-4">
      <div
        role="status"
        data-testid={testId}
        className="flex flex-wrap items-center gap-3 rounded-xl border border-zinc-200 bg-zinc-50 px-4 py-3 text-sm text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300"
      >
        <BlockIcon width={18} height={18} className="shrink-0 text-zinc-400" />
        <p className="min-w-0 flex-1">{text}</p>
        {children}
        {error && <p role="alert" className="w-full text-xs text-red-600">{error}</p>}
      </div>
    </div>
  );
}
