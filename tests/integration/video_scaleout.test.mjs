// Two video instances sharing rooms through one Redis (--redis): a room created on one is
// joined on both; peer-joined, offer, answer, ICE candidates, media-state and peer-left cross
// between the instances with the server-stamped `from` (a client's own is ignored); the mesh
// cap counts the peers of both; a second connection of a user on the other instance replaces
// the first there; the room is gone for both when the last one leaves. One sender's frames
// reach each receiver in order although some lookups wait for Redis and some do not; a stalled
// Redis (SIGSTOP) holds only the relays that need it, which get `unavailable` after the call
// limit, bounded per session; a session closed while its lookups wait relays nothing. With Redis down,
// creating and joining fail at once with `unavailable` while peers on one instance keep
// talking, and a restarted, empty Redis gets the rooms back. An instance killed with SIGKILL
// loses its participants once its heartbeat lapses (--instance-heartbeat-ms and the ttl's
// environment twin GC_INSTANCE_TTL_MS set short here; last: it kills v2).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, startVideo, videoBin } from './lib/server.mjs';
import { api, assertError, register, connectWs, closeAllWs, waitFor, withTimeout } from './lib/client.mjs';
import { startRedis, stopRedis, pauseRedis, resumeRedis } from './lib/redis.mjs';

const T = { timeout: 30_000 };
const SDP = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const CANDIDATE = 'candidate:842163049 1 udp 1677729535 127.0.0.1 46154 typ host generation 0';
// Numbered frames, to tell their order: the number in the SDP's origin line, or in the
// candidate's foundation.
const sdpNo = (i) => `v=0\r\no=- ${i} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n`;
const candidateNo = (i) => ({ candidate: `candidate:${i} 1 udp 1677729535 127.0.0.1 46154 typ host`, sdpMid: '0', sdpMLineIndex: 0 });
const label = (f) => {
  if (f.type === 'offer') return `offer ${/o=- (\d+)/.exec(f.sdp)[1]}`;
  if (f.type === 'ice-candidate') return `ice ${/^candidate:(\d+)/.exec(f.candidate.candidate)[1]}`;
  if (f.type === 'media-state') return `media ${f.video}`;
  return f.type === 'error' ? `error ${f.code}` : f.type;
};
const isRelay = (f) => ['offer', 'answer', 'ice-candidate', 'media-state'].includes(f.type);
const SESSION_WAITING_LIMIT = 256; // relays one session may have waiting for Redis (RelayQueue)

