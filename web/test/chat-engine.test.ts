// The engine against a fake WebSocket and a fake REST server: what a reconnect does.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatEngine } from '@/client/chat-engine';
import { createChatStore } from '@/stores/chat-store';
import { FakeSocket } from './fake-socket';
import type { Message } from '@/lib/types';

const ME = { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', username: 'alice' };
const BOB = { id: 'bbbbbbbbbbbbbbbbbbbbbbbb', username: 'bob' };
const CID = `dm_${ME.id}_${BOB.id}`;

function msg(seq: number, from = BOB.id, extra: Partial<Message> = {}): Message {
  return {
    id: String(seq).padStart(24, '0'), conversationId: CID, seq, from, to: ME.id,
    body: `m${seq}`, type: 'text', timestamp: seq, createdAt: new Date(seq * 1000).toISOString(),
    clientMsgId: null, ...extra,
  };
}

// The server's history of CID, its read markers, and every request the engine made.
let history: Message[] = [];
let reads: { userId: string; seq: number }[] = [];
let requests: string[] = [];

function fakeFetch(url: string) {
  requests.push(url);
  const u = new URL(url, 'http://x');
  let body: unknown = {};
  if (u.pathname === '/api/conversations') {
    const last = history.at(-1) ?? null;
    body = { conversations: [{ id: CID, kind: 'dm', peer: BOB, lastMessage: last, lastSeq: last?.seq ?? 0, readSeq: 0, unread: 0 }] };
  } else if (u.pathname.endsWith('/messages')) {
    const after = Number(u.searchParams.get('after') ?? -1);
    const before = Number(u.searchParams.get('before') ?? Infinity);
    const limit = Number(u.searchParams.get('limit'));
    const below = history.filter((m) => m.seq < before);
    const page = after >= 0 ? below.filter((m) => m.seq > after).slice(0, limit) : below.slice(-limit);
    body = { messages: page };
  } else if (u.pathname === `/api/conversations/${CID}/reads`) {
    body = { reads };
  }
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
}

// Lets fetches and the promise chains behind them run (timers are fake: time moves 10 ms).
async function settle() {
  for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(1);
}

let storage: Map<string, string>;
function makeEngine() {
  const store = createChatStore({ me: ME });
  const engine = new ChatEngine(store, {
    wsUrl: 'ws://x/ws',
    storage: {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
    } as Storage,
    onSessionEnded: () => {},
  });
  return { store, engine };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  FakeSocket.all = [];
  history = [msg(1), msg(2), msg(3)];
  reads = [];
  requests = [];
  storage = new Map();
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('fetch', vi.fn(fakeFetch));
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

async function openWith(engine: ChatEngine) {
  engine.start();
  FakeSocket.all.at(-1)!.open();
  await vi.advanceTimersByTimeAsync(0);
  await settle();
  await engine.open(CID);
  await settle();
}

describe('ChatEngine', () => {
  it('after a reconnect, fills the open timeline with after= and resends pending sends with their ids', async () => {
    const { store, engine } = makeEngine();
    await openWith(engine);
    expect(store.getState().timelines[CID]!.messages.map((m) => m.seq)).toEqual([1, 2, 3]);

    FakeSocket.all[0]!.drop();
    expect(store.getState().connection).toBe('connecting');
    engine.send(CID, 'typed while offline'); // stays pending: the socket is down
    const pending = store.getState().outbox[0]!;
    history.push(msg(4), msg(5)); // the server moved on meanwhile

    await vi.advanceTimersByTimeAsync(15_000); // the backoff elapses: a new socket
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.open();
    await vi.advanceTimersByTimeAsync(0);
    await settle();

    expect(requests).toContain(`/api/conversations/${CID}/messages?after=3&limit=100`);
    expect(store.getState().timelines[CID]!.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    const sends = FakeSocket.all[1]!.sent.filter((f) => f.type === 'send');
    expect(sends).toEqual([expect.objectContaining({ clientMsgId: pending.clientMsgId, body: 'typed while offline' })]);

    // The ack arrives, then the same message again as a replayed frame: one row.
    const acked = msg(6, ME.id, { body: 'typed while offline', clientMsgId: pending.clientMsgId });
    FakeSocket.all[1]!.frame({ type: 'ack', clientMsgId: pending.clientMsgId, message: acked });
    FakeSocket.all[1]!.frame({ type: 'message', message: acked });
    expect(store.getState().outbox).toEqual([]);
    expect(store.getState().timelines[CID]!.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    engine.stop();
  });

  it('a live frame that skips seqs fetches the missing ones', async () => {
    const { store, engine } = makeEngine();
    await openWith(engine);
    history.push(msg(4), msg(5), msg(6));
    FakeSocket.all[0]!.frame({ type: 'message', message: msg(6) });
    await settle();
    expect(requests).toContain(`/api/conversations/${CID}/messages?after=3&limit=100`);
    expect(store.getState().timelines[CID]!.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    engine.stop();
  });

  it('an error frame for a send fails it; a send with no ack in 15 s fails too', async () => {
    const { store, engine } = makeEngine();
    await openWith(engine);
    engine.send(CID, 'refused');
    engine.send(CID, 'unanswered');
    const [refused, unanswered] = store.getState().outbox;
    FakeSocket.all[0]!.frame({ type: 'error', code: 'forbidden', message: 'no', ref: refused!.clientMsgId });
    expect(store.getState().outbox[0]).toMatchObject({ status: 'failed', error: 'no' });
    expect(store.getState().outbox[1]!.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(15_000);
    expect(store.getState().outbox[1]).toMatchObject({ clientMsgId: unanswered!.clientMsgId, status: 'failed' });
    engine.stop();
  });

  it('keeps the outbox in storage and brings it back in a new session', async () => {
    const first = makeEngine();
    first.engine.start();
    first.engine.send(CID, 'survives a reload');
    first.engine.stop();
    const second = makeEngine();
    second.engine.start();
    expect(second.store.getState().outbox.map((e) => e.body)).toEqual(['survives a reload']);
    FakeSocket.all.at(-1)!.open();
    await vi.advanceTimersByTimeAsync(0);
    await settle();
    expect(FakeSocket.all.at(-1)!.sent.filter((f) => f.type === 'send')).toHaveLength(1);
    second.engine.stop();
  });
});

describe('ChatEngine: the first conversation list', () => {
  it('takes a list already asked for without asking again', async () => {
    const { store, engine } = makeEngine();
    const prefetched = Promise.resolve({
      conversations: [{ id: CID, kind: 'dm' as const, peer: BOB, lastMessage: msg(3), lastSeq: 3, readSeq: 0, unread: 3 }],
    });
    await engine.refreshConversations(prefetched);
    expect(requests.filter((r) => r === '/api/conversations')).toEqual([]);
    expect(store.getState().conversations[CID]).toMatchObject({ lastSeq: 3, unread: 3 });
  });

  it('asks again when the early request failed (it was made before sign-in)', async () => {
    const { store, engine } = makeEngine();
    const refused = Promise.reject(new Error('401'));
    refused.catch(() => {});
    await engine.refreshConversations(refused);
    expect(requests.filter((r) => r === '/api/conversations')).toHaveLength(1);
    expect(store.getState().conversations[CID]?.lastSeq).toBe(3);
  });
});

describe('ChatEngine: message features', () => {
  it('applies message-updated frames in place and sends replyTo with a reply', async () => {
    const { store, engine } = makeEngine();
    await openWith(engine);
    FakeSocket.all[0]!.frame({ type: 'message-updated', message: msg(2, BOB.id, { body: 'm2 edited', metadata: { edited: true } }) });
    expect(store.getState().timelines[CID]!.messages.map((m) => m.body)).toEqual(['m1', 'm2 edited', 'm3']);
    engine.send(CID, 'answer', { id: msg(2).id, from: BOB.id, seq: 2, preview: 'm2 edited', deleted: false });
    expect(FakeSocket.all[0]!.sent.at(-1)).toMatchObject({ type: 'send', body: 'answer', replyTo: msg(2).id });
    engine.stop();
  });

  it('loads the peer’s read marker when a conversation opens and again after a reconnect', async () => {
    history = [msg(1), msg(2), msg(3, ME.id)];
    reads = [{ userId: BOB.id, seq: 2 }];
    const { store, engine } = makeEngine();
    await openWith(engine);
    expect(requests).toContain(`/api/conversations/${CID}/reads`);
    expect(store.getState().peerRead[CID]).toEqual({ [BOB.id]: 2 });

    // Bob read my message while I was disconnected: no live frame told me.
    FakeSocket.all[0]!.drop();
    reads = [{ userId: BOB.id, seq: 3 }];
    await vi.advanceTimersByTimeAsync(15_000);
    FakeSocket.all[1]!.open();
    await vi.advanceTimersByTimeAsync(0);
    await settle();
    expect(store.getState().peerRead[CID]).toEqual({ [BOB.id]: 3 });
    engine.stop();
  });

  it('jumps far back with one request, then pages down until live messages append again', async () => {
    history = Array.from({ length: 500 }, (_, i) => msg(i + 1));
    const { store, engine } = makeEngine();
    await openWith(engine);
    expect(store.getState().timelines[CID]!.messages[0]!.seq).toBe(451);
    requests = [];
    await engine.loadAround(CID, 40);
    expect(requests).toEqual([`/api/conversations/${CID}/messages?after=14&limit=50`]);
    let tl = store.getState().timelines[CID]!;
    expect([tl.messages[0]!.seq, tl.messages.at(-1)!.seq, tl.hasNewer]).toEqual([15, 64, true]);

    history.push(msg(501));
    FakeSocket.all[0]!.frame({ type: 'message', message: msg(501) });
    await settle();
    expect(store.getState().timelines[CID]!.messages.at(-1)!.seq).toBe(64); // no hole

    for (let i = 0; i < 5 && store.getState().timelines[CID]!.hasNewer; i++) await engine.loadNewer(CID);
    tl = store.getState().timelines[CID]!;
    expect(tl.hasNewer).toBeFalsy();
    expect(tl.messages.map((m) => m.seq)).toEqual(Array.from({ length: 501 - 14 }, (_, i) => i + 15));
    engine.stop();
  });

  it('a message a page or two back is reached by paging, keeping the timeline whole', async () => {
    history = Array.from({ length: 200 }, (_, i) => msg(i + 1));
    const { store, engine } = makeEngine();
    await openWith(engine);
    await engine.loadAround(CID, 120);
    const tl = store.getState().timelines[CID]!;
    expect(tl.hasNewer).toBeFalsy();
    expect(tl.messages[0]!.seq).toBeLessThanOrEqual(120);
    expect(tl.messages.at(-1)!.seq).toBe(200);
    engine.stop();
  });

  it('sends uploaded files as image and file messages with their ids, the caption on the first, and resends them by clientMsgId', async () => {
    const { store, engine } = makeEngine();
    await openWith(engine);
    const photo = { id: 'f'.repeat(24), name: 'cat.png', size: 10, mime: 'image/png', width: 4, height: 3, url: '/api/files/f', thumbUrl: '/api/files/f?thumb=1' };
    const doc = { id: 'd'.repeat(24), name: 'q3.pdf', size: 20, mime: 'application/pdf', url: '/api/files/d' };
    engine.sendFiles(CID, 'for you', [doc, photo]);

    const sends = FakeSocket.all[0]!.sent.filter((f) => f.type === 'send');
    expect(sends).toEqual([
      expect.objectContaining({ body: 'for you', msgType: 'image', attachments: [photo.id] }),
      expect.objectContaining({ body: '', msgType: 'file', attachments: [doc.id] }),
    ]);
    // Pending rows show the files meanwhile; they survive a reload with the outbox.
    expect(store.getState().outbox.map((e) => e.attachments)).toEqual([[photo], [doc]]);
    expect(JSON.parse(storage.get(`gopherchat.outbox.${ME.id}`)!)[1].attachments).toEqual([doc]);

    // The connection drops before the acks: the reconnect resends both, same ids.
    FakeSocket.all[0]!.drop();
    await vi.advanceTimersByTimeAsync(15_000);
    FakeSocket.all[1]!.open();
    await vi.advanceTimersByTimeAsync(0);
    await settle();
    const resent = FakeSocket.all[1]!.sent.filter((f) => f.type === 'send');
    expect(resent.map((f) => [f.clientMsgId, f.msgType, f.attachments])).toEqual(
      sends.map((f) => [f.clientMsgId, f.msgType, f.attachments]),
    );
    engine.stop();
  });
});
