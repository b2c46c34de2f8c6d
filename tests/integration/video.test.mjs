// The video service (gopherchat-video) through real WebSocket clients: rooms, the contract's
// frames, the server-stamped `from`, admission (conversation participants, blocks), the mesh
// cap, bad frames, peer-left, expiry, TURN credentials, auth and Origin, metrics, drain.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer, startVideo, scrapeMetrics } from './lib/server.mjs';
import {
  api, rawRequest, assertError, register, login, tryConnectWs, connectWs, closeAllWs, dmId, waitFor, withTimeout,
  HEX24, RFC3339_MS_Z,
} from './lib/client.mjs';

const T = { timeout: 30_000 };
const SDP = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const CANDIDATE = 'candidate:842163049 1 udp 1677729535 127.0.0.1 46154 typ host generation 0';
const TURN_SECRET = 'loopback-turn-secret';

let server; // the chat server: accounts, conversations, blocks, logouts
let video; // --max-peers 3, TURN configured
before(async () => {
  server = await startServer();
  video = await startVideo({
    server,
    args: [
      '--max-peers', '3',
      '--turn-secret', TURN_SECRET,
      '--turn-urls', 'turn:127.0.0.1:3478?transport=udp,turn:127.0.0.1:3478?transport=tcp',
      '--stun-urls', 'stun:127.0.0.1:3478',
      '--revocation-poll-ms', '100',
    ],
  });
});
after(async () => {
  closeAllWs();
  await video?.cleanup();
  await server?.cleanup();
});

const users = (n) => Promise.all(Array.from({ length: n }, () => register(server)));

