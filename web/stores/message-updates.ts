// `message-updated` (an edit, a delete, a reaction) applied to the chat store's state: the
// message is replaced where we hold it, by id, keeping its place (the seq never changes).
// A message we do not hold is ignored: the page that brings it later has the current copy.
import type { Message } from '@/lib/types';
import type { ChatState } from './chat-store';

type Slice = Pick<ChatState, 'timelines' | 'conversations'>;

export function applyMessageUpdate(s: Slice, m: Message): Partial<Slice> {
  const out: Partial<Slice> = {};
  const tl = s.timelines[m.conversationId];
  if (tl) {
    const i = indexOfSeq(tl.messages, m.seq);
    if (i >= 0 && tl.messages[i]!.id === m.id) {
      const messages = tl.messages.slice();
      messages[i] = m;
      out.timelines = { ...s.timelines, [m.conversationId]: { ...tl, messages } };
    }
  }
  const c = s.conversations[m.conversationId];
  if (c?.lastMessage?.id === m.id) {
    out.conversations = { ...s.conversations, [c.id]: { ...c, lastMessage: m } };
  }
  return out;
}

/** Binary search in an ascending, seq-unique list; -1 when absent. */
export function indexOfSeq(messages: Message[], seq: number): number {
  let lo = 0;
  let hi = messages.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = messages[mid]!.seq;
    if (s === seq) return mid;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