let server; // the chat server: accounts
let redis;
let v1; // two video instances on one Redis, --max-peers 3
let v2;
// Heartbeats every 500 ms, dead after 4 s without one (the defaults are 2 s and 10 s): the
// ttl as its environment twin, to check both spellings.
const HEARTBEAT_MS = 500;
const INSTANCE_TTL_MS = 4000;
before(async () => {
  server = await startServer();
  redis = await startRedis();
  const args = ['--redis', redis.url, '--max-peers', '3', '--instance-heartbeat-ms', String(HEARTBEAT_MS)];
  const env = { GC_INSTANCE_TTL_MS: String(INSTANCE_TTL_MS) };
  v1 = await startVideo({ server, args, env });
  v2 = await startVideo({ server, args, env });
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

// Three users in one room: a and c on v1, b on v2; each has heard of the others' joins.
async function aAndCOnV1BOnV2() {
  const [a, b, c] = await users(3);
  const roomId = await createRoom(a, v1);
  const A = await join(a, roomId, v1);
  const B = await join(b, roomId, v2);
  const C = await join(c, roomId, v1);
  await A.ws.collect('peer-joined', 2);
  await B.ws.next('peer-joined');
  return { a, b, c, A, B, C, roomId };
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

  it('one sender\'s frames reach each receiver in the order sent: across instances, and past lookups that wait for Redis', T, async () => {
    const { a, b, c, A, B, C } = await aAndCOnV1BOnV2();
    // Offers and candidates to b (on the other instance: each lookup asks Redis), media-states to
    // both (a broadcast asks Redis too) and candidates to c (on this instance: answered from
    // memory at once, so without the session's queue they would overtake the media-states).
    const toB = [];
    const toC = [];
    for (let i = 0; i < 200; i++) {
      if (i % 4 === 0) {
        A.ws.send({ type: 'offer', to: b.user.id, sdp: sdpNo(i) });
        toB.push(`offer ${i}`);
      } else if (i % 4 === 1) {
        A.ws.send({ type: 'ice-candidate', to: b.user.id, candidate: candidateNo(i) });
        toB.push(`ice ${i}`);
      } else if (i % 4 === 2) {
        const video = i % 8 === 2;
        A.ws.send({ type: 'media-state', audio: true, video, screen: false });
        toB.push(`media ${video}`);
        toC.push(`media ${video}`);
      } else {
        A.ws.send({ type: 'ice-candidate', to: c.user.id, candidate: candidateNo(i) });
        toC.push(`ice ${i}`);
      }
    }
    const gotB = await B.ws.collect(isRelay, toB.length, 20_000);
    const gotC = await C.ws.collect(isRelay, toC.length, 20_000);
    assert.deepEqual(gotB.map(label), toB);
    assert.deepEqual(gotC.map(label), toC);
    assert.ok([...gotB, ...gotC].every((f) => f.from === a.user.id), 'every frame stamped from a');
    await A.ws.assertNoFrame('error', 'an error for a relay');
    // A `to` in no room (asked of Redis, since it is not here): not_found, the connection stays.
    A.ws.send({ type: 'offer', to: 'f'.repeat(24), sdp: SDP });
    const missing = await A.ws.next('error');
    assert.deepEqual({ code: missing.code, ref: missing.ref }, { code: 'not_found', ref: null });
    await A.ws.sync();
  });

  it('a stalled Redis (SIGSTOP) holds only the relays that need it: a relay on one instance goes on; the waiting ones get `unavailable` after the call limit and are never relayed late; a flood is bounded', T, async () => {
    const { a, b, c, A, B, C } = await aAndCOnV1BOnV2();
    const seenByA = [];
    A.ws.tap((f) => seenByA.push(label(f)));
    const flood = SESSION_WAITING_LIMIT + 44;
    pauseRedis(redis);
    let started;
    try {
      started = Date.now();
      for (let i = 0; i < flood; i++) A.ws.send({ type: 'offer', to: b.user.id, sdp: sdpNo(i) });
      // Past what one session may have waiting, frames are refused at once.
      await A.ws.collect((f) => f.type === 'error' && f.code === 'rate_limited', flood - SESSION_WAITING_LIMIT);
      // c, on a's instance, reaches a while a's relays wait for Redis.
      C.ws.send({ type: 'offer', to: a.user.id, sdp: SDP });
      assert.deepEqual(await A.ws.next('offer'), { type: 'offer', from: c.user.id, sdp: SDP });
      // The waiting ones: `unavailable` each, once the call limit (1 s) is up.
      const failed = await A.ws.collect((f) => f.type === 'error', SESSION_WAITING_LIMIT, 15_000);
      assert.ok(failed.every((f) => f.code === 'unavailable' && f.ref === null), JSON.stringify(failed[0]));
    } finally {
      resumeRedis(redis);
    }
    assert.ok(Date.now() - started >= 1000, `unavailable after ${Date.now() - started} ms, before the call limit`);
    const relayedToA = seenByA.findIndex((l) => l.startsWith('offer '));
    assert.ok(relayedToA >= 0 && relayedToA < seenByA.indexOf('error unavailable'), 'c\'s offer came while a\'s relays waited');
    // None of them reached b, even late: the next offer b gets is one sent after Redis went on.
    A.ws.send({ type: 'offer', to: b.user.id, sdp: sdpNo(100_000) });
    assert.equal(label(await B.ws.next('offer', 10_000)), 'offer 100000');
    await A.ws.assertNoFrame('error', 'a late error');
    const metrics = (await api(v1, 'GET', '/metrics')).text;
    const counter = (name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1]);
    assert.ok(counter('gc_video_relays_waiting_refused_total') >= flood - SESSION_WAITING_LIMIT, metrics);
    assert.ok(counter('gc_video_relay_lookups_failed_total') >= SESSION_WAITING_LIMIT, metrics);
  });

  it('a session closed while its lookups wait for Redis: none of its relays goes out, the service goes on', T, async () => {
    const [a, b, c, d, e] = await users(5);
    const roomId = await createRoom(a, v1);
    const A = await join(a, roomId, v1);
    const B = await join(b, roomId, v2);
    await A.ws.next('peer-joined');
    const C = await join(c, roomId, v1);
    await B.ws.next('peer-joined');
    // Another call on v1, to show that its relays go on meanwhile.
    const otherRoom = await createRoom(d, v1);
    const D = await join(d, otherRoom, v1);
    const E = await join(e, otherRoom, v1);
    await D.ws.next('peer-joined');
    pauseRedis(redis);
    try {
      for (let i = 0; i < 50; i++) A.ws.send({ type: 'offer', to: b.user.id, sdp: sdpNo(i) });
      await withTimeout(A.ws.close(), 5000, 'a closes'); // the server's close came: the session is closed
      assert.equal((await api(v1, 'GET', '/healthz')).status, 200);
      D.ws.send({ type: 'offer', to: e.user.id, sdp: SDP });
      assert.deepEqual(await E.ws.next('offer'), { type: 'offer', from: d.user.id, sdp: SDP });
    } finally {
      // Within the call limit, mostly: the lookups then answer, after the close.
      resumeRedis(redis);
    }
    // a's leave reaches b (it waited for Redis too); no relay of a's before or after it.
    assert.deepEqual(await B.ws.next('peer-left', 10_000), { type: 'peer-left', userId: a.user.id });
    await B.ws.assertNoFrame('offer', 'a relay of a closed session');
    assert.equal((await api(v1, 'GET', '/healthz')).status, 200);
    C.ws.send({ type: 'offer', to: b.user.id, sdp: SDP });
    assert.deepEqual(await B.ws.next('offer'), { type: 'offer', from: c.user.id, sdp: SDP });
  });

  it('a heartbeat ttl not above the heartbeat is refused at start', T, () => {
    const run = spawnSync(videoBin, ['--instance-heartbeat-ms', '2000', '--instance-ttl-ms', '2000'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /--instance-ttl-ms must be more than --instance-heartbeat-ms/);
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

  it('an instance killed with SIGKILL: once its heartbeat lapses (--instance-ttl-ms) its participants leave, their peers hear peer-left, the cap is free', { timeout: 40_000 }, async () => {
    const [a, b, c, d] = await users(4);
    const roomId = await createRoom(a, v1);
    const A = await join(a, roomId, v1);
    await join(b, roomId, v2);
    await join(c, roomId, v2);
    await refusedJoin(d, roomId, 'room_full', v1);
    A.ws.drain('peer-joined');
    await v2.kill9();
    // v1's sweep removes them and tells the peers left (nobody on v2 can), within the ttl and
    // a heartbeat (with the default 10 s ttl this would time out).
    const killed = Date.now();
    const left = await A.ws.collect('peer-left', 2, INSTANCE_TTL_MS + 3 * HEARTBEAT_MS + 1000);
    assert.ok(Date.now() - killed >= INSTANCE_TTL_MS - HEARTBEAT_MS, `peer-left ${Date.now() - killed} ms after the kill, before the ttl`);
    assert.deepEqual(left.map((f) => f.userId).sort(), [b.user.id, c.user.id].sort());
    assert.deepEqual(await participants(a, roomId, v1), [a.user.id]);
    const D = await join(d, roomId, v1);
    assert.deepEqual(D.welcome.peers, [a.user.id]);
  });
});
