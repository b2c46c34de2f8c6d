'use client';
// Under my newest message: "Seen" in a DM once the peer's read marker covers it, and the
// avatars of who has seen it in a group. Markers come from live `read` events.
import { useLayoutEffect, useMemo, useRef } from 'react';
import { useChat } from '@/components/chat-store-provider';
import { Avatar } from '@/components/ui/avatar';
import { CheckIcon } from '@/components/ui/icons';
import { useUserNames } from '@/hooks/use-user-names';
import type { Message } from '@/lib/types';
import { lastOwnMessage, seenBy } from '@/stores/read-receipts';

const NONE: Message[] = [];
const MAX_AVATARS = 5;
const NEAR_BOTTOM_PX = 160;

/** A receipt that appears while the reader is at the bottom stays in view. */
function useKeepInView(shown: string) {
  const el = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const scroller = el.current?.closest<HTMLElement>('[data-testid="message-scroller"]');
    if (!scroller || !shown) return;
    if (scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX) {
      scroller.scrollTop = scroller.scrollHeight;
    }
  }, [shown]);
  return el;
}

export function ReadReceipt({ cid }: { cid: string }) {
  const me = useChat((s) => s.me?.id ?? '');
  const kind = useChat((s) => s.conversations[cid]?.kind);
  const messages = useChat((s) => s.timelines[cid]?.messages ?? NONE);
  const markers = useChat((s) => s.peerRead[cid]);
  const mine = lastOwnMessage(messages, me);
  const readers = useMemo(() => (mine ? seenBy(markers, mine.seq, me) : []), [mine, markers, me]);
  const names = useUserNames(readers);
  const who = readers.map((id) => names.get(id) ?? 'Someone');
  const el = useKeepInView(mine ? `${mine.seq}:${readers.join()}` : '');
  if (!mine || readers.length === 0) return <div ref={el} />;
  // Lined up with the message text (the avatar column is 36 px + 12 px gap).
  if (kind === 'dm') {
    return (
      <div ref={el} className="-mt-2 flex items-center gap-1 pb-3 pl-[68px] text-[11px] text-zinc-500 dark:text-zinc-400" data-testid="seen" data-seq={mine.seq}>
        <CheckIcon width={12} height={12} className="text-accent-600 dark:text-accent-400" />
        Seen
      </div>
    );
  }
  return (
    <div
      ref={el}
      className="-mt-2 flex items-center gap-1 pb-3 pl-[68px]"
      data-testid="seen-by"
      data-seq={mine.seq}
      title={`Seen by ${who.join(', ')}`}
      aria-label={`Seen by ${who.join(', ')}`}
    >
      <span className="mr-1 text-[11px] text-zinc-500 dark:text-zinc-400">Seen by</span>
      {who.slice(0, MAX_AVATARS).map((name, i) => (
        <Avatar key={readers[i]} name={name} size={16} />
      ))}
      {who.length > MAX_AVATARS && <span className="text-[11px] text-zinc-500">+{who.length - MAX_AVATARS}</span>}
    </div>
  );
}
