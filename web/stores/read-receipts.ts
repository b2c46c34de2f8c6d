// Read receipts from the other participants' markers (chat-store `peerRead`): "Seen" in a DM,
// who has seen it in a group. A marker covers every seq at or below it.
import type { Message } from '@/lib/types';

/** My newest confirmed message, if it is the newest of the timeline (a reply says more). */
export function lastOwnMessage(messages: Message[], me: string): Message | null {
  const last = messages.at(-1);
  return last && last.from === me && last.type !== 'system' ? last : null;
}

/** The users (never me) whose marker covers `seq`, in the order their markers are listed. */
export function seenBy(markers: Record<string, number> | undefined, seq: number, me: string): string[] {
  if (!markers) return [];
  return Object.entries(markers)
    .filter(([uid, read]) => uid !== me && read >= seq)
    .map(([uid]) => uid);
}
