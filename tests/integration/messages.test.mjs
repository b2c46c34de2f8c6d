// Conversations and messages over REST; users search.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import {
  api, assertError, register, postMessage, dmId, uniqueName, HEX24, RFC3339_MS_Z, connectWs,
} from './lib/client.mjs';

let server;
let alice;
let bob;
let carol; // the outsider
before(async () => {
  server = await startServer();
  [alice, bob, carol] = [await register(server), await register(server), await register(server)];
});
after(async () => {
  await server?.cleanup();
});

const T = { timeout: 30_000 };
const post = (who, cid, body) => api(server, 'POST', `/api/conversations/${cid}/messages`, { token: who.token, body });
const get = (who, cid, query = '') => api(server, 'GET', `/api/conversations/${cid}/messages${query}`, { token: who.token });
const seqs = (res) => res.json.messages.map((m) => m.seq);
const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

function assertMessageShape(m) {
  assert.match(m.id, HEX24, 'message.id is 24 lowercase hex');
  assert.ok(Number.isInteger(m.seq) && m.seq >= 1, `seq ${m.seq}`);
  assert.ok(Number.isInteger(m.timestamp), `timestamp is an integer: ${m.timestamp}`);
  assert.match(m.createdAt, RFC3339_MS_Z, `createdAt: ${m.createdAt}`);
  assert.ok(Math.abs(Date.parse(m.createdAt) / 1000 - m.timestamp) < 1.001, 'timestamp matches createdAt');
  assert.ok(Math.abs(m.timestamp - Date.now() / 1000) < 300, 'timestamp is now-ish (unix seconds)');
}

