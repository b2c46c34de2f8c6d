import { describe, expect, it } from 'vitest';
import { createChatStore, mergeBySeq, sortedConversations, totalUnread } from '@/stores/chat-store';
import { loadOutbox, saveOutbox } from '@/stores/outbox-storage';
import type { ConversationSummary, Message } from '@/lib/types';

const ME = { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', username: 'alice' };
const BOB = { id: 'bbbbbbbbbbbbbbbbbbbbbbbb', username: 'bob' };
const CID = `dm_${ME.id}_${BOB.id}`;

function msg(seq: number, from = BOB.id, extra: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`.padEnd(24, '0'),
    conversationId: CID,
    seq,
    from,
    to: from === BOB.id ? ME.id : BOB.id,
    body: `message ${seq}`,
    type: 'text',
    timestamp: 1_700_000_000 + seq,
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
    clientMsgId: null,
    ...extra,
  };
}

function summary(over: Partial<ConversationSummary> = {}): ConversationSummary {
  return { id: CID, kind: 'dm', peer: BOB, lastMessage: null, lastSeq: 0, readSeq: 0, unread: 0, ...over };
}

function storeWithOpenTimeline(seqs: number[]) {
  const store = createChatStore({ me: ME });
  const messages = seqs.map((s) => msg(s));
  store.getState().setConversations([
    summary({ lastSeq: seqs.at(-1) ?? 0, lastMessage: messages.at(-1) ?? null, readSeq: seqs.at(-1) ?? 0 }),
  ]);
  store.getState().addPage(CID, messages, 'newest', 50);
  return store;
}

const seqsOf = (store: ReturnType<typeof createChatStore>) =>
  store.getState().timelines[CID]!.messages.map((m) => m.seq);

describe('timeline: ordering and dedupe', () => {
  it('keeps messages in seq order whatever order they arrive in', () => {
    const store = storeWithOpenTimeline([1, 2]);
    store.getState().receive([msg(5), msg(3), msg(4)], { live: true });
    expect(seqsOf(store)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a replay after reconnect (live frames, then the same range as an after= page) adds nothing', () => {
    const store = storeWithOpenTimeline([1, 2, 3]);
    store.getState().receive([msg(4), msg(5)], { live: true });
    store.getState().addPage(CID, [msg(3), msg(4), msg(5), msg(6)], 'after', 100);
    store.getState().receive([msg(6)], { live: true });
    expect(seqsOf(store)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(store.getState().conversations[CID]!.lastSeq).toBe(6);
  });

  it('a repeated seq replaces the older copy (an edit), never duplicates it', () => {
    expect(mergeBySeq([msg(1), msg(2)], [msg(2, BOB.id, { body: 'edited' })]).map((m) => m.body)).toEqual([
      'message 1',
      'edited',
    ]);
  });

  it('reports a gap in a loaded timeline so the engine can fetch after=', () => {
    const store = storeWithOpenTimeline([1, 2]);
    expect(store.getState().receive([msg(3)], { live: true })).toEqual([]);
    expect(store.getState().receive([msg(7)], { live: true })).toEqual([{ conversationId: CID, after: 3 }]);
  });

  it('older pages prepend and know when the history starts', () => {
    const store = createChatStore({ me: ME });
    const newest = Array.from({ length: 3 }, (_, i) => msg(i + 8));
    store.getState().addPage(CID, newest, 'newest', 3);
    expect(store.getState().timelines[CID]!.hasOlder).toBe(true);
    store.getState().addPage(CID, [msg(5), msg(6), msg(7)], 'older', 3);
    expect(store.getState().timelines[CID]!.hasOlder).toBe(true);
    store.getState().addPage(CID, [msg(1), msg(2), msg(3), msg(4)], 'older', 50);
    expect(seqsOf(store)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(store.getState().timelines[CID]!.hasOlder).toBe(false);
  });

  it('live frames for a conversation whose timeline is not loaded only move the summary', () => {
    const store = createChatStore({ me: ME });
    store.getState().setConversations([summary({ lastSeq: 4, unread: 1, readSeq: 3 })]);
    store.getState().receive([msg(5)], { live: true });
    expect(store.getState().timelines[CID]).toBeUndefined();
    expect(store.getState().conversations[CID]!.lastSeq).toBe(5);
  });
});

describe('outbox and retry', () => {
  it('a pending message leaves the outbox when its ack arrives, and the ack is not doubled by a replay', () => {
    const store = storeWithOpenTimeline([1]);
    const e = store.getState().enqueue(CID, 'hello');
    expect(store.getState().outbox).toHaveLength(1);
    const acked = msg(2, ME.id, { body: 'hello', clientMsgId: e.clientMsgId });
    store.getState().receive([acked], { live: true });
    expect(store.getState().outbox).toHaveLength(0);
    store.getState().addPage(CID, [acked], 'after', 100);
    expect(seqsOf(store)).toEqual([1, 2]);
  });

  it('failed → retry keeps the same clientMsgId and counts attempts', () => {
    const store = createChatStore({ me: ME });
    const e = store.getState().enqueue(CID, 'hi');
    store.getState().fail(e.clientMsgId, 'No answer from the server');
    expect(store.getState().outbox[0]).toMatchObject({ status: 'failed', error: 'No answer from the server' });
    const again = store.getState().retry(e.clientMsgId);
    expect(again).toMatchObject({ clientMsgId: e.clientMsgId, status: 'pending', attempts: 2 });
    expect(store.getState().outbox[0]!.error).toBeUndefined();
  });

  it('only my own message with the same clientMsgId in the same conversation clears an entry', () => {
    const store = createChatStore({ me: ME });
    const e = store.getState().enqueue(CID, 'hi');
    store.getState().receive([msg(1, BOB.id, { clientMsgId: e.clientMsgId })], { live: true });
    store.getState().receive([msg(2, ME.id, { clientMsgId: e.clientMsgId, conversationId: 'dm_x_y' })], { live: true });
    expect(store.getState().outbox).toHaveLength(1);
  });

  it('survives a reload through storage, and hydrating twice adds nothing', () => {
    const mem = new Map<string, string>();
    const storage = {
      getItem: (k: string) => mem.get(k) ?? null,
      setItem: (k: string, v: string) => void mem.set(k, v),
      removeItem: (k: string) => void mem.delete(k),
    } as Storage;
    const before = createChatStore({ me: ME });
    before.getState().enqueue(CID, 'one');
    const failed = before.getState().enqueue(CID, 'two');
    before.getState().fail(failed.clientMsgId, 'rejected');
    saveOutbox(storage, ME.id, before.getState().outbox);

    const after = createChatStore({ me: ME });
    after.getState().hydrateOutbox(loadOutbox(storage, ME.id));
    after.getState().hydrateOutbox(loadOutbox(storage, ME.id));
    expect(after.getState().outbox.map((e) => [e.body, e.status])).toEqual([
      ['one', 'pending'],
      ['two', 'failed'],
    ]);
    expect(loadOutbox(storage, BOB.id)).toEqual([]);
    mem.set(`gopherchat.outbox.${ME.id}`, '{not json');
    expect(loadOutbox(storage, ME.id)).toEqual([]);
    saveOutbox(storage, ME.id, []);
    expect(mem.size).toBe(0);
  });
});

describe('unread arithmetic', () => {
  it('counts live messages from others above the read marker, once each', () => {
    const store = storeWithOpenTimeline([1, 2]);
    store.getState().receive([msg(3), msg(4)], { live: true });
    store.getState().receive([msg(4)], { live: true }); // replayed frame
    expect(store.getState().conversations[CID]!.unread).toBe(2);
    expect(totalUnread(store.getState().conversations)).toBe(2);
  });

  it('my own message moves my marker and clears unread (as the server does)', () => {
    const store = storeWithOpenTimeline([1]);
    store.getState().receive([msg(2), msg(3)], { live: true });
    store.getState().receive([msg(4, ME.id)], { live: true });
    expect(store.getState().conversations[CID]).toMatchObject({ unread: 0, readSeq: 4 });
  });

  it('pages never add unread: the snapshot already counted them', () => {
    const store = createChatStore({ me: ME });
    store.getState().setConversations([summary({ lastSeq: 3, unread: 2, readSeq: 1 })]);
    store.getState().addPage(CID, [msg(1), msg(2), msg(3)], 'newest', 50);
    expect(store.getState().conversations[CID]!.unread).toBe(2);
  });

  it('marking read clamps to lastSeq, never moves back, and recounts what stays unread', () => {
    const store = storeWithOpenTimeline([1]);
    store.getState().receive([msg(2), msg(3, ME.id), msg(4), msg(5)], { live: true });
    expect(store.getState().conversations[CID]!.unread).toBe(2);
    store.getState().markRead(CID, 4);
    expect(store.getState().conversations[CID]).toMatchObject({ readSeq: 4, unread: 1 });
    store.getState().markRead(CID, 2);
    expect(store.getState().conversations[CID]!.readSeq).toBe(4);
    store.getState().markRead(CID, 99);
    expect(store.getState().conversations[CID]).toMatchObject({ readSeq: 5, unread: 0 });
  });

  it('a snapshot older than what live frames taught us does not roll counts back', () => {
    const store = storeWithOpenTimeline([1]);
    store.getState().receive([msg(2)], { live: true });
    store.getState().setConversations([summary({ lastSeq: 1, unread: 0 })]);
    expect(store.getState().conversations[CID]).toMatchObject({ lastSeq: 2, unread: 1 });
  });
});

describe('conversation list', () => {
  it('orders by last activity, a draft and a fresh send included', () => {
    const store = createChatStore({ me: ME });
    const other = `dm_${ME.id}_cccccccccccccccccccccccc`;
    store.getState().setConversations([
      summary({ lastSeq: 1, lastMessage: msg(1) }),
      summary({ id: other, lastSeq: 1, lastMessage: msg(30, BOB.id, { conversationId: other }) }),
    ]);
    expect(sortedConversations(store.getState().conversations).map((c) => c.id)).toEqual([other, CID]);
    store.getState().enqueue(CID, 'bump', new Date(Date.UTC(2026, 0, 2)));
    expect(sortedConversations(store.getState().conversations)[0]!.id).toBe(CID);
    const draft = `dm_${ME.id}_dddddddddddddddddddddddd`;
    store.getState().openDraft(draft, { id: 'dddddddddddddddddddddddd', username: 'dan' }, '2026-02-01T00:00:00.000Z');
    expect(sortedConversations(store.getState().conversations)[0]!.id).toBe(draft);
  });
});
