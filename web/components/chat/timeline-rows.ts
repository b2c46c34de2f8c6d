// Turns a conversation's messages (confirmed, then the outbox's) into rows: day separators,
// and messages grouped by sender (a new group after a pause of 5 minutes).
import { attachmentsOf, type FileInfo } from '@/lib/attachments';
import { dayKey } from '@/lib/time';
import type { Message, ReplyRef } from '@/lib/types';
import type { OutboxEntry } from '@/stores/chat-store';

export interface ItemRow {
  kind: 'message';
  key: string;
  from: string;
  body: string;
  createdAt: string;
  seq?: number;
  status: 'sent' | 'pending' | 'failed';
  clientMsgId?: string;
  error?: string;
  /** The server's message (sent rows): what the actions, reactions and quote read. */
  message?: Message;
  /** The quote of a pending reply (a sent one reads `message.metadata.replyTo`). */
  replyTo?: ReplyRef;
  /** First of its group: shows the avatar and name. */
  head: boolean;
  /** `system` rows (group joins, kicks, renames) are centred notes, not messages. */
  type?: string;
  /** The files it carries (sent or pending); `body` is then their caption, maybe empty. */
  attachments?: FileInfo[];
}
export type Row = { kind: 'day'; key: string; at: string } | ItemRow;

const GROUP_GAP_MS = 5 * 60_000;

export function buildRows(messages: Message[], outbox: OutboxEntry[], me: string): Row[] {
  const items: Omit<ItemRow, 'head'>[] = [
    ...messages.map((m) => ({
      kind: 'message' as const,
      // A sent message keeps the key it had while pending, so the row is not re-mounted.
      key: m.clientMsgId ? `c${m.from}:${m.clientMsgId}` : `s${m.seq}`,
      from: m.from,
      body: m.body,
      createdAt: m.createdAt,
      seq: m.seq,
      status: 'sent' as const,
      type: m.type,
      message: m,
      attachments: attachmentsOf(m),
    })),
    ...outbox.map((e) => ({
      kind: 'message' as const,
      key: `c${me}:${e.clientMsgId}`,
      from: me,
      body: e.body,
      createdAt: e.createdAt,
      status: e.status,
      clientMsgId: e.clientMsgId,
      error: e.error,
      replyTo: e.replyTo,
      attachments: e.attachments,
    })),
  ];
  const rows: Row[] = [];
  let prev: Omit<ItemRow, 'head'> | null = null;
  for (const item of items) {
    const newDay = !prev || dayKey(prev.createdAt) !== dayKey(item.createdAt);
    if (newDay) rows.push({ kind: 'day', key: `d${dayKey(item.createdAt)}`, at: item.createdAt });
    const head =
      newDay ||
      !prev ||
      prev.from !== item.from ||
      prev.type === 'system' ||
      Date.parse(item.createdAt) - Date.parse(prev.createdAt) > GROUP_GAP_MS;
    rows.push({ ...item, head });
    prev = item;
  }
  return rows;
}
