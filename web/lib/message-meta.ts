// Typed reads of a message's `metadata` (the wire keeps it an open object): edited, deleted,
// reactions and the reply it quotes. Everything here is pure.
import { messageSummary } from './attachments';
import type { Message, Reaction, ReplyRef } from './types';

export function isDeleted(m: Message): boolean {
  return m.metadata?.deleted === true;
}

export function isEdited(m: Message): boolean {
  return m.metadata?.edited === true && !isDeleted(m);
}

export function reactionsOf(m: Message): Reaction[] {
  const r = m.metadata?.reactions;
  if (!Array.isArray(r)) return [];
  return r.filter(
    (x): x is Reaction =>
      !!x && typeof (x as Reaction).emoji === 'string' && Array.isArray((x as Reaction).users),
  );
}

export function replyOf(m: Message): ReplyRef | null {
  const r = m.metadata?.replyTo as ReplyRef | null | undefined;
  return r && typeof r.id === 'string' ? r : null;
}

/** What a quote shows; the server cuts previews the same way (docs/api.md, Replies). */
export const PREVIEW_CHARS = 140;

export function previewOf(body: string): string {
  const flat = body.replace(/\s*\n\s*/g, ' ');
  const chars = [...flat];
  return chars.length > PREVIEW_CHARS ? `${chars.slice(0, PREVIEW_CHARS).join('')}…` : flat;
}

/** A quote for a message we hold: what a pending reply shows until the server answers. */
export function replyRefFor(m: Message): ReplyRef {
  return { id: m.id, from: m.from, seq: m.seq, preview: previewOf(messageSummary(m)), deleted: isDeleted(m) };
}

/**
 * The quote to show for a reply. The copy in the reply was read when the reply was stored (or
 * last fetched); the original in our timeline, when we hold it, is newer news: an edit or a
 * delete that arrived as `message-updated` shows in its replies at once.
 */
export function resolveReply(ref: ReplyRef, original: Message | undefined): ReplyRef {
  if (!original || original.id !== ref.id) return ref;
  if (isDeleted(original)) return { ...ref, preview: '', deleted: true };
  return { ...ref, preview: previewOf(messageSummary(original)), deleted: false };
}

/** The reactions after `user` toggles `emoji`: what the server will answer, for optimism. */
export function toggleReaction(reactions: Reaction[], emoji: string, user: string): Reaction[] {
  const found = reactions.find((r) => r.emoji === emoji);
  if (!found) return [...reactions, { emoji, users: [user] }];
  if (found.users.includes(user)) {
    const users = found.users.filter((u) => u !== user);
    return users.length
      ? reactions.map((r) => (r === found ? { emoji, users } : r))
      : reactions.filter((r) => r !== found);
  }
  return reactions.map((r) => (r === found ? { emoji, users: [...r.users, user] } : r));
}

export function withReactions(m: Message, reactions: Reaction[]): Message {
  return { ...m, metadata: { ...m.metadata, reactions } };
}
