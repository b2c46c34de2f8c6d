// Two video instances sharing rooms through one Redis (--redis): a room created on one is
// joined on both; peer-joined, offer, answer, ICE candidates, media-state and peer-left cross
// between the instances with the server-stamped `from` (a client's own is ignored); the mesh
// cap counts the peers of both; a second connection of a user on the other instance replaces
// the first there; the room is gone for both when the last one leaves. With Redis down,
// creating and joining fail at once with `unavailable` while peers on one instance keep
// talking, and a restarted, empty Redis gets the rooms back. An instance killed with SIGKILL
// loses its participants once its heartbeat lapses (last: it kills v2).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startVideo } from './lib/server.mjs';
import { api, assertError, register, connectWs, closeAllWs, waitFor, withTimeout } from './lib/client.mjs';
import { startRedis, stopRedis } from './lib/redis.mjs';

const T = { timeout: 30_000 };
const SDP = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const CANDIDATE = 'candidate:842163049 1 udp 1677729535 127.0.0.1 46154 typ host generation 0';

let server; // the chat server: accounts
let redis;
let v1; // two video instances on one Redis, --max-peers 3
let v2;
before(async () => {
  server = await startServer();
  redis = await startRedis();
  const args = ['--redis', redis.url, '--max-peers', '3'];
  v1 = await startVideo({ server, args });
  v2 = await startVideo({ server, args });
});
after(async () => {
  closeAllWs();
  await v1?.cleanup();
  await v2?.cleanup();
  await server?.cleanup();
  await stopRedis(redis);
});

const users = (n) => Promise.all(Array.from({ length: n }, () => register(server)));

async function createRoom(who, svc) {
  const res = await api(svc, 'POST', '/api/rooms/create', { token: who.token, body: {} });
  assert.equal(res.status, 201, res.text);
  return res.json.roomId;
}

async function join(who, roomId, svc) {
  const ws = await connectWs(svc, { token: who.token, path: `/ws/${roomId}` });
  const welcome = await ws.next(() => true);
  assert.equal(welcome.type, 'welcome', JSON.stringify(welcome));
  return { ws, welcome };
}

async function refusedJoin(who, roomId, code, svc) {
  const ws = await connectWs(svc, { token: who.token, path: `/ws/${roomId}` });
  const frame = await ws.next(() => true);
  assert.deepEqual({ type: frame.type, code: frame.code }, { type: 'error', code }, JSON.stringify(frame));
  assert.equal((await withTimeout(ws.closed, 5000, 'close after a refused join')).code, 1008);
}

const participants = async (who, roomId, svc) => (await api(svc, 'GET', `/api/rooms/${roomId}`, { token: who.token })).json?.participants;