describe('posting', () => {
  it('201 {message} with every field', T, async () => {
    const cid = dmId(alice, bob);
    const res = await post(alice, cid, { body: 'hello bob', clientMsgId: 'c-1' });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(Object.keys(res.json), ['message']);
    const m = res.json.message;
    assertMessageShape(m);
    assert.equal(m.conversationId, cid);
    assert.equal(m.seq, 1);
    assert.equal(m.from, alice.user.id);
    assert.equal(m.to, bob.user.id);
    assert.equal(m.body, 'hello bob');
    assert.equal(m.type, 'text');
    assert.deepEqual(m.metadata, { attachments: [], edited: false, reactions: [], replyTo: null });
    assert.equal(m.clientMsgId, 'c-1');

    // The peer can read it; seq 2 comes next, from either side.
    const list = await get(bob, cid);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.messages, [m]);
    const r2 = await post(bob, cid, { body: 'hi alice' });
    assert.equal(r2.status, 201, r2.text);
    assert.equal(r2.json.message.seq, 2);
    assert.equal(r2.json.message.to, alice.user.id);
    assert.equal(r2.json.message.from, bob.user.id);
  });

  it('a retry with the same clientMsgId → 200 with the same message; nothing new stored', T, async () => {
    const a = await register(server);
    const b = await register(server);
    const cid = dmId(a, b);
    const first = await post(a, cid, { body: 'once', clientMsgId: 'retry-1' });
    assert.equal(first.status, 201, first.text);
    const again = await post(a, cid, { body: 'once', clientMsgId: 'retry-1' });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json.message, first.json.message);
    const changed = await post(a, cid, { body: 'different body', clientMsgId: 'retry-1' });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json.message.id, first.json.message.id);
    assert.equal(changed.json.message.body, 'once', 'the first message wins');
    // Concurrent duplicates: one row.
    const burst = await Promise.all(range(1, 8).map(() => post(a, cid, { body: 'burst', clientMsgId: 'burst-1' })));
    const ids = new Set(burst.map((r) => r.json?.message?.id));
    assert.equal(ids.size, 1, `concurrent retries → one message: ${burst.map((r) => r.status)}`);
    assert.deepEqual(burst.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 200, 200, 201]);
    const list = await get(a, cid);
    assert.deepEqual(seqs(list), [1, 2]);

    // The same clientMsgId in another conversation is a new message.
    const c = await register(server);
    const other = await post(a, dmId(a, c), { body: 'once', clientMsgId: 'retry-1' });
    assert.equal(other.status, 201, other.text);
    assert.notEqual(other.json.message.id, first.json.message.id);
    assert.equal(other.json.message.seq, 1);

    // The same clientMsgId from the other participant is that user's own message.
    const fromB = await post(b, cid, { body: 'mine', clientMsgId: 'retry-1' });
    assert.equal(fromB.status, 201, fromB.text);
    assert.equal(fromB.json.message.from, b.user.id);
    assert.equal(fromB.json.message.body, 'mine');
    assert.equal(fromB.json.message.seq, 3);
  });

  it('body limits: 1..4000 code points after trimming', T, async () => {
    const a = await register(server);
    const b = await register(server);
    const cid = dmId(a, b);
    for (const body of ['', '   ', ' \n\t\r ', 'x'.repeat(4001), 'é'.repeat(4001), '😀'.repeat(4001)]) {
      assertError(await post(a, cid, { body }), 400, 'invalid_request', { field: 'body' });
    }
    assertError(await post(a, cid, {}), 400, 'invalid_request', { field: 'body' });
    assertError(await post(a, cid, { body: 5 }), 400, 'invalid_request', { field: 'body' });
    assertError(await post(a, cid, { body: null }), 400, 'invalid_request', { field: 'body' });
    const ok = ['x'.repeat(4000), 'é'.repeat(4000), '😀'.repeat(4000), '中'.repeat(4000), `  ${'y'.repeat(4000)}  `, 'a'];
    let seq = 0;
    for (const body of ok) {
      const res = await post(a, cid, { body });
      assert.equal(res.status, 201, `${[...body].length} code points: ${res.status} ${res.text.slice(0, 200)}`);
      seq += 1;
      assert.equal(res.json.message.seq, seq);
      if (!body.startsWith(' ')) assert.equal(res.json.message.body, body, 'the body comes back unchanged');
    }
    // A stored 4000 × 4-byte body reads back intact.
    const list = await get(a, cid);
    assert.equal(list.json.messages[2].body, '😀'.repeat(4000));
  });

  const freshDm = async () => {
    const a = await register(server);
    const b = await register(server);
    return { a, b, cid: dmId(a, b) };
  };

  it('type: only text, call-invite with a room, and a call\'s end as system from clients', T, async () => {
    const { a, cid } = await freshDm();
    assertError(await post(a, cid, { body: 'x', type: 'system' }), 400, 'invalid_request', { field: 'metadata.event' });
    assertError(await post(a, cid, { body: 'x', type: 'bogus' }), 400, 'invalid_request', { field: 'type' });
    assertError(await post(a, cid, { body: 'x', type: 'call-invite' }), 400, 'invalid_request', { field: 'roomId' });
    const ok = await post(a, cid, { body: 'x', type: 'text' });
    assert.equal(ok.status, 201, ok.text);
  });

  it("a call's end is a system message whose body the server writes (REST and WebSocket)", T, async () => {
    const { a, b, cid } = await freshDm();
    const end = (meta, extra = {}) =>
      post(a, cid, { type: 'system', body: 'I can write anything', metadata: { event: 'call-ended', roomId: 'r'.repeat(24), ...meta }, ...extra });
    const done = await end({ reason: 'completed', durationSeconds: 245 });
    assert.equal(done.status, 201, done.text);
    const m = done.json.message;
    assert.equal(m.type, 'system');
    assert.equal(m.body, 'Call ended · 4:05', 'the client body is ignored');
    assert.equal(m.from, a.user.id);
    assert.equal(m.metadata.event, 'call-ended');
    assert.equal(m.metadata.reason, 'completed');
    assert.equal(m.metadata.durationSeconds, 245);
    assert.equal(m.metadata.roomId, 'r'.repeat(24));
    assert.equal((await end({ reason: 'missed' })).json.message.body, 'Missed call');
    assert.equal((await end({ reason: 'declined' })).json.message.body, 'Call declined');
    assertError(await end({ reason: 'hijacked' }), 400, 'invalid_request', { field: 'metadata.reason' });
    assertError(await end({ reason: 'completed', durationSeconds: 86401 }), 400, 'invalid_request', { field: 'metadata.durationSeconds' });
    assertError(await end({ reason: 'completed', durationSeconds: 1.5 }), 400, 'invalid_request', { field: 'metadata.durationSeconds' });
    assertError(await end({ reason: 'missed', roomId: undefined }), 400, 'invalid_request', { field: 'metadata.roomId' });
    assertError(await end({ reason: 'missed', event: 'member-removed' }), 400, 'invalid_request', { field: 'metadata.event' });
    // Outsiders cannot write one into someone else's DM.
    const c = await register(server);
    const outsider = await api(server, 'POST', `/api/conversations/${cid}/messages`, {
      token: c.token,
      body: { type: 'system', metadata: { event: 'call-ended', roomId: 'r1', reason: 'missed' } },
    });
    assertError(outsider, 403, 'forbidden');

    // On the WebSocket: no body needed; the peer gets it live.
    const wa = await connectWs(server, { token: a.token });
    const wb = await connectWs(server, { token: b.token });
    const ack = await wa.sendMessage(cid, undefined, {
      msgType: 'system',
      metadata: { event: 'call-ended', roomId: 'r2', reason: 'failed', durationSeconds: 0 },
    });
    assert.equal(ack.message.body, 'Call failed');
    const live = await wb.next((f) => f.type === 'message' && f.message.id === ack.message.id);
    assert.equal(live.message.metadata.reason, 'failed');
    wa.close();
    wb.close();
  });

  it('clientMsgId: 1..64 characters, a string', T, async () => {
    const { a, cid } = await freshDm();
    assertError(await post(a, cid, { body: 'x', clientMsgId: 'c'.repeat(65) }), 400, 'invalid_request', { field: 'clientMsgId' });
    assertError(await post(a, cid, { body: 'x', clientMsgId: 7 }), 400, 'invalid_request', { field: 'clientMsgId' });
    const ok = await post(a, cid, { body: 'x', clientMsgId: 'c'.repeat(64) });
    assert.equal(ok.status, 201, ok.text);
    assertError(await post(a, cid, { body: 'x', clientMsgId: '' }), 400, 'invalid_request', { field: 'clientMsgId' });
  });

  it('mass assignment: from/seq/id/timestamp in the body are not taken', T, async () => {
    const { a, b, cid } = await freshDm();
    const res = await post(a, cid, { body: 'x', from: b.user.id, seq: 99, id: 'f'.repeat(24), timestamp: 1 });
    if (res.status === 201) {
      assert.equal(res.json.message.from, a.user.id, 'from is the caller');
      assert.equal(res.json.message.seq, 1, 'seq is assigned by the server');
      assert.notEqual(res.json.message.id, 'f'.repeat(24));
      assert.notEqual(res.json.message.timestamp, 1);
    } else {
      assertError(res, 400, 'invalid_request');
    }
  });

  it('invalid UTF-8 is refused; markup is stored verbatim', T, async () => {
    const { a, cid } = await freshDm();
    const bad = Buffer.concat([Buffer.from('{"body":"a'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('b"}')]);
    const rb = await api(server, 'POST', `/api/conversations/${cid}/messages`, { token: a.token, rawBody: bad, headers: { 'content-type': 'application/json' } });
    assertError(rb, 400, 'invalid_request');
    const html = '<script>alert(1)</script> <img src=x onerror=alert(1)> \' OR 1=1-- \u202e \r\n[x](javascript:alert(1))';
    const r = await post(a, cid, { body: html });
    assert.equal(r.status, 201);
    assert.equal(r.json.message.body, html);
    assert.deepEqual((await get(a, cid)).json.messages.map((m) => m.body), [html]);
  });

  it('notes to self: dm_<me>_<me>', T, async () => {
    const a = await register(server);
    const res = await post(a, dmId(a, a), { body: 'note' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.message.to, a.user.id);
  });
});

