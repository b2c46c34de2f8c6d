import { describe, expect, it } from 'vitest';
import { audibleUnread, messagesToNotify, type NotifyContext } from '@/client/notification-rules';
import type { Conversation } from '@/stores/chat-store';
import type { Message } from '@/lib/types';

const at = '2026-01-01T12:00:00.000Z';
const msg = (cid: string, seq: number, from = 'bob', type = 'text'): Message => ({
  id: `${cid}-${seq}`, conversationId: cid, seq, from, to: 'me', body: 'hi', type, timestamp: 0, createdAt: at,
});
const conv = (id: string, lastSeq: number, last: Message | null, unread = 0): Conversation => ({
  id, kind: 'dm', lastMessage: last, lastSeq, readSeq: 0, unread, activityAt: at,
});
const ctx = (over: Partial<NotifyContext> = {}): NotifyContext => ({
  me: 'me', activeId: null, hidden: false, muted: {}, since: Date.parse(at) - 1000, ...over,
});

describe('notification rules', () => {
  const before = { a: conv('a', 1, msg('a', 1)) };
  const after = { a: conv('a', 2, msg('a', 2)) };

  it('a new message from someone else in a conversation not on screen', () => {
    expect(messagesToNotify(before, after, ctx())).toEqual([msg('a', 2)]);
    expect(messagesToNotify(before, after, ctx({ activeId: 'b' }))).toHaveLength(1);
  });

  it('the open conversation only when the tab is hidden', () => {
    expect(messagesToNotify(before, after, ctx({ activeId: 'a' }))).toEqual([]);
    expect(messagesToNotify(before, after, ctx({ activeId: 'a', hidden: true }))).toHaveLength(1);
  });

  it('never my own, system messages, muted conversations, old history or unchanged ones', () => {
    expect(messagesToNotify(before, { a: conv('a', 2, msg('a', 2, 'me')) }, ctx())).toEqual([]);
    expect(messagesToNotify(before, { a: conv('a', 2, msg('a', 2, 'bob', 'system')) }, ctx())).toEqual([]);
    expect(messagesToNotify(before, after, ctx({ muted: { a: true } }))).toEqual([]);
    expect(messagesToNotify(before, after, ctx({ since: Date.parse(at) + 1 }))).toEqual([]);
    expect(messagesToNotify(after, after, ctx())).toEqual([]);
  });

  it('a conversation new to the list counts as new', () => {
    expect(messagesToNotify({}, after, ctx())).toHaveLength(1);
  });

  it('the title leaves muted conversations out', () => {
    const list = { a: conv('a', 2, null, 3), b: conv('b', 5, null, 4) };
    expect(audibleUnread(list, {})).toBe(7);
    expect(audibleUnread(list, { b: true })).toBe(3);
  });
});