describe('rooms shared by two video instances', () => {
  it('signaling crosses instances with the server\'s `from`; the room is one on both', T, async () => {
    const [a, b, mallory] = await users(3);
    const roomId = await createRoom(a, v1);
    const A = await join(a, roomId, v1);
    const B = await join(b, roomId, v2);
    assert.deepEqual(B.welcome.peers, [a.user.id]);
    assert.deepEqual(await A.ws.next('peer-joined'), { type: 'peer-joined', userId: b.user.id });
    assert.deepEqual(await participants(a, roomId, v2), [a.user.id, b.user.id]);
    assert.deepEqual(await participants(b, roomId, v1), [a.user.id, b.user.id]);

    // A client's own `from` is ignored on the way across too.
    B.ws.send({ type: 'offer', to: a.user.id, from: mallory.user.id, sdp: SDP });
    assert.deepEqual(await A.ws.next('offer'), { type: 'offer', from: b.user.id, sdp: SDP });
    A.ws.send({ type: 'answer', to: b.user.id, from: mallory.user.id, sdp: SDP });
    assert.deepEqual(await B.ws.next('answer'), { type: 'answer', from: a.user.id, sdp: SDP });
    const candidate = { candidate: CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 };
    A.ws.send({ type: 'ice-candidate', to: b.user.id, candidate });
    assert.deepEqual(await B.ws.next('ice-candidate'), { type: 'ice-candidate', from: a.user.id, candidate });
    B.ws.send({ type: 'media-state', from: mallory.user.id, audio: true, video: false, screen: true });
    assert.deepEqual(await A.ws.next('media-state'), { type: 'media-state', from: b.user.id, audio: true, video: false, screen: true });

    // peer-left crosses; the last one out ends the room on both instances.
    await B.ws.close();
    assert.deepEqual(await A.ws.next('peer-left'), { type: 'peer-left', userId: b.user.id });
    assert.deepEqual(await participants(a, roomId, v2), [a.user.id]);
    await A.ws.close();
    for (const svc of [v1, v2]) {
      await waitFor(async () => (await api(svc, 'GET', `/api/rooms/${roomId}`, { token: a.token })).status === 404,
        { what: 'the empty room to be gone' });
    }
    await refusedJoin(b, roomId, 'not_found', v2);
  });

  it('the cap counts the peers of both instances: room_full', T, async () => {
    const [a, b, c, d] = await users(4);
    const roomId = await createRoom(a, v2);
    const A = await join(a, roomId, v1);
    await join(b, roomId, v2);
    const C = await join(c, roomId, v1);
    assert.deepEqual(C.welcome.peers, [a.user.id, b.user.id]);
    await refusedJoin(d, roomId, 'room_full', v2);
    await refusedJoin(d, roomId, 'room_full', v1);
    // One leaving on one instance makes room on the other.
    await C.ws.close();
    await A.ws.next((f) => f.type === 'peer-left' && f.userId === c.user.id);
    const D = await join(d, roomId, v2);
    assert.deepEqual(D.welcome.peers, [a.user.id, b.user.id]);
  });

  it('a second connection on the other instance replaces the first there', T, async () => {
    const [a, b] = await users(2);
    const roomId = await createRoom(a, v1);
    const A = await join(a, roomId, v1);
    const B1 = await join(b, roomId, v2);
    await A.ws.next('peer-joined');
    const B2 = await join(b, roomId, v1);
    assert.deepEqual(B2.welcome.peers, [a.user.id]);
    assert.equal((await B1.ws.next('error')).code, 'replaced');
    assert.equal((await withTimeout(B1.ws.closed, 5000, 'the replaced connection closes')).code, 4000);
    assert.deepEqual(await A.ws.next('peer-left'), { type: 'peer-left', userId: b.user.id });
    assert.deepEqual(await A.ws.next('peer-joined'), { type: 'peer-joined', userId: b.user.id });
    A.ws.send({ type: 'offer', to: b.user.id, sdp: SDP });
    assert.equal((await B2.ws.next('offer')).from, a.user.id);
    // The replaced connection's close told nobody; b keeps its place.
    await A.ws.assertNoFrame('peer-left', 'a peer-left for the replaced connection');
    assert.deepEqual(await participants(a, roomId, v2), [a.user.id, b.user.id]);
  });

  it('Redis down: create and join answer `unavailable` at once, local peers keep talking; a restarted Redis gets the room back', T, async () => {
    const [a, b, c] = await users(3);
    const roomId = await createRoom(a, v1);
    const A = await join(a, roomId, v1);
    const B = await join(b, roomId, v1);
    await A.ws.next('peer-joined');
    await stopRedis(redis);

    const started = Date.now();
    assertError(await api(v1, 'POST', '/api/rooms/create', { token: a.token, body: {} }), 503, 'unavailable');
    assertError(await api(v2, 'GET', `/api/rooms/${roomId}`, { token: a.token }), 503, 'unavailable');
    await refusedJoin(c, roomId, 'unavailable', v2);
    assert.ok(Date.now() - started < 5000, `answered in ${Date.now() - started} ms, not hung`);

    B.ws.send({ type: 'offer', to: a.user.id, sdp: SDP });
    assert.deepEqual(await A.ws.next('offer'), { type: 'offer', from: b.user.id, sdp: SDP });

    redis = await startRedis(redis.port);
    // The instance puts its room and participants back once its link is up again.
    await waitFor(async () => JSON.stringify(await participants(a, roomId, v2)) === JSON.stringify([a.user.id, b.user.id]),
      { what: 'the room back in the restarted Redis' });
    const C = await join(c, roomId, v2);
    assert.deepEqual(C.welcome.peers, [a.user.id, b.user.id]);
    // Pub/sub is at-most-once: what v2 published before its broker was subscribed again is
    // lost (the peer-joined, perhaps), so wait for the relay path itself to be back.
    await waitFor(async () => {
      C.ws.send({ type: 'offer', to: a.user.id, sdp: SDP });
      return A.ws.next('offer', 250).then((f) => f.from === c.user.id, () => false);
    }, { what: 'relays from v2 to v1 again' });
  });

  it('an instance killed with SIGKILL: once its heartbeat lapses (≤ 10 s) its participants leave, their peers hear peer-left, the cap is free', { timeout: 40_000 }, async () => {
    const [a, b, c, d] = await users(4);
    const roomId = await createRoom(a, v1);
    const A = await join(a, roomId, v1);
    await join(b, roomId, v2);
    await join(c, roomId, v2);
    await refusedJoin(d, roomId, 'room_full', v1);
    A.ws.drain('peer-joined');
    await v2.kill9();
    // v1's sweep removes them and tells the peers left (nobody on v2 can).
    const left = await A.ws.collect('peer-left', 2, 20_000);
    assert.deepEqual(left.map((f) => f.userId).sort(), [b.user.id, c.user.id].sort());
    assert.deepEqual(await participants(a, roomId, v1), [a.user.id]);
    const D = await join(d, roomId, v1);
    assert.deepEqual(D.welcome.peers, [a.user.id]);
  });
});