async function createRoom(who, body = {}, svc = video) {
  const res = await api(svc, 'POST', '/api/rooms/create', { token: who.token, body });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

/** Joins and returns {ws, welcome}; fails unless the first frame is the welcome. */
async function join(who, roomId, { svc = video, ...opts } = {}) {
  const ws = await connectWs(svc, { token: who.token, path: `/ws/${roomId}`, ...opts });
  const welcome = await ws.next(() => true);
  assert.equal(welcome.type, 'welcome', JSON.stringify(welcome));
  return { ws, welcome };
}

/** A join the server refuses after the upgrade: the error frame, then the close. */
async function refusedJoin(who, roomId, code, svc = video) {
  const ws = await connectWs(svc, { token: who.token, path: `/ws/${roomId}` });
  const frame = await ws.next(() => true);
  assert.deepEqual({ type: frame.type, code: frame.code }, { type: 'error', code }, JSON.stringify(frame));
  assert.equal(typeof frame.message, 'string');
  assert.equal(frame.ref, null);
  const closed = await withTimeout(ws.closed, 5000, 'close after a refused join');
  assert.equal(closed.code, 1008);
}

const block = (who, other) => api(server, 'POST', `/api/users/${other.user.id}/block`, { token: who.token });

describe('rooms over REST', () => {
  it('POST /api/rooms/create → 201 {roomId, iceServers, expiresAt}; GET shows it', T, async () => {
    const [a] = await users(1);
    const before = Date.now();
    const res = await api(video, 'POST', '/api/rooms/create', { token: a.token, body: {} });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(Object.keys(res.json).sort(), ['expiresAt', 'iceServers', 'roomId']);
    assert.match(res.json.roomId, HEX24);
    assert.match(res.json.expiresAt, RFC3339_MS_Z);
    const ttl = Date.parse(res.json.expiresAt) - before;
    assert.ok(ttl > 3_590_000 && ttl <= 3_601_000, `default TTL one hour, got ${ttl} ms`);
    const got = await api(video, 'GET', `/api/rooms/${res.json.roomId}`, { token: a.token });
    assert.equal(got.status, 200, got.text);
    assert.equal(got.json.roomId, res.json.roomId);
    assert.deepEqual(got.json.participants, []);
    assert.equal(got.json.createdBy, a.user.id);
    assert.match(got.json.createdAt, RFC3339_MS_Z);
    assert.equal(got.json.expiresAt, res.json.expiresAt);
    // An empty body is a room without a conversation too; the cookie authenticates as well.
    const bare = await api(video, 'POST', '/api/rooms/create', { cookie: a.cookie });
    assert.equal(bare.status, 201, bare.text);
  });

  it('auth: missing, malformed and foreign-secret tokens are 401; unknown room 404', T, async () => {
    const [a] = await users(1);
    assertError(await api(video, 'POST', '/api/rooms/create', { body: {} }), 401, 'unauthorized');
    assertError(await api(video, 'POST', '/api/rooms/create', { token: 'x.y.z', body: {} }), 401, 'unauthorized');
    const other = await startServer(); // another secret: its tokens mean nothing here
    try {
      const stranger = await register(other);
      assertError(await api(video, 'GET', '/api/rooms/0123456789abcdef01234567', { token: stranger.token }), 401, 'unauthorized');
    } finally {
      await other.cleanup();
    }
    assertError(await api(video, 'GET', '/api/rooms/0123456789abcdef01234567', { token: a.token }), 404, 'not_found');
    assertError(await api(video, 'POST', '/api/rooms/create', { token: a.token, body: { conversationId: 42 } }), 400, 'invalid_request');
  });

  it('TURN credentials in the coturn REST form, valid for at most an hour, STUN always', T, async () => {
    const [a] = await users(1);
    const { iceServers } = await createRoom(a);
    assert.deepEqual(iceServers[0], { urls: ['stun:127.0.0.1:3478'] });
    const turn = iceServers[1];
    assert.deepEqual(turn.urls, ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp']);
    const [expiry, userId] = turn.username.split(':');
    assert.equal(userId, a.user.id);
    const left = Number(expiry) - Date.now() / 1000;
    assert.ok(left > 3500 && left <= 3601, `expires within the hour: ${left} s`);
    assert.equal(turn.credential, createHmac('sha1', TURN_SECRET).update(turn.username).digest('base64'));
  });
});

describe('signaling', () => {
  it('welcome with peers and iceServers, peer-joined, relayed offer/answer/candidate with the server\'s from, media-state to all', T, async () => {
    const [a, b, c] = await users(3);
    const { roomId } = await createRoom(a);
    const A = await join(a, roomId);
    assert.equal(A.welcome.selfId, a.user.id);
    assert.deepEqual(A.welcome.peers, []);
    assert.equal(A.welcome.iceServers.length, 2);
    assert.equal(A.welcome.iceServers[1].credential,
      createHmac('sha1', TURN_SECRET).update(A.welcome.iceServers[1].username).digest('base64'));

    const B = await join(b, roomId);
    assert.deepEqual(B.welcome.peers, [a.user.id]);
    assert.deepEqual(await A.ws.next('peer-joined'), { type: 'peer-joined', userId: b.user.id });

    // The newcomer offers to each peer it found in the welcome.
    B.ws.send({ type: 'offer', to: a.user.id, sdp: SDP });
    assert.deepEqual(await A.ws.next('offer'), { type: 'offer', from: b.user.id, sdp: SDP });
    A.ws.send({ type: 'answer', to: b.user.id, sdp: SDP });
    assert.deepEqual(await B.ws.next('answer'), { type: 'answer', from: a.user.id, sdp: SDP });
    const candidate = { candidate: CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 };
    A.ws.send({ type: 'ice-candidate', to: b.user.id, candidate });
    assert.deepEqual(await B.ws.next('ice-candidate'), { type: 'ice-candidate', from: a.user.id, candidate });

    const C = await join(c, roomId);
    assert.deepEqual(C.welcome.peers, [a.user.id, b.user.id]);
    await A.ws.next('peer-joined');
    await B.ws.next('peer-joined');
    C.ws.send({ type: 'media-state', audio: true, video: false, screen: true });
    const state = { type: 'media-state', from: c.user.id, audio: true, video: false, screen: true };
    assert.deepEqual(await A.ws.next('media-state'), state);
    assert.deepEqual(await B.ws.next('media-state'), state);
    await C.ws.assertNoFrame('media-state', 'the sender does not hear its own media-state');

    // Only the addressee gets a relayed frame.
    C.ws.send({ type: 'offer', to: a.user.id, sdp: SDP });
    await A.ws.next('offer');
    await B.ws.assertNoFrame('offer', 'an offer to someone else');

    const got = await api(video, 'GET', `/api/rooms/${roomId}`, { token: b.token });
    assert.deepEqual(got.json.participants, [a.user.id, b.user.id, c.user.id]);
  });

  it('a client\'s own `from` is ignored: the server stamps the sender', T, async () => {
    const [a, b, mallory] = await users(3);
    const { roomId } = await createRoom(a);
    const A = await join(a, roomId);
    const B = await join(b, roomId);
    await A.ws.next('peer-joined');
    B.ws.send({ type: 'offer', to: a.user.id, from: mallory.user.id, sdp: SDP, extra: 'dropped' });
    assert.deepEqual(await A.ws.next('offer'), { type: 'offer', from: b.user.id, sdp: SDP });
    B.ws.send({ type: 'media-state', from: mallory.user.id, audio: false, video: false, screen: false });
    assert.equal((await A.ws.next('media-state')).from, b.user.id);
  });

  it('relays only inside the room: a peer of another room, an unknown id or yourself is an error', T, async () => {
    const [a, b, c] = await users(3);
    const one = await createRoom(a);
    const two = await createRoom(c);
    const A = await join(a, one.roomId);
    const C = await join(c, two.roomId);
    const B = await join(b, one.roomId);
    await A.ws.next('peer-joined');
    A.ws.send({ type: 'offer', to: c.user.id, sdp: SDP });
    assert.equal((await A.ws.next('error')).code, 'not_found');
    A.ws.send({ type: 'offer', to: a.user.id, sdp: SDP });
    assert.equal((await A.ws.next('error')).code, 'invalid_request');
    A.ws.send({ type: 'media-state', audio: true, video: true, screen: false });
    await B.ws.next('media-state');
    await C.ws.assertNoFrame(() => true, 'a frame from another room');
  });

  it('garbage and oversized frames get an error frame and the connection stays', T, async () => {
    const [a, b] = await users(2);
    const { roomId } = await createRoom(a);
    const A = await join(a, roomId);
    const B = await join(b, roomId);
    await A.ws.next('peer-joined');
    const cases = [
      ['not json at all', 'invalid_frame'],
      ['[1,2,3]', 'invalid_frame'],
      [JSON.stringify({ type: 'teleport' }), 'unknown_type'],
      [JSON.stringify({ to: a.user.id }), 'invalid_request'],
      [JSON.stringify({ type: 'offer', to: a.user.id, sdp: 12 }), 'invalid_request'],
      [JSON.stringify({ type: 'offer', to: a.user.id, sdp: 'not an sdp' }), 'invalid_request'],
      [JSON.stringify({ type: 'offer', sdp: SDP }), 'invalid_request'],
      [JSON.stringify({ type: 'ice-candidate', to: a.user.id, candidate: { candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ host\r\na=evil', sdpMid: '0' } }), 'invalid_request'],
      [JSON.stringify({ type: 'ice-candidate', to: a.user.id, candidate: { candidate: CANDIDATE } }), 'invalid_request'],
      [JSON.stringify({ type: 'ice-candidate', to: a.user.id, candidate: 'x' }), 'invalid_request'],
      [JSON.stringify({ type: 'media-state', audio: 'yes', video: true, screen: false }), 'invalid_request'],
      [JSON.stringify({ type: 'offer', to: a.user.id, sdp: 'v=0' + 'a'.repeat(64 * 1024 - 2) }), 'too_large'],
    ];
    for (const [text, code] of cases) {
      B.ws.sendRaw(text);
      const err = await B.ws.next('error');
      assert.equal(err.code, code, `${text.slice(0, 80)} → ${JSON.stringify(err)}`);
      assert.equal(typeof err.message, 'string');
      assert.ok('ref' in err);
    }
    B.ws.sendRaw(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal((await B.ws.next('error')).code, 'invalid_frame');
    // Exactly 64 KiB of SDP is fine, and the connection still relays.
    const big = 'v=0' + 'a'.repeat(64 * 1024 - 3);
    B.ws.send({ type: 'offer', to: a.user.id, sdp: big });
    assert.equal((await A.ws.next('offer')).sdp.length, 64 * 1024);
    await B.ws.sync();
    await A.ws.assertNoFrame('offer', 'nothing of the garbage reached the peer');
    assert.equal(B.ws.isClosed, false);
  });

  it('peer-left on every close; the last one out removes the room (GET → 404)', T, async () => {
    const [a, b, c] = await users(3);
    const { roomId } = await createRoom(a);
    const A = await join(a, roomId);
    const B = await join(b, roomId);
    const C = await join(c, roomId);
    await A.ws.next((f) => f.type === 'peer-joined' && f.userId === c.user.id);
    await B.ws.next('peer-joined');
    B.ws.terminate(); // no close frame: a vanished peer is a leave too
    assert.deepEqual(await A.ws.next('peer-left'), { type: 'peer-left', userId: b.user.id });
    assert.deepEqual(await C.ws.next('peer-left'), { type: 'peer-left', userId: b.user.id });
    await C.ws.close();
    assert.deepEqual(await A.ws.next('peer-left'), { type: 'peer-left', userId: c.user.id });
    assert.deepEqual((await api(video, 'GET', `/api/rooms/${roomId}`, { token: a.token })).json.participants, [a.user.id]);
    await A.ws.close();
    await waitFor(async () => (await api(video, 'GET', `/api/rooms/${roomId}`, { token: a.token })).status === 404,
      { what: 'the empty room to be removed' });
    await refusedJoin(a, roomId, 'not_found');
  });

  it('a second connection of the same user replaces the first', T, async () => {
    const [a, b] = await users(2);
    const { roomId } = await createRoom(a);
    const A1 = await join(a, roomId);
    const B = await join(b, roomId);
    await A1.ws.next('peer-joined');
    const A2 = await join(a, roomId);
    assert.deepEqual(A2.welcome.peers, [b.user.id]);
    assert.equal((await A1.ws.next('error')).code, 'replaced');
    assert.equal((await withTimeout(A1.ws.closed, 5000, 'the replaced connection closes')).code, 4000);
    assert.deepEqual(await B.ws.next('peer-left'), { type: 'peer-left', userId: a.user.id });
    assert.deepEqual(await B.ws.next('peer-joined'), { type: 'peer-joined', userId: a.user.id });
    B.ws.send({ type: 'offer', to: a.user.id, sdp: SDP });
    assert.equal((await A2.ws.next('offer')).from, b.user.id);
    // The replaced connection's close told nobody that a left.
    await B.ws.assertNoFrame('peer-left', 'a peer-left for the replaced connection');
    // The user keeps their place in the room.
    assert.deepEqual((await api(video, 'GET', `/api/rooms/${roomId}`, { token: a.token })).json.participants, [a.user.id, b.user.id]);
  });

  it('room_full at the cap (--max-peers 3): the next join gets the error and is closed', T, async () => {
    const [a, b, c, d] = await users(4);
    const { roomId } = await createRoom(a);
    const joined = [];
    for (const who of [a, b, c]) joined.push(await join(who, roomId));
    await refusedJoin(d, roomId, 'room_full');
    // The others heard nothing of it, and one leaving makes room.
    await joined[0].ws.sync();
    joined[0].ws.drain('peer-joined');
    await joined[0].ws.assertNoFrame((f) => f.type === 'peer-joined' || f.type === 'peer-left', 'news of the refused join');
    await joined[2].ws.close();
    await joined[0].ws.next('peer-left');
    await join(d, roomId);
  });
});

describe('admission', () => {
  it('a DM\'s room admits its two users only; a blocked DM cannot have a room', T, async () => {
    const [a, b, outsider] = await users(3);
    const cid = dmId(a, b);
    const { roomId } = await createRoom(a, { conversationId: cid });
    assertError(await api(video, 'POST', '/api/rooms/create', { token: outsider.token, body: { conversationId: cid } }), 403, 'forbidden');
    assertError(await api(video, 'GET', `/api/rooms/${roomId}`, { token: outsider.token }), 403, 'forbidden');
    await refusedJoin(outsider, roomId, 'forbidden');
    const A = await join(a, roomId);
    const B = await join(b, roomId);
    assert.deepEqual(B.welcome.peers, [a.user.id]);
    await A.ws.next('peer-joined');
    assertError(await api(video, 'POST', '/api/rooms/create', { token: a.token, body: { conversationId: 'dm_nonsense' } }), 404, 'not_found');
    assertError(await api(video, 'POST', '/api/rooms/create', { token: a.token, body: { conversationId: dmId(a.user.id, '0123456789abcdef01234567') } }), 404, 'not_found');

    const [c, d] = await users(2);
    assert.equal((await block(d, c)).status, 204);
    assertError(await api(video, 'POST', '/api/rooms/create', { token: c.token, body: { conversationId: dmId(c, d) } }), 403, 'blocked');
  });

  it('a group\'s room admits its members only', T, async () => {
    const [admin, member, outsider] = await users(3);
    const g = await api(server, 'POST', '/api/groups', { token: admin.token, body: { name: 'callers' } });
    assert.equal(g.status, 201, g.text);
    const gid = g.json.group.id;
    assert.equal((await api(server, 'POST', `/api/groups/${gid}/members`, { token: admin.token, body: { userId: member.user.id } })).status, 200);
    const { roomId } = await createRoom(member, { conversationId: `grp_${gid}` });
    assertError(await api(video, 'POST', '/api/rooms/create', { token: outsider.token, body: { conversationId: `grp_${gid}` } }), 403, 'forbidden');
    await refusedJoin(outsider, roomId, 'forbidden');
    const M = await join(member, roomId);
    const A = await join(admin, roomId);
    assert.deepEqual(A.welcome.peers, [member.user.id]);
    await M.ws.next('peer-joined');
    assertError(await api(video, 'POST', '/api/rooms/create', { token: admin.token, body: { conversationId: 'grp_0123456789abcdef01234567' } }), 404, 'not_found');
  });

  it('a blocked user is never admitted to a call with the blocker (either joins first)', T, async () => {
    const [blocker, blocked, friend] = await users(3);
    assert.equal((await block(blocker, blocked)).status, 204);
    const first = await createRoom(friend);
    const B = await join(blocker, first.roomId);
    await refusedJoin(blocked, first.roomId, 'blocked');
    await join(friend, first.roomId);
    await B.ws.next('peer-joined');

    const second = await createRoom(friend);
    await join(blocked, second.roomId);
    await refusedJoin(blocker, second.roomId, 'blocked');
  });
});

describe('handshake', () => {
  it('no token, a bad token → 401; a foreign Origin → 403; own origin, subprotocol and cookie work', T, async () => {
    const [a] = await users(1);
    const { roomId } = await createRoom(a);
    const path = `/ws/${roomId}`;
    const none = await tryConnectWs(video, { path });
    assert.equal(none.ok, false);
    assert.equal(none.status, 401);
    assert.equal(none.json.error.code, 'unauthorized');
    assert.equal((await tryConnectWs(video, { path, token: 'not.a.token' })).status, 401);
    const foreign = await tryConnectWs(video, { path, token: a.token, origin: 'http://evil.test' });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.json.error.code, 'forbidden');
    assert.equal((await tryConnectWs(video, { path, token: a.token, origin: `http://127.0.0.1:${video.port}.evil.test` })).status, 403);
    assert.equal((await tryConnectWs(video, { path: '/ws', token: a.token })).status, 404);
    assert.equal((await tryConnectWs(video, { path: '/ws/a/b', token: a.token })).status, 404);

    // Someone stays in the room, or the first one out would end it.
    const [b] = await users(1);
    await join(b, roomId);
    const own = await join(a, roomId, { origin: `http://127.0.0.1:${video.port}` });
    await own.ws.close();
    const viaProtocol = await connectWs(video, { path, protocols: ['gopherchat.v1', `bearer.${a.token}`] });
    assert.equal(viaProtocol.ws.protocol, 'gopherchat.v1');
    assert.equal((await viaProtocol.next(() => true)).type, 'welcome');
    await viaProtocol.close();
    const viaCookie = await join(a, roomId, { cookie: a.cookie });
    await viaCookie.ws.close();
  });

  it('a revoked token (logout on the chat server) is refused, and its open room socket closed with 1008', T, async () => {
    const [a, b] = await users(2);
    const second = await login(server, a.username, a.password);
    const { roomId } = await createRoom(a);
    const A = await join(a, roomId);
    const B = await join(b, roomId);
    await A.ws.next('peer-joined');
    assert.equal((await api(server, 'POST', '/api/auth/logout', { token: a.token })).status, 204);
    // The video service reads revocations from the chat database every --revocation-poll-ms.
    const closed = await withTimeout(A.ws.closed, 5000, 'the logged-out socket to close');
    assert.equal(closed.code, 1008);
    assert.deepEqual(await B.ws.next('peer-left'), { type: 'peer-left', userId: a.user.id });
    assertError(await api(video, 'POST', '/api/rooms/create', { token: a.token, body: {} }), 401, 'unauthorized');
    assert.equal((await tryConnectWs(video, { path: `/ws/${roomId}`, token: a.token })).status, 401);
    // The user's other session is untouched.
    await join(a, roomId, { token: second.json.token });
  });
});

describe('operations', () => {
  it('/healthz, /readyz, /metrics with rooms, peers, relays and relay latency', T, async () => {
    assert.equal((await api(video, 'GET', '/healthz')).status, 200);
    assert.equal((await api(video, 'GET', '/readyz')).status, 200);
    const [a, b] = await users(2);
    const { roomId } = await createRoom(a);
    const A = await join(a, roomId);
    const B = await join(b, roomId);
    await A.ws.next('peer-joined');
    const before = (await scrapeMetrics(video)).values;
    for (let i = 0; i < 5; i++) B.ws.send({ type: 'offer', to: a.user.id, sdp: SDP });
    await A.ws.collect('offer', 5);
    const m = await scrapeMetrics(video);
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type'), /^text\/plain/);
    assert.ok(m.values.get('gc_video_rooms') >= 1);
    assert.ok(m.values.get('gc_video_peers') >= 2);
    assert.equal(m.values.get('gc_video_relays_total') - before.get('gc_video_relays_total'), 5);
    assert.equal(m.values.get('gc_video_relay_latency_seconds_count') - before.get('gc_video_relay_latency_seconds_count'), 5);
  });

  it('rooms expire after their TTL (--room-ttl): peers get room_expired and are closed; GET → 404', T, async () => {
    const short = await startVideo({ server, args: ['--room-ttl', '2'] });
    try {
      const [a, b] = await users(2);
      const { roomId, expiresAt } = await createRoom(a, {}, short);
      assert.ok(Date.parse(expiresAt) - Date.now() <= 2000);
      const A = await join(a, roomId, { svc: short });
      const B = await join(b, roomId, { svc: short });
      const ended = await A.ws.next((f) => f.type === 'error', 5000);
      assert.equal(ended.code, 'room_expired');
      assert.equal((await withTimeout(A.ws.closed, 5000, 'close at expiry')).code, 4001);
      assert.equal((await withTimeout(B.ws.closed, 5000, 'close at expiry')).code, 4001);
      assertError(await api(short, 'GET', `/api/rooms/${roomId}`, { token: a.token }), 404, 'not_found');
      await refusedJoin(a, roomId, 'not_found', short);
    } finally {
      await short.cleanup();
    }
  });

  it('SIGTERM closes room sockets with 1001 and exits 0; port 0 is logged', T, async () => {
    const own = await startVideo({ server });
    assert.match(own.logs(), /listening on 127\.0\.0\.1:\d+/);
    const [a] = await users(1);
    const { roomId } = await createRoom(a, {}, own);
    const A = await join(a, roomId, { svc: own });
    const code = await own.stop();
    assert.equal(code, 0);
    assert.equal((await withTimeout(A.ws.closed, 5000, 'close at shutdown')).code, 1001);
  });
});

describe('CORS for the web client', () => {
  it('an --allowed-origins page may call the REST API with its cookie; others get no CORS headers', T, async () => {
    const webOrigin = 'http://127.0.0.1:8080';
    const own = await startVideo({ server, args: ['--allowed-origins', webOrigin] });
    const path = '/api/rooms/create';
    const preflightFrom = (origin) => rawRequest(own, {
      method: 'OPTIONS', path,
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    try {
      const preflight = await preflightFrom(webOrigin);
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers['access-control-allow-origin'], webOrigin);
      assert.equal(preflight.headers['access-control-allow-credentials'], 'true');
      assert.match(preflight.headers['access-control-allow-methods'], /POST/);
      assert.match(preflight.headers['access-control-allow-headers'], /Content-Type/i);

      const [a] = await users(1);
      const post = (origin) => rawRequest(own, {
        method: 'POST', path, body: '{}',
        headers: { origin, cookie: a.cookie, 'content-type': 'application/json' },
      });
      const res = await post(webOrigin);
      assert.equal(res.status, 201, res.text);
      assert.equal(res.headers['access-control-allow-origin'], webOrigin);
      assert.equal(res.headers.vary, 'Origin');

      assert.equal((await post('http://evil.test')).headers['access-control-allow-origin'], undefined);
      const foreign = await preflightFrom('http://evil.test');
      assert.equal(foreign.headers['access-control-allow-origin'], undefined);
      assert.notEqual(foreign.status, 204);
    } finally {
      await own.cleanup();
    }
  });
});
