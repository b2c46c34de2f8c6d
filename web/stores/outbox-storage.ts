// The outbox survives a reload in localStorage, one key per user, so that a message typed
// just before a crash or a closed tab is sent (with the same clientMsgId) on the next visit.
import type { OutboxEntry } from './chat-store';

const key = (userId: string) => `gopherchat.outbox.${userId}`;

function isEntry(v: unknown): v is OutboxEntry {
  const e = v as Partial<OutboxEntry> | null;
  return (
    !!e &&
    typeof e.clientMsgId === 'string' &&
    typeof e.conversationId === 'string' &&
    typeof e.body === 'string' &&
    typeof e.createdAt === 'string' &&
    (e.status === 'pending' || e.status === 'failed') &&
    (e.attachments === undefined || Array.isArray(e.attachments))
  );
}

export function loadOutbox(storage: Storage, userId: string): OutboxEntry[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(key(userId)) ?? '[]');
    return Array.isArray(parsed)
      ? parsed.filter(isEntry).map((e) => ({ ...e, attempts: e.attempts ?? 1 }))
      : [];
  } catch {
    return [];
  }
}

export function saveOutbox(storage: Storage, userId: string, entries: OutboxEntry[]): void {
  try {
    if (entries.length === 0) storage.removeItem(key(userId));
    else storage.setItem(key(userId), JSON.stringify(entries));
  } catch {
    /* storage full or disabled: the outbox still lives in memory */
  }
}
