// The SocialEngine against a fake WebSocket and REST server: what each event does to the
// social and chat stores, typing expiry on a fake clock, and a `blocked` refusal.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatEngine } from '@/client/chat-engine';
import { SocialEngine } from '@/client/social-engine';
import { createChatStore } from '@/stores/chat-store';
import { createSocialStore, typingUserIds, TYPING_SHOWS_MS } from '@/stores/social-store';
import { FakeSocket } from './fake-socket';
import type { Group } from '@/lib/social-types';
import type { Message } from '@/lib/types';

const ME = { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', username: 'alice' };
const BOB = { id: 'bbbbbbbbbbbbbbbbbbbbbbbb', username: 'bob' };
const DM = `dm_${ME.id}_${BOB.id}`;
const GID = 'cccccccccccccccccccccccc';
const GRP = `grp_${GID}`;
const T0 = '2026-01-01T12:00:00.000Z';

function group(members: string[], name = 'Trip'): Group {
  return {
    id: GID, name, description: '', avatar: '',
    members: members.map((userID, i) => ({ userID, role: i === 0 ? 'admin' : 'member', joinedAt: T0 })),
    settings: { isPublic: false, allowInvites: false, maxMembers: 1000 }, createdAt: T0, updatedAt: T0,
  };
}

function msg(seq: number, cid: string, from: string): Message {
  return { id: `m${seq}`.padEnd(24, '0'), conversationId: cid, seq, from, to: ME.id, body: `m${seq}`, type: 'text', timestamp: seq, createdAt: T0, clientMsgId: null };
}

// What the fake server answers.
let serverGroups: Group[];
let requests: string[];
function fakeFetch(url: string) {
  requests.push(url);
  const u = new URL(url, 'http://x');
  let body: unknown = {};
  if (u.pathname === '/api/conversations') {
    body = {
      conversations: [
        { id: DM, kind: 'dm', peer: BOB, lastMessage: null, lastSeq: 3, readSeq: 0, unread: 3 },
        ...serverGroups.map((g) => ({ id: `grp_${g.id}`, kind: 'group', group: g, lastMessage: null, lastSeq: 1, readSeq: 1, unread: 0 })),
      ],
    };
  } else if (u.pathname === '/api/friends') {
    body = { friends: [{ ...BOB, status: 'online', lastSeen: T0 }], incoming: [], outgoing: [], blocked: [] };
  } else if (u.pathname === '/api/groups/mine') {
    body = { groups: serverGroups };
  } else if (u.pathname.startsWith('/api/users/')) {
    body = { user: { id: u.pathname.split('/').pop(), username: 'someone' } };
  } else if (u.pathname.endsWith('/messages')) {
    body = { messages: [] };
  }
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
}

async function settle() {
  for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(1);
}

async function started() {
  const chatStore = createChatStore({ me: ME });
  const chat = new ChatEngine(chatStore, {
    wsUrl: 'ws://x/ws',
    storage: { getItem: () => null, setItem: () => {}, removeItem: () => {} } as unknown as Storage,
    onSessionEnded: () => {},
  });
  const store = createSocialStore(ME.id);
  const social = new SocialEngine(chat, chatStore, store);
  social.start();
  chat.start();
  const socket = FakeSocket.all.at(-1)!;
  socket.open();
  await settle();
  return { chatStore, chat, store, social, socket };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  FakeSocket.all = [];
  serverGroups = [group([ME.id, BOB.id])];
  requests = [];
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('fetch', vi.fn(fakeFetch));
  vi.stubGlobal('document', { visibilityState: 'visible', addEventListener: () => {}, removeEventListener: () => {} });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('SocialEngine', () => {
  it('loads friends (with presence) and groups when the socket opens, and follows presence', async () => {
    const { store, chatStore, socket } = await started();
    expect(store.getState().friends).toEqual([BOB.id]);
    expect(store.getState().presence[BOB.id]?.status).toBe('online');
    expect(Object.keys(store.getState().groups)).toEqual([GID]);
    expect(chatStore.getState().conversations[GRP]?.title).toBe('Trip');
    socket.frame({ type: 'presence', userId: BOB.id, status: 'offline', lastSeen: T0 });
    expect(store.getState().presence[BOB.id]).toEqual({ status: 'offline', lastSeen: T0 });
  });

  it('a typing start expires 6 s after it arrived unless repeated; a stop or a message ends it', async () => {
    const { store, chatStore, socket } = await started();
    socket.frame({ type: 'typing', conversationId: DM, userId: BOB.id, state: 'start' });
    expect(typingUserIds(store.getState(), DM)).toEqual([BOB.id]);
    await vi.advanceTimersByTimeAsync(TYPING_SHOWS_MS - 1000);
    socket.frame({ type: 'typing', conversationId: DM, userId: BOB.id, state: 'start' }); // repeated
    await vi.advanceTimersByTimeAsync(TYPING_SHOWS_MS - 1);
    expect(store.getState().typing[DM]?.[BOB.id]).toBeDefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(store.getState().typing[DM]).toEqual({}); // gone on its own

    socket.frame({ type: 'typing', conversationId: DM, userId: BOB.id, state: 'start' });
    socket.frame({ type: 'typing', conversationId: DM, userId: BOB.id, state: 'stop' });
    expect(typingUserIds(store.getState(), DM)).toEqual([]);

    socket.frame({ type: 'typing', conversationId: DM, userId: BOB.id, state: 'start' });
    socket.frame({ type: 'message', message: msg(4, DM, BOB.id) });
    expect(typingUserIds(store.getState(), DM)).toEqual([]);
    expect(chatStore.getState().conversations[DM]?.unread).toBe(4);
  });

  it('a read from my other device clears the badge; a peer’s read is kept for receipts', async () => {
    const { chatStore, socket } = await started();
    expect(chatStore.getState().conversations[DM]?.unread).toBe(3);
    socket.frame({ type: 'read', conversationId: DM, userId: ME.id, seq: 3 });
    expect(chatStore.getState().conversations[DM]?.unread).toBe(0);
    socket.frame({ type: 'read', conversationId: DM, userId: BOB.id, seq: 2 });
    expect(chatStore.getState().peerRead[DM]).toEqual({ [BOB.id]: 2 });
  });

  it('friend events move requests and friends', async () => {
    const { store, socket } = await started();
    const f = { id: 'f1', requester: 'dddddddddddddddddddddddd', recipient: ME.id, status: 'pending', createdAt: T0, updatedAt: T0 };
    socket.frame({ type: 'friend-request', friendship: f });
    expect(store.getState().incoming.map((x) => x.id)).toEqual(['f1']);
    await settle();
    expect(store.getState().users[f.requester]?.username).toBe('someone'); // learned its name
    socket.frame({ type: 'friend-accepted', friendship: { ...f, status: 'accepted' } });
    expect(store.getState().incoming).toEqual([]);
    expect(store.getState().friends).toContain(f.requester);
    socket.frame({ type: 'friend-removed', userId: BOB.id });
    expect(store.getState().friends).toEqual([f.requester]);
  });

  it('group-updated: a rename retitles, a kick keeps the conversation read-only, a leave drops it', async () => {
    const { store, chatStore, social, socket } = await started();
    socket.frame({ type: 'group-updated', group: group([ME.id, BOB.id], 'Renamed') });
    expect(chatStore.getState().conversations[GRP]?.title).toBe('Renamed');

    socket.frame({ type: 'group-updated', group: group([BOB.id], 'Renamed') });
    expect(store.getState().departed[GID]).toEqual({ reason: 'removed', name: 'Renamed' });
    expect(chatStore.getState().conversations[GRP]).toBeDefined();
    social.dismissDeparted(GRP);
    expect(chatStore.getState().conversations[GRP]).toBeUndefined();

    // Added back (the list learns it again), then leaving by my own hand.
    socket.frame({ type: 'group-updated', group: group([BOB.id, ME.id]) });
    await settle();
    expect(chatStore.getState().conversations[GRP]).toBeDefined();
    store.getState().startLeaving(GID);
    socket.frame({ type: 'group-updated', group: group([BOB.id]) });
    expect(store.getState().departed[GID]).toBeUndefined();
    expect(chatStore.getState().conversations[GRP]).toBeUndefined();
  });

  it('a `blocked` refusal of a send or of typing marks the DM as refused; their message lifts it', async () => {
    const { store, chat, chatStore, social, socket } = await started();
    chat.send(DM, 'hello?');
    const { clientMsgId } = chatStore.getState().outbox[0]!;
    socket.frame({ type: 'error', code: 'blocked', message: 'blocked', ref: clientMsgId });
    expect(chatStore.getState().outbox[0]?.status).toBe('failed');
    expect(store.getState().refusedDms).toEqual({ [DM]: true });

    socket.frame({ type: 'message', message: msg(4, DM, BOB.id) });
    expect(store.getState().refusedDms).toEqual({});

    social.typing.input(DM, 'h');
    expect(socket.sent.at(-1)).toEqual({ type: 'typing', conversationId: DM, state: 'start' });
    socket.frame({ type: 'error', code: 'blocked', message: 'blocked', ref: null });
    expect(store.getState().refusedDms).toEqual({ [DM]: true });
  });

  it('does not refetch the conversation list for every group message', async () => {
    const { socket } = await started();
    const before = requests.filter((r) => r === '/api/conversations').length;
    socket.frame({ type: 'message', message: msg(2, GRP, BOB.id) });
    socket.frame({ type: 'message', message: msg(3, GRP, BOB.id) });
    await settle();
    expect(requests.filter((r) => r === '/api/conversations').length).toBe(before);
  });

  it('looks names up a few at a time, and an unknown user only once', async () => {
    const { store, social } = await started();
    let inFlight = 0;
    let most = 0;
    const asked: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      const id = url.split('/').pop() as string;
      asked.push(id);
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 10));
      inFlight--;
      if (id === 'ghost') return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no' } }), { status: 404 });
      return new Response(JSON.stringify({ user: { id, username: `user-${id}` } }), { status: 200 });
    }));
    const ids = [...Array.from({ length: 10 }, (_, i) => `u${i}`), 'ghost'];
    social.ensureUsers(ids);
    social.ensureUsers(ids); // a second render asks nothing more
    await vi.advanceTimersByTimeAsync(200);
    expect(most).toBe(4);
    expect(asked.sort()).toEqual([...ids].sort());
    expect(store.getState().users.u9?.username).toBe('user-u9');
    social.ensureUsers(['ghost']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(asked.filter((id) => id === 'ghost')).toHaveLength(1);
  });
});
