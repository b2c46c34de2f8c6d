'use client';
// Under my newest message: "Seen" in a DM once the peer's read marker covers it, and the
// avatars of who has seen it in a group. Markers come from live `read` events.
import { useMemo } from 'react';
import { useChat } from '@/components/chat-store-provider';
import { Avatar } from '@/components/ui/avatar';
import { useUserNames } from '@/hooks/use-user-names';
import type { Message } from '@/lib/types';
import { lastOwnMessage, seenBy } from '@/stores/read-receipts';

const NONE: Message[] = [];
const MAX_AVATARS = 5;

export function ReadReceipt({ cid }: { cid: string }) {
  const me = useChat((s) => s.me?.id ?? '');
  const kind = useChat((s) => s.conversations[cid]?.kind);
  const messages = useChat((s) => s.timelines[cid]?.messages ?? NONE);
  const markers = useChat((s) => s.peerRead[cid]);
  const mine = lastOwnMessage(messages, me);
  const readers = useMemo(() => (mine ? seenBy(markers, mine.seq, me) : []), [mine, markers, me]);
  const names = useUserNames(readers);
  if (!mine || readers.length === 0) return null;
  if (kind === 'dm') {
    return (
      <p className="px-5 text-right text-[11px] text-zinc-500 dark:text-zinc-400" data-testid="seen" data-seq={mine.seq}>
        Seen
      </p>
    );
  }
  const who = readers.map((id) => names.get(id) ?? 'Someone');
  return (
    <div
      className="flex items-center justify-end gap-1 px-5"
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