describe('paging', () => {
  let a;
  let b;
  let cid;
  before(async () => {
    a = await register(server);
    b = await register(server);
    cid = dmId(a, b);
    for (let i = 1; i <= 30; i++) await postMessage(server, i % 2 ? a : b, cid, `m${i}`);
  });

  it('no cursor: the newest `limit`, ascending', T, async () => {
    const all = await get(a, cid);
    assert.equal(all.status, 200);
    assert.deepEqual(seqs(all), range(1, 30));
    assert.deepEqual(all.json.messages.map((m) => m.body), range(1, 30).map((i) => `m${i}`));
    assert.deepEqual(seqs(await get(a, cid, '?limit=10')), range(21, 30));
    assert.deepEqual(seqs(await get(b, cid, '?limit=1')), [30]);
    assert.deepEqual(seqs(await get(b, cid, '?limit=100')), range(1, 30));
  });

  it('before / after / both', T, async () => {
    assert.deepEqual(seqs(await get(a, cid, '?before=21&limit=10')), range(11, 20));
    assert.deepEqual(seqs(await get(a, cid, '?before=5')), range(1, 4));
    assert.deepEqual(seqs(await get(a, cid, '?before=1')), []);
    assert.deepEqual(seqs(await get(a, cid, '?after=25')), range(26, 30));
    assert.deepEqual(seqs(await get(a, cid, '?after=5&limit=3')), [6, 7, 8], 'after returns the oldest first (resync)');
    assert.deepEqual(seqs(await get(a, cid, '?after=0&limit=2')), [1, 2]);
    assert.deepEqual(seqs(await get(a, cid, '?after=30')), []);
    assert.deepEqual(seqs(await get(a, cid, '?after=10&before=15')), range(11, 14));
    // A conversation with no messages yet is an empty page.
    const c = await register(server);
    const empty = await get(a, dmId(a, c));
    assert.equal(empty.status, 200, empty.text);
    assert.deepEqual(empty.json.messages, []);
  });

  it('bad limit / cursors → 400', T, async () => {
    for (const q of ['?limit=0', '?limit=101', '?limit=x', '?limit=-1', '?limit=1.5', '?limit=']) {
      assertError(await get(a, cid, q), 400, 'invalid_request', { field: 'limit' });
    }
    for (const q of ['?before=x', '?before=-1']) assertError(await get(a, cid, q), 400, 'invalid_request', { field: 'before' });
    for (const q of ['?after=x', '?after=-1', '?after=99999999999999999999999']) {
      assertError(await get(a, cid, q), 400, 'invalid_request', { field: 'after' });
    }
  });
});

