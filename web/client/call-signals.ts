// Calls announced in conversations: a `call-invite` (someone rings) and the `system` message
// of a call's end (a decline, a missed call, a finished one). Found by comparing successive
// conversation lists, as client/notification-rules.ts does for new messages.
import { CALL_ENDED_EVENT, type CallEndReason } from '@/lib/call-types';
import type { Message } from '@/lib/types';

export type CallSignal =
  | { kind: 'invite'; roomId: string; message: Message }
  | { kind: 'ended'; roomId: string; reason: CallEndReason; message: Message };

interface WithLastMessage {
  lastMessage: Message | null;
}

/** The room a call message is about, or null when it is not one. */
export function callSignalOf(m: Message): CallSignal | null {
  const meta = m.metadata ?? {};
  const roomId = typeof meta.roomId === 'string' ? meta.roomId : null;
  if (!roomId) return null;
  if (m.type === 'call-invite') return { kind: 'invite', roomId, message: m };
  if (m.type === 'system' && meta.event === CALL_ENDED_EVENT) {
    return { kind: 'ended', roomId, reason: meta.reason as CallEndReason, message: m };
  }
  return null;
}

/** Call messages that became a conversation's last message between `prev` and `next`. */
export function newCallSignals(
  prev: Record<string, WithLastMessage>,
  next: Record<string, WithLastMessage>,
): CallSignal[] {
  const out: CallSignal[] = [];
  for (const [cid, c] of Object.entries(next)) {
    const m = c.lastMessage;
    if (!m || m.id === prev[cid]?.lastMessage?.id) continue;
    const signal = callSignalOf(m);
    if (signal) out.push(signal);
  }
  return out;
}
