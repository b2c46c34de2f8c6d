// The call's life around the connections (client/call-controller.ts) with fake REST and a
// fake clock: an invite goes out with the room, rings at the callee, is declined or answered,
// an unanswered call becomes "missed" after RING_MS, and the caller records the call's end
// with its duration. Also the detection of call messages (client/call-signals.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallController, CONNECT_WITHIN_MS, RING_MS } from '@/client/call-controller';
import { newCallSignals } from '@/client/call-signals';
import type { Message } from '@/lib/types';
import { createCallStore } from '@/stores/call-store';
import { createChatStore } from '@/stores/chat-store';

const ME = { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', username: 'alice' };
const BOB = { id: 'bbbbbbbbbbbbbbbbbbbbbbbb', username: 'bob' };
const DM = `dm_${ME.id}_${BOB.id}`;
const GRP = 'grp_cccccccccccccccccccccccc';
const ROOM = 'r0000000000000000000000a';

let seq = 0;
function message(over: Partial<Message>): Message {
  seq += 1;
  return {
    id: `m${seq}`.padEnd(24, '0'), conversationId: DM, seq, from: BOB.id, to: ME.id, body: 'x', type: 'text',
    metadata: {}, timestamp: 0, createdAt: new Date(Date.now()).toISOString(), clientMsgId: null, ...over,
  };
}
const invite = (over: Partial<Message> = {}) =>
  message({ type: 'call-invite', body: 'Started a video call', metadata: { roomId: ROOM }, ...over });
const ended = (reason: string, over: Partial<Message> = {}) =>
  message({ type: 'system', body: 'Call declined', metadata: { roomId: ROOM, event: 'call-ended', reason, durationSeconds: 0 }, ...over });

let posted: { cid: string; body: Record<string, unknown> }[];
function setup({ videoUrl = 'http://127.0.0.1:4000' as string | null, listFirst = false } = {}) {
  const chat = createChatStore({ me: ME });
  const list = () => chat.getState().setConversations([{ id: DM, kind: 'dm', peer: BOB, lastMessage: null, lastSeq: 0, unread: 0 }]);
  // A store started with the list (lib/early-requests.ts) has it before the controller starts.
  if (listFirst) list();
  const calls = createCallStore();
  const controller = new CallController(chat, calls, {
    fetchConfig: async () => ({ videoUrl }),
    createRoom: async () => ({ roomId: ROOM, iceServers: [{ urls: ['turn:x'], username: 'u', credential: 'c' }], expiresAt: '' }),
    postMessage: async (cid, body) => {
      posted.push({ cid, body });
      return { message: message({ conversationId: cid }) };
    },
    now: () => Date.now(),
    newClientMsgId: () => `call-${posted.length}`,
  });
  controller.start();
  // The first list is the state we arrived in; then messages arrive live.
  if (!listFirst) list();
  const arrive = (m: Message) => chat.getState().receive([m], { live: true });
  return { chat, calls, controller, arrive };
}

async function settle() {
  for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(1);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(new Date('2026-01-01T12:00:00Z'));
  posted = [];
});
afterEach(() => vi.useRealTimers());

describe('placing a call', () => {
  it('creates the room, posts the call-invite with its id, and rings until someone joins', async () => {
    const { calls, controller } = setup();
    await settle();
    expect(calls.getState().videoUrl).toBe('http://127.0.0.1:4000');
    await controller.startCall(DM);
    expect(posted).toEqual([
      { cid: DM, body: { type: 'call-invite', body: 'Started a video call', clientMsgId: 'call-0', metadata: { roomId: ROOM } } },
    ]);
    const call = calls.getState().call!;
    expect(call).toMatchObject({ roomId: ROOM, conversationId: DM, direction: 'outgoing', phase: 'ringing' });
    expect(call.iceServers[0]!.username).toBe('u');
  });

  it('nobody answers within RING_MS: the call ends and the caller records a missed call', async () => {
    const { calls, controller } = setup();
    await settle();
    await controller.startCall(DM);
    await vi.advanceTimersByTimeAsync(RING_MS - 1);
    expect(calls.getState().call).not.toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.getState().call).toBeNull();
    expect(posted.at(-1)!.body).toMatchObject({ type: 'system', metadata: { event: 'call-ended', roomId: ROOM, reason: 'missed', durationSeconds: 0 } });
    expect(calls.getState().notice?.reason).toBe('missed');
  });

  it('answered and connected: hanging up records a completed call with its duration', async () => {
    const { calls, controller } = setup();
    await settle();
    await controller.startCall(DM);
    controller.onPeerJoined();
    expect(calls.getState().call!.phase).toBe('connecting');
    await vi.advanceTimersByTimeAsync(2_000);
    controller.onConnected();
    expect(calls.getState().call!.phase).toBe('connected');
    await vi.advanceTimersByTimeAsync(RING_MS + 65_000); // the ring timer was cleared
    expect(calls.getState().call).not.toBeNull();
    controller.hangUp();
    expect(posted.at(-1)!.body.metadata).toEqual({ event: 'call-ended', roomId: ROOM, reason: 'completed', durationSeconds: 110 });
    expect(calls.getState().notice?.text).toBe('Call ended · 1:50');
  });

  it('joined but never connected within CONNECT_WITHIN_MS: a failed call', async () => {
    const { calls, controller } = setup();
    await settle();
    await controller.startCall(DM);
    controller.onPeerJoined();
    await vi.advanceTimersByTimeAsync(CONNECT_WITHIN_MS);
    expect(calls.getState().call).toBeNull();
    expect(posted.at(-1)!.body.metadata).toMatchObject({ reason: 'failed' });
  });

  it('the callee declines the DM call: the caller stops without a second note', async () => {
    const { calls, controller, arrive } = setup();
    await settle();
    await controller.startCall(DM);
    arrive(ended('declined'));
    expect(calls.getState().call).toBeNull();
    expect(calls.getState().notice).toEqual({ text: 'Call declined', reason: 'declined' });
    expect(posted).toHaveLength(1); // the invite only
  });

  it('without a video service there is no call to place', async () => {
    const { calls, controller } = setup({ videoUrl: null });
    await settle();
    await controller.startCall(DM);
    expect(calls.getState().call).toBeNull();
    expect(posted).toEqual([]);
  });
});

