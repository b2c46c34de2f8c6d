// Which new messages deserve a desktop notification (and a sound): someone else's message,
// in a conversation that is not muted, that the reader is not looking at (another one is open,
// or the tab is hidden). Pure: the caller compares two snapshots of the conversation list.
import type { Message } from '@/lib/types';
import type { Conversation } from '@/stores/chat-store';

export interface NotifyContext {
  me: string | undefined;
  activeId: string | null;
  hidden: boolean;
  muted: Record<string, true>;
  /** Messages older than this are history arriving late (a resync), not news. */
  since: number;
}

export function messagesToNotify(
  before: Record<string, Conversation>,
  after: Record<string, Conversation>,
  ctx: NotifyContext,
): Message[] {
  const out: Message[] = [];
  for (const c of Object.values(after)) {
    const m = c.lastMessage;
    if (!m || c.lastSeq <= (before[c.id]?.lastSeq ?? 0)) continue;
    if (m.from === ctx.me || m.type === 'system' || ctx.muted[c.id]) continue;
    if (Date.parse(m.createdAt) < ctx.since) continue;
    if (!ctx.hidden && c.id === ctx.activeId) continue;
    out.push(m);
  }
  return out;
}

/** Unread messages the title counts: muted conversations stay quiet there too. */
export function audibleUnread(conversations: Record<string, Conversation>, muted: Record<string, true>): number {
  let n = 0;
  for (const c of Object.values(conversations)) if (!muted[c.id]) n += c.unread;
  return n;
}
