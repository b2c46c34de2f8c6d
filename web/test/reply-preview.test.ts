import { describe, expect, it } from 'vitest';
import { previewOf, replyOf, replyRefFor, resolveReply, isDeleted, isEdited } from '@/lib/message-meta';
import type { Message, ReplyRef } from '@/lib/types';

const original: Message = {
  id: '0123456789abcdef01234567',
  conversationId: 'dm_a_b',
  seq: 7,
  from: 'a',
  to: 'b',
  body: 'what time\nis the meeting?',
  type: 'text',
  metadata: { reactions: [], replyTo: null },
  timestamp: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const ref: ReplyRef = { id: original.id, from: 'a', seq: 7, preview: 'what time is the meeting?', deleted: false };

describe('reply previews', () => {
  it('cut like the server: newlines as spaces, 140 characters and an ellipsis', () => {
    expect(previewOf('a\nb')).toBe('a b');
    const long = 'é'.repeat(300);
    const p = previewOf(long);
    expect([...p]).toHaveLength(141);
    expect(p.endsWith('…')).toBe(true);
    expect(previewOf('x'.repeat(140))).toBe('x'.repeat(140));
  });

  it('a quote of a message we hold follows its edits', () => {
    const edited = { ...original, body: 'ten o’clock?', metadata: { edited: true } };
    expect(resolveReply(ref, edited)).toEqual({ ...ref, preview: 'ten o’clock?' });
    expect(isEdited(edited)).toBe(true);
  });

  it('a deleted original shows as deleted with no text', () => {
    const tomb = { ...original, body: '', metadata: { deleted: true } };
    expect(resolveReply(ref, tomb)).toEqual({ ...ref, preview: '', deleted: true });
    expect(isDeleted(tomb)).toBe(true);
    expect(isEdited({ ...tomb, metadata: { deleted: true, edited: true } })).toBe(false);
  });

  it('without the original, the server’s copy stands', () => {
    expect(resolveReply(ref, undefined)).toBe(ref);
    expect(resolveReply({ ...ref, deleted: true, preview: '' }, undefined).deleted).toBe(true);
  });

  it('reads metadata.replyTo defensively and quotes a held message for the composer', () => {
    expect(replyOf(original)).toBeNull();
    expect(replyOf({ ...original, metadata: { replyTo: ref } })).toEqual(ref);
    expect(replyOf({ ...original, metadata: { replyTo: { nope: 1 } } })).toBeNull();
    expect(replyRefFor(original)).toEqual(ref);
  });
});
