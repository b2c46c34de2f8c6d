import { describe, expect, it } from 'vitest';
import { dmReceipt, seenBy, seenByLabel } from '@/stores/read-receipts';
import { createChatStore } from '@/stores/chat-store';

const ME = 'me';

describe('read receipts', () => {
  it('list whose marker covers the seq, never me', () => {
    const markers = { bob: 5, carol: 4, me: 9 };
    expect(seenBy(markers, 4, ME)).toEqual(['bob', 'carol']);
    expect(seenBy(markers, 5, ME)).toEqual(['bob']);
    expect(seenBy(markers, 6, ME)).toEqual([]);
    expect(seenBy(undefined, 1, ME)).toEqual([]);
  });

  it('in a group, count current members only, and not the people I blocked', () => {
    const markers = { bob: 5, carol: 5, dave: 5 };
    expect(seenBy(markers, 5, ME, { members: [ME, 'bob', 'carol'] })).toEqual(['bob', 'carol']);
    expect(seenBy(markers, 5, ME, { hidden: ['carol'] })).toEqual(['bob', 'dave']);
  });

  it('a DM message is ✓ until the peer’s marker covers it, then ✓✓', () => {
    expect(dmReceipt(undefined, 3, ME)).toBe('sent');
    expect(dmReceipt({ bob: 2 }, 3, ME)).toBe('sent');
    expect(dmReceipt({ bob: 3 }, 3, ME)).toBe('read');
    expect(dmReceipt({ bob: 9 }, 3, ME)).toBe('read');
    expect(dmReceipt({ [ME]: 9 }, 3, ME)).toBe('sent'); // my own marker says nothing
  });

  it('name who has seen it, and how many more', () => {
    expect(seenByLabel(['bob'])).toBe('Seen by bob');
    expect(seenByLabel(['bob', 'carol', 'dave'])).toBe('Seen by bob, carol and dave');
    expect(seenByLabel(['a', 'b', 'c'], 2)).toBe('Seen by a, b and 1 other');
    expect(seenByLabel(['a', 'b', 'c', 'd'], 2)).toBe('Seen by a, b and 2 others');
  });
});

describe('peer markers in the chat store', () => {
  it('a snapshot from GET /reads merges with live reads: markers only move forward', () => {
    const store = createChatStore();
    store.getState().setPeerRead('c', 'bob', 7); // a live read that overtook the snapshot
    store.getState().setPeerReads('c', [
      { userId: 'bob', seq: 5 },
      { userId: 'carol', seq: 3 },
    ]);
    expect(store.getState().peerRead.c).toEqual({ bob: 7, carol: 3 });
    const before = store.getState().peerRead;
    store.getState().setPeerReads('c', [{ userId: 'carol', seq: 2 }]);
    expect(store.getState().peerRead).toBe(before); // nothing moved: no new state, no re-render
    store.getState().setPeerReads('c', [{ userId: 'carol', seq: 8 }]);
    expect(store.getState().peerRead.c).toEqual({ bob: 7, carol: 8 });
  });
});
