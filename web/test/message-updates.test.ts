import { describe, expect, it } from 'vitest';
import { createChatStore } from '@/stores/chat-store';
import { applyMessageUpdate, indexOfSeq } from '@/stores/message-updates';
import { reactionsOf, toggleReaction, withReactions } from '@/lib/message-meta';
import type { ConversationSummary, Message } from '@/lib/types';

const ME = { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', username: 'alice' };
const BOB = { id: 'bbbbbbbbbbbbbbbbbbbbbbbb', username: 'bob' };
const CID = `dm_${ME.id}_${BOB.id}`;

function msg(seq: number, extra: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`.padEnd(24, '0'),
    conversationId: CID,
    seq,
    from: BOB.id,
    to: ME.id,
    body: `message ${seq}`,
    type: 'text',
    metadata: { attachments: [], edited: false, reactions: [], replyTo: null },
    timestamp: 1_700_000_000 + seq,
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
    clientMsgId: null,
    ...extra,
  };
}

function openStore(seqs: number[]) {
  const store = createChatStore({ me: ME });
  const messages = seqs.map((s) => msg(s));
  const summary: ConversationSummary = {
    id: CID, kind: 'dm', peer: BOB, lastMessage: messages.at(-1) ?? null,
    lastSeq: seqs.at(-1) ?? 0, readSeq: seqs.at(-1) ?? 0, unread: 0,
  };
  store.getState().setConversations([summary]);
  store.getState().addPage(CID, messages, 'newest', 50);
  return store;
}

const update = (store: ReturnType<typeof openStore>, m: Message) =>
  store.setState((s) => applyMessageUpdate(s, m));
const held = (store: ReturnType<typeof openStore>, seq: number) =>
  store.getState().timelines[CID]!.messages.find((m) => m.seq === seq)!;

describe('message-updated', () => {
  it('an edit replaces the body in place, keeps the order and marks it edited', () => {
    const store = openStore([1, 2, 3]);
    update(store, msg(2, { body: 'fixed typo', metadata: { edited: true, editedAt: '2026-01-01T12:05:00.000Z', reactions: [] } }));
    const list = store.getState().timelines[CID]!.messages;
    expect(list.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(held(store, 2).body).toBe('fixed typo');
    expect(held(store, 2).metadata?.edited).toBe(true);
  });

  it('a delete becomes a tombstone in its place, and the sidebar preview follows', () => {
    const store = openStore([1, 2, 3]);
    const tomb = msg(3, { body: '', metadata: { deleted: true, deletedAt: '2026-01-01T12:06:00.000Z', reactions: [] } });
    update(store, tomb);
    expect(store.getState().timelines[CID]!.messages).toHaveLength(3);
    expect(held(store, 3).metadata?.deleted).toBe(true);
    expect(store.getState().conversations[CID]!.lastMessage).toEqual(tomb);
  });

  it('reactions replace the previous aggregate', () => {
    const store = openStore([1]);
    const reactions = [{ emoji: '👍', users: [BOB.id, ME.id] }, { emoji: '🎉', users: [ME.id] }];
    update(store, msg(1, { metadata: { reactions } }));
    expect(reactionsOf(held(store, 1))).toEqual(reactions);
  });

  it('a message we do not hold changes nothing (the page that brings it has it)', () => {
    const store = openStore([5, 6]);
    const before = store.getState();
    update(store, msg(2, { body: 'old one edited' }));
    expect(store.getState().timelines).toBe(before.timelines);
    expect(store.getState().conversations).toBe(before.conversations);
  });

  it('the same seq with another id (a different conversation state) is not overwritten', () => {
    const store = openStore([1]);
    update(store, { ...msg(1), id: 'ffffffffffffffffffffffff', body: 'impostor' });
    expect(held(store, 1).body).toBe('message 1');
  });

  it('indexOfSeq finds by binary search', () => {
    const list = [1, 3, 4, 9].map((s) => msg(s));
    expect(indexOfSeq(list, 4)).toBe(2);
    expect(indexOfSeq(list, 2)).toBe(-1);
    expect(indexOfSeq([], 1)).toBe(-1);
  });
});

describe('optimistic reaction toggles', () => {
  it('adds, joins, leaves and drops an emoji, keeping the order', () => {
    let r = toggleReaction([], '👍', ME.id);
    expect(r).toEqual([{ emoji: '👍', users: [ME.id] }]);
    r = toggleReaction([{ emoji: '🎉', users: [BOB.id] }, ...r], '🎉', ME.id);
    expect(r).toEqual([{ emoji: '🎉', users: [BOB.id, ME.id] }, { emoji: '👍', users: [ME.id] }]);
    r = toggleReaction(r, '👍', ME.id);
    expect(r).toEqual([{ emoji: '🎉', users: [BOB.id, ME.id] }]);
    r = toggleReaction(r, '🎉', ME.id);
    expect(r).toEqual([{ emoji: '🎉', users: [BOB.id] }]);
    expect(reactionsOf(withReactions(msg(1), r))).toEqual(r);
  });
});

describe('a window around an old message', () => {
  it('replaces the timeline, ignores live messages until paging down reaches the end', () => {
    const store = openStore(Array.from({ length: 50 }, (_, i) => i + 951)); // 951..1000
    store.getState().addPage(CID, Array.from({ length: 50 }, (_, i) => msg(i + 20)), 'around', 50);
    let tl = store.getState().timelines[CID]!;
    expect(tl.messages[0]!.seq).toBe(20);
    expect(tl.hasNewer).toBe(true);
    expect(tl.hasOlder).toBe(true);

    // A live message would leave a hole between 69 and 1001: not appended, no gap to fill.
    expect(store.getState().receive([msg(1001)], { live: true })).toEqual([]);
    expect(store.getState().timelines[CID]!.messages.at(-1)!.seq).toBe(69);
    expect(store.getState().conversations[CID]!.lastSeq).toBe(1001);

    store.getState().addPage(CID, Array.from({ length: 100 }, (_, i) => msg(i + 70)), 'after', 100);
    expect(store.getState().timelines[CID]!.hasNewer).toBe(true);
    store.getState().addPage(CID, [msg(170), msg(171)], 'after', 100); // short: the end
    tl = store.getState().timelines[CID]!;
    expect(tl.hasNewer).toBeUndefined();
    expect(store.getState().receive([msg(172)], { live: true })).toEqual([]);
    expect(store.getState().timelines[CID]!.messages.at(-1)!.seq).toBe(172);
  });

  it('"jump to latest" swaps the window for the newest page', () => {
    const store = openStore([99, 100]);
    store.getState().addPage(CID, [msg(1), msg(2)], 'around', 50);
    store.getState().addPage(CID, [msg(99), msg(100)], 'newest', 50);
    const tl = store.getState().timelines[CID]!;
    expect(tl.messages.map((m) => m.seq)).toEqual([99, 100]);
    expect(tl.hasNewer).toBeFalsy();
  });

  it('a pending reply keeps the quote it was sent with', () => {
    const store = openStore([1]);
    const quote = { id: msg(1).id, from: BOB.id, seq: 1, preview: 'message 1', deleted: false };
    const e = store.getState().enqueue(CID, 'answer', new Date(), quote);
    expect(store.getState().outbox[0]!.replyTo).toEqual(quote);
    expect(e.replyTo).toEqual(quote);
  });
});
