import { describe, expect, it } from 'vitest';
import { lastOwnMessage, seenBy } from '@/stores/read-receipts';
import type { Message } from '@/lib/types';

const ME = 'me';
const msg = (seq: number, from: string, type = 'text'): Message => ({
  id: `m${seq}`, conversationId: 'c', seq, from, to: 'x', body: '', type, timestamp: seq, createdAt: '', clientMsgId: null,
});

describe('read receipts', () => {
  it('belong to my newest message only while it is the newest of all', () => {
    expect(lastOwnMessage([msg(1, 'bob'), msg(2, ME)], ME)?.seq).toBe(2);
    expect(lastOwnMessage([msg(1, ME), msg(2, 'bob')], ME)).toBeNull();
    expect(lastOwnMessage([msg(1, ME, 'system')], ME)).toBeNull();
    expect(lastOwnMessage([], ME)).toBeNull();
  });

  it('list whose marker covers the seq, never me', () => {
    const markers = { bob: 5, carol: 4, me: 9 };
    expect(seenBy(markers, 4, ME)).toEqual(['bob', 'carol']);
    expect(seenBy(markers, 5, ME)).toEqual(['bob']);
    expect(seenBy(markers, 6, ME)).toEqual([]);
    expect(seenBy(undefined, 1, ME)).toEqual([]);
  });
});