describe('an incoming invite', () => {
  it('rings also when the store started with the list (the first change is then news)', async () => {
    const { calls, arrive } = setup({ listFirst: true });
    await settle();
    arrive(invite());
    expect(calls.getState().incoming?.conversationId).toBe(DM);
  });

  it('does not ring for an invite already in the list it arrived to', async () => {
    const chat = createChatStore({ me: ME });
    const calls = createCallStore();
    const controller = new CallController(chat, calls, {
      fetchConfig: async () => ({ videoUrl: 'http://127.0.0.1:4000' }),
      createRoom: async () => ({ roomId: ROOM, iceServers: [], expiresAt: '' }),
      postMessage: async (cid) => ({ message: message({ conversationId: cid }) }),
      now: () => Date.now(),
      newClientMsgId: () => 'call-0',
    });
    controller.start();
    await settle();
    chat.getState().setConversations([{ id: DM, kind: 'dm', peer: BOB, lastMessage: invite(), lastSeq: 1, unread: 1 }]);
    expect(calls.getState().incoming).toBeNull();
  });

  it('rings; accepting starts the call as the callee, who records nothing at the end', async () => {
    const { calls, controller, arrive } = setup();
    await settle();
    arrive(invite());
    expect(calls.getState().incoming).toMatchObject({ roomId: ROOM, conversationId: DM, from: BOB.id });
    controller.accept({ voiceOnly: true });
    expect(calls.getState().incoming).toBeNull();
    expect(calls.getState().call).toMatchObject({ roomId: ROOM, direction: 'incoming', phase: 'connecting' });
    expect(calls.getState().local.voiceOnly).toBe(true);
    controller.onPeerJoined();
    controller.onConnected();
    controller.onMeshEnded({ why: 'alone' });
    expect(calls.getState().call).toBeNull();
    expect(posted).toEqual([]);
  });

  it('declining a DM call records "declined"; in a group it only stops the ring', async () => {
    const { chat, calls, controller, arrive } = setup();
    await settle();
    arrive(invite());
    controller.decline();
    expect(calls.getState().incoming).toBeNull();
    expect(posted.map((p) => p.body.metadata)).toEqual([{ event: 'call-ended', roomId: ROOM, reason: 'declined', durationSeconds: 0 }]);
    chat.getState().setConversations([
      { id: DM, kind: 'dm', peer: BOB, lastMessage: null, lastSeq: 1, unread: 0 },
      { id: GRP, kind: 'group', group: { id: GRP.slice(4), name: 'Trip' }, lastMessage: null, lastSeq: 0, unread: 0 },
    ]);
    arrive(invite({ conversationId: GRP, metadata: { roomId: 'g0000000000000000000000a' } }));
    expect(calls.getState().incoming?.conversationId).toBe(GRP);
    controller.decline();
    expect(posted).toHaveLength(1);
  });

  it('stops ringing when the caller gives up, and after RING_MS on its own', async () => {
    const { calls, arrive } = setup();
    await settle();
    arrive(invite());
    arrive(ended('missed'));
    expect(calls.getState().incoming).toBeNull();
    arrive(invite({ metadata: { roomId: 'r0000000000000000000000b' } }));
    expect(calls.getState().incoming).not.toBeNull();
    await vi.advanceTimersByTimeAsync(RING_MS);
    expect(calls.getState().incoming).toBeNull();
  });

  it('does not ring for my own invite, an invite seen before, or one minutes old', async () => {
    const { calls, arrive } = setup();
    await settle();
    arrive(invite({ from: ME.id }));
    expect(calls.getState().incoming).toBeNull();
    arrive(invite({ createdAt: new Date(Date.now() - 5 * 60_000).toISOString(), metadata: { roomId: 'old00000000000000000000a' } }));
    expect(calls.getState().incoming).toBeNull();
  });
});

describe('joining a call that is on', () => {
  it('starts the call as a participant, silences its ring, and is refused while in another call', async () => {
    const { calls, controller, arrive } = setup();
    await settle();
    arrive(invite());
    controller.join(DM, ROOM);
    expect(calls.getState().incoming).toBeNull();
    expect(calls.getState().call).toMatchObject({ roomId: ROOM, conversationId: DM, direction: 'incoming', phase: 'connecting' });
    controller.join(GRP, 'other00000000000000000000');
    expect(calls.getState().call!.roomId).toBe(ROOM);
  });
});

describe('newCallSignals', () => {
  it('finds invites and call ends that became a last message; ignores the rest', () => {
    const inv = invite();
    const end = ended('completed', { conversationId: GRP });
    const text = message({});
    const prev = { [DM]: { lastMessage: null }, [GRP]: { lastMessage: null } };
    const next = { [DM]: { lastMessage: inv }, [GRP]: { lastMessage: end }, x: { lastMessage: text } };
    expect(newCallSignals(prev, next).map((s) => `${s.kind} ${s.roomId}`)).toEqual([`invite ${ROOM}`, `ended ${ROOM}`]);
    expect(newCallSignals(next, next)).toEqual([]);
    const groupNote = message({ type: 'system', metadata: { event: 'member-joined' } });
    expect(newCallSignals(prev, { [DM]: { lastMessage: groupNote } })).toEqual([]);
  });
});