describe('access control', () => {
  it('an outsider gets 403 on a DM of two others and no data', T, async () => {
    const cid = dmId(alice, bob);
    await postMessage(server, alice, cid, 'secret stuff');
    const g = await get(carol, cid);
    assertError(g, 403, 'forbidden');
    assert.ok(!g.text.includes('secret stuff') && !('messages' in g.json));
    assertError(await post(carol, cid, { body: 'let me in' }), 403, 'forbidden');
    assertError(await api(server, 'POST', `/api/conversations/${cid}/read`, { token: carol.token, body: { seq: 1 } }), 403, 'forbidden');
    const list = await get(alice, cid);
    assert.ok(!list.json.messages.some((m) => m.body === 'let me in'), 'nothing stored');
  });

  it('unauthenticated → 401', T, async () => {
    const cid = dmId(alice, bob);
    assertError(await api(server, 'GET', `/api/conversations/${cid}/messages`), 401, 'unauthorized');
    assertError(await api(server, 'POST', `/api/conversations/${cid}/messages`, { body: { body: 'x' } }), 401, 'unauthorized');
    assertError(await api(server, 'GET', '/api/conversations'), 401, 'unauthorized');
    assertError(await api(server, 'GET', '/api/users?q=a'), 401, 'unauthorized');
  });

  it('a DM with an unknown user → 404', T, async () => {
    for (const ghost of ['0'.repeat(24), 'f'.repeat(24)]) {
      const cid = dmId(alice.user.id, ghost);
      assertError(await get(alice, cid), 404, 'not_found');
      assertError(await post(alice, cid, { body: 'anyone?' }), 404, 'not_found');
    }
  });

  it('malformed conversation ids → 404', T, async () => {
    const [lo, hi] = [alice.user.id, bob.user.id].sort();
    const bad = [
      'dm_xyz',
      `dm_${alice.user.id}`,
      `dm_${hi}_${lo}`, // not sorted
      `dm_${lo.toUpperCase()}_${hi.toUpperCase()}`,
      `dm_${lo}_${hi}_${hi}`,
      `dm_${lo}__${hi}`,
      'foo',
      `grp_${'0'.repeat(24)}`,
      'grp_nope',
    ];
    for (const cid of bad) {
      assertError(await get(alice, cid), 404, 'not_found');
      assertError(await post(alice, cid, { body: 'x' }), 404, 'not_found');
    }
    // A NUL in the path may be refused as a malformed request target instead.
    const nul = await get(alice, '%00');
    assertError(nul, nul.status === 400 ? 400 : 404, nul.status === 400 ? 'invalid_request' : 'not_found');
  });
});

describe('conversation list and read markers', () => {
  it('ordered by last activity with peer, lastMessage, lastSeq, unread, readSeq', T, async () => {
    const me = await register(server);
    const gina = await register(server);
    const hank = await register(server);
    const cg = dmId(me, gina);
    const ch = dmId(me, hank);
    await postMessage(server, gina, cg, 'from gina');
    for (let i = 1; i <= 3; i++) await postMessage(server, hank, ch, `hank ${i}`);

    const list = async (who) => {
      const res = await api(server, 'GET', '/api/conversations', { token: who.token });
      assert.equal(res.status, 200, res.text);
      assert.ok(Array.isArray(res.json.conversations));
      return res.json.conversations;
    };
    let convs = await list(me);
    assert.deepEqual(convs.map((c) => c.id), [ch, cg], 'most recent first');
    const h = convs[0];
    assert.equal(h.kind, 'dm');
    assert.equal(h.peer.id, hank.user.id);
    assert.equal(h.peer.username, hank.username);
    assert.ok(!('email' in h.peer) || h.peer.email === undefined, 'no email of the peer');
    assert.equal(h.lastSeq, 3);
    assert.equal(h.lastMessage.seq, 3);
    assert.equal(h.lastMessage.body, 'hank 3');
    assert.equal(h.lastMessage.conversationId, ch);
    assert.equal(h.unread, 3);
    assert.equal(h.readSeq, 0);

    // gina writes again → her conversation moves to the top.
    await postMessage(server, gina, cg, 'gina again');
    convs = await list(me);
    assert.deepEqual(convs.map((c) => c.id), [cg, ch]);
    assert.equal(convs[0].unread, 2);

    // Read markers: 204, forward only, clamped to lastSeq.
    const read = (seq) => api(server, 'POST', `/api/conversations/${ch}/read`, { token: me.token, body: { seq } });
    let r = await read(2);
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    let e = (await list(me)).find((c) => c.id === ch);
    assert.equal(e.readSeq, 2);
    assert.equal(e.unread, 1);
    r = await read(1);
    assert.equal(r.status, 204);
    e = (await list(me)).find((c) => c.id === ch);
    assert.equal(e.readSeq, 2, 'markers only move forward');
    r = await read(999);
    assert.equal(r.status, 204);
    e = (await list(me)).find((c) => c.id === ch);
    assert.equal(e.readSeq, 3, 'clamped to lastSeq');
    assert.equal(e.unread, 0);
    for (const seq of ['x', -1, null, 1.5]) {
      assertError(await read(seq), 400, 'invalid_request', { field: 'seq' });
    }

    // Sending moves the sender's own marker; the sender's own messages never count as unread.
    const mine = await postMessage(server, me, ch, 'hi hank');
    e = (await list(me)).find((c) => c.id === ch);
    assert.equal(e.lastSeq, 4);
    assert.equal(e.readSeq, 4);
    assert.equal(e.unread, 0);
    assert.equal(e.lastMessage.id, mine.id);
    const hv = (await list(hank)).find((c) => c.id === ch);
    assert.equal(hv.unread, 1);
    assert.equal(hv.readSeq, 3);
    assert.equal(hv.peer.id, me.user.id);

    // A user with no conversations gets an empty list.
    const lonely = await register(server);
    assert.deepEqual(await list(lonely), []);
  });
});

describe('users', () => {
  it('search by username prefix, case-insensitive, no emails', T, async () => {
    const stem = uniqueName('srch').replace('_', '');
    const u1 = await register(server, { username: `${stem}_a` });
    const u2 = await register(server, { username: `${stem}_b` });
    const res = await api(server, 'GET', `/api/users?q=${stem.toUpperCase()}`, { token: alice.token });
    assert.equal(res.status, 200, res.text);
    const names = res.json.users.map((u) => u.username).sort();
    assert.deepEqual(names, [u1.username, u2.username]);
    for (const u of res.json.users) assert.ok(!('email' in u) || u.email === undefined, 'no emails in search');
    const one = await api(server, 'GET', `/api/users?q=${stem}_A`, { token: alice.token });
    assert.deepEqual(one.json.users.map((u) => u.id), [u1.user.id]);
    const lim = await api(server, 'GET', `/api/users?q=${stem}&limit=1`, { token: alice.token });
    assert.equal(lim.json.users.length, 1);
    const none = await api(server, 'GET', `/api/users?q=${stem}zzz`, { token: alice.token });
    assert.deepEqual(none.json.users, []);
    // LIKE wildcards are not wildcards: either refused or matching nobody.
    for (const q of ['%', '_', `${stem.slice(0, 3)}%`]) {
      const wild = await api(server, 'GET', `/api/users?q=${encodeURIComponent(q)}`, { token: alice.token });
      if (wild.status === 400) assertError(wild, 400, 'invalid_request', { field: 'q' });
      else if (q === '_') assert.ok(wild.json.users.every((u) => u.username.startsWith('_')), `q=_ matched ${wild.text.slice(0, 200)}`);
      else assert.deepEqual(wild.json.users, [], `q=${q}`);
    }
    assertError(await api(server, 'GET', `/api/users?q=${stem}&limit=101`, { token: alice.token }), 400, 'invalid_request', { field: 'limit' });
  });

  it('GET /api/users/:id → {user}; unknown → 404', T, async () => {
    const res = await api(server, 'GET', `/api/users/${bob.user.id}`, { token: alice.token });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.user.id, bob.user.id);
    assert.equal(res.json.user.username, bob.username);
    assertError(await api(server, 'GET', `/api/users/${'0'.repeat(24)}`, { token: alice.token }), 404, 'not_found');
    assertError(await api(server, 'GET', '/api/users/not-an-id', { token: alice.token }), 404, 'not_found');
  });
});
