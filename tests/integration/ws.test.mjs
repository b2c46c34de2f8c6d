// The chat WebSocket: handshake auth and origin, frames, fan-out, ordering, backpressure.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, scrapeMetrics, metricSum } from './lib/server.mjs';
import {
  api, register, connectWs, tryConnectWs, closeAllWs, dmId, withTimeout, waitFor, postMessage,
} from './lib/client.mjs';
import { rawHandshake } from './lib/rawws.mjs';

let server;
let alice;
let bob;
let carol;
before(async () => {
  server = await startServer();
  [alice, bob, carol] = [await register(server), await register(server), await register(server)];
});
after(async () => {
  closeAllWs();
  await server?.cleanup();
});

const T = { timeout: 30_000 };

function assertHandshakeRejected(r, status, code) {
  assert.equal(r.ok, false, 'the handshake must be rejected');
  assert.equal(r.status, status, `HTTP ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, code, `error body: ${r.text}`);
}

describe('handshake', () => {
  it('token as Bearer header, as cookie, as subprotocol', T, async () => {
    const byHeader = await connectWs(server, { token: alice.token });
    await byHeader.sync();
    const byCookie = await connectWs(server, { cookie: alice.cookie });
    await byCookie.sync();
    const byProto = await connectWs(server, { protocols: ['gopherchat.v1', `bearer.${alice.token}`] });
    assert.equal(byProto.ws.protocol, 'gopherchat.v1', 'the server answers the gopherchat.v1 subprotocol');
    await byProto.sync();
    // The connection really belongs to alice: it receives her messages.
    const m = await postMessage(server, bob, dmId(alice, bob), 'to every socket');
    for (const c of [byHeader, byCookie, byProto]) {
      const f = await c.next((x) => x.type === 'message' && x.message.id === m.id);
      assert.deepEqual(f.message, m);
      c.close();
    }
  });

  it('no token or a bad token → 401', T, async () => {
    assertHandshakeRejected(await tryConnectWs(server, {}), 401, 'unauthorized');
    assertHandshakeRejected(await tryConnectWs(server, { token: alice.token.slice(0, -3) + 'abc' }), 401, 'unauthorized');
    assertHandshakeRejected(await tryConnectWs(server, { cookie: 'gc_token=garbage' }), 401, 'unauthorized');
    assertHandshakeRejected(await tryConnectWs(server, { protocols: ['gopherchat.v1', 'bearer.garbage'] }), 401, 'unauthorized');
    // A bad header token is not rescued by a good cookie.
    assertHandshakeRejected(await tryConnectWs(server, { token: 'garbage', cookie: alice.cookie }), 401, 'unauthorized');
  });

  it('Origin: none or own → ok, foreign or "null" → 403', T, async () => {
    const own = await connectWs(server, { token: alice.token, origin: server.origin });
    await own.sync();
    own.close();
    const none = await connectWs(server, { token: alice.token });
    await none.sync();
    none.close();
    for (const origin of ['http://evil.example.test', 'null', `http://127.0.0.1:${server.port}.evil.test`, `https://127.0.0.1:${server.port}`, `http://127.0.0.1:${server.port + 1}`]) {
      assertHandshakeRejected(await tryConnectWs(server, { token: alice.token, origin }), 403, 'forbidden');
    }
    // Origin is checked even with the cookie (cross-site WebSocket hijacking).
    assertHandshakeRejected(await tryConnectWs(server, { cookie: alice.cookie, origin: 'http://evil.example.test' }), 403, 'forbidden');
  });

  it('--allowed-origins is an exact allowlist', T, async () => {
    const s = await startServer({ args: ['--allowed-origins', 'http://app.example.test'] });
    try {
      const u = await register(s);
      for (const origin of ['http://app.example.test', s.origin]) {
        const c = await connectWs(s, { token: u.token, origin });
        await c.sync();
        c.close();
      }
      for (const origin of ['http://app.example.test.evil.test', 'https://app.example.test', 'http://evil.app.example.test', 'http://app.example.tes']) {
        assertHandshakeRejected(await tryConnectWs(s, { token: u.token, origin }), 403, 'forbidden');
      }
    } finally {
      await s.cleanup();
    }
  });
});

describe('frames', () => {
  it('send → ack after commit; message to every other connection of both users', T, async () => {
    const a1 = await connectWs(server, { token: alice.token });
    const a2 = await connectWs(server, { token: alice.token });
    const b1 = await connectWs(server, { token: bob.token });
    const b2 = await connectWs(server, { cookie: bob.cookie });
    const outsider = await connectWs(server, { token: carol.token });
    const cid = dmId(alice, bob);
    const ack = await a1.sendMessage(cid, 'over the socket', { clientMsgId: 'ws-1' });
    assert.equal(ack.type, 'ack');
    assert.equal(ack.clientMsgId, 'ws-1');
    const m = ack.message;
    assert.equal(m.conversationId, cid);
    assert.equal(m.from, alice.user.id);
    assert.equal(m.to, bob.user.id);
    assert.equal(m.body, 'over the socket');
    assert.equal(m.type, 'text');
    assert.equal(m.clientMsgId, 'ws-1');
    assert.deepEqual(m.metadata, { attachments: [], edited: false, reactions: [], replyTo: null });
    // Committed: readable over REST as soon as the ack arrived.
    const list = await api(server, 'GET', `/api/conversations/${cid}/messages?after=${m.seq - 1}`, { token: bob.token });
    assert.deepEqual(list.json.messages, [m]);
    for (const c of [a2, b1, b2]) {
      const f = await c.next((x) => x.type === 'message' && x.message.id === m.id);
      assert.deepEqual(f.message, m);
    }
    await outsider.assertNoFrame('message', 'an outsider received a message');
    // The sending connection has the message in its ack: no second copy as a `message` frame.
    await a1.assertNoFrame((x) => x.type === 'message' && x.message.id === m.id, 'the sending connection got a message frame besides its ack');
    for (const c of [a2, b1, b2]) await c.assertNoFrame((x) => x.type === 'message' && x.message.id === m.id, 'duplicate delivery');
  });

  it('ping → pong', T, async () => {
    const c = await connectWs(server, { token: alice.token });
    c.send({ type: 'ping' });
    const f = await c.next(() => true);
    assert.equal(f.type, 'pong');
  });

  it('malformed frames → error invalid_frame, the connection keeps working', T, async () => {
    const c = await connectWs(server, { token: alice.token });
    for (const raw of ['not json{', '[1,2]', '"str"', '42', '', '{"type":"send",']) {
      c.sendRaw(raw);
      const e = await c.next('error');
      assert.equal(e.code, 'invalid_frame', `${JSON.stringify(raw)} → ${JSON.stringify(e)}`);
      assert.equal(typeof e.message, 'string');
      assert.equal(e.ref ?? null, null);
    }
    await c.sync();
    assert.equal(c.isClosed, false);
  });

  const badSends = (cid) => [
    [{ type: 'send', conversationId: cid, body: 'x' }, 'clientMsgId'],
    [{ type: 'send', clientMsgId: 'm-1', body: 'x' }, 'conversationId'],
    [{ type: 'send', clientMsgId: 'm-2', conversationId: cid }, 'body'],
    [{ type: 'send', clientMsgId: 'm-3', conversationId: cid, body: '   ' }, 'body'],
    [{ type: 'send', clientMsgId: 'm-4', conversationId: cid, body: 'x'.repeat(4001) }, 'body'],
    [{ type: 'send', clientMsgId: 'm-5', conversationId: cid, body: 7 }, 'body'],
    [{ type: 'send', clientMsgId: 'm-6', conversationId: cid, body: 'x', msgType: 'system' }, 'msgType'],
    [{ type: 'send', clientMsgId: 'c'.repeat(65), conversationId: cid, body: 'x' }, 'clientMsgId'],
  ];

  it('unknown type → unknown_type; bad send fields → invalid_request naming the field', T, async () => {
    const c = await connectWs(server, { token: alice.token });
    c.send({ type: 'bogus' });
    assert.equal((await c.next('error')).code, 'unknown_type');
    c.send({ noType: true });
    const e0 = await c.next('error');
    assert.ok(['invalid_request', 'unknown_type', 'invalid_frame'].includes(e0.code), JSON.stringify(e0));
    for (const [frame, field] of badSends(dmId(alice, bob))) {
      c.send(frame);
      const e = await c.next('error');
      assert.equal(e.code, 'invalid_request', `${JSON.stringify(frame).slice(0, 100)} → ${JSON.stringify(e)}`);
      assert.match(e.message, new RegExp(field, 'i'), `message names ${field}: ${e.message}`);
    }
    await c.sync();
  });

  it('every error about a send carries ref = its clientMsgId', T, async () => {
    const c = await connectWs(server, { token: alice.token });
    const wrong = [];
    for (const [frame] of badSends(dmId(alice, bob))) {
      if (typeof frame.clientMsgId !== 'string' || frame.clientMsgId.length > 64) continue;
      c.send(frame);
      const e = await c.next('error');
      if (e.ref !== frame.clientMsgId) wrong.push(`${e.message} → ref ${JSON.stringify(e.ref)}, expected ${frame.clientMsgId}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('send into a foreign conversation → error forbidden with ref; nobody receives it', T, async () => {
    const c = await connectWs(server, { token: carol.token });
    const b = await connectWs(server, { token: bob.token });
    c.send({ type: 'send', clientMsgId: 'intrude-1', conversationId: dmId(alice, bob), body: 'hi', msgType: 'text' });
    const e = await c.next('error');
    assert.equal(e.code, 'forbidden');
    assert.equal(e.ref, 'intrude-1');
    c.send({ type: 'send', clientMsgId: 'ghost-1', conversationId: dmId(carol.user.id, '0'.repeat(24)), body: 'hi', msgType: 'text' });
    const e2 = await c.next('error');
    assert.equal(e2.code, 'not_found');
    assert.equal(e2.ref, 'ghost-1');
    await b.assertNoFrame((x) => x.type === 'message' && x.message.body === 'hi' && x.message.from === carol.user.id);
    await c.sync();
  });

  it('typing and read are relayed to the other participant only', T, async () => {
    const a = await connectWs(server, { token: alice.token });
    const b = await connectWs(server, { token: bob.token });
    const o = await connectWs(server, { token: carol.token });
    const cid = dmId(alice, bob);
    a.send({ type: 'typing', conversationId: cid, state: 'start' });
    const t = await b.next('typing');
    assert.deepEqual(
      { conversationId: t.conversationId, userId: t.userId, state: t.state },
      { conversationId: cid, userId: alice.user.id, state: 'start' },
    );
    const { message } = await a.sendMessage(cid, 'read me');
    await b.next((x) => x.type === 'message' && x.message.id === message.id);
    b.send({ type: 'read', conversationId: cid, seq: message.seq });
    const r = await a.next('read');
    assert.deepEqual(
      { conversationId: r.conversationId, userId: r.userId, seq: r.seq },
      { conversationId: cid, userId: bob.user.id, seq: message.seq },
    );
    const conv = (await api(server, 'GET', '/api/conversations', { token: bob.token })).json.conversations.find((x) => x.id === cid);
    assert.equal(conv.readSeq, message.seq);
    // Typing into a foreign conversation is refused.
    o.send({ type: 'typing', conversationId: cid, state: 'start' });
    assert.equal((await o.next('error')).code, 'forbidden');
    o.send({ type: 'read', conversationId: cid, seq: 1 });
    assert.equal((await o.next('error')).code, 'forbidden');
    a.send({ type: 'typing', conversationId: cid, state: 'sideways' });
    const bad = await a.next('error');
    assert.equal(bad.code, 'invalid_request');
    assert.match(bad.message, /state/);
    a.send({ type: 'read', conversationId: cid, seq: 'x' });
    assert.equal((await a.next('error')).code, 'invalid_request');
    await o.sync();
    await b.assertNoFrame((x) => x.type === 'typing' && x.userId === carol.user.id, 'foreign typing relayed');
  });

  it('a frame over 64 KiB → close 1009', T, async () => {
    const c = await connectWs(server, { token: alice.token });
    c.send({ type: 'send', clientMsgId: 'big', conversationId: dmId(alice, bob), body: 'x'.repeat(70 * 1024), msgType: 'text' });
    const closed = await withTimeout(c.closed, 5000, 'close after an oversized frame');
    assert.equal(closed.code, 1009);
  });

  it('a frame of 60 KiB is fine (answered with an error about the body, not a close)', T, async () => {
    const c = await connectWs(server, { token: alice.token });
    c.send({ type: 'send', clientMsgId: 'big-ok', conversationId: dmId(alice, bob), body: 'x'.repeat(60 * 1024), msgType: 'text' });
    const e = await c.next('error');
    assert.equal(e.code, 'invalid_request');
    assert.match(e.message, /body/);
    await c.sync();
  });

  it('binary frame → error unsupported or close 1003 (documents which)', T, async (t) => {
    const c = await connectWs(server, { token: alice.token });
    c.sendRaw(Buffer.from('{"type":"ping"}'), { binary: true });
    const outcome = await Promise.race([
      c.next('error', 5000).then((f) => ({ kind: 'error-frame', f })),
      c.closed.then((x) => ({ kind: 'close', code: x.code })),
    ]);
    t.diagnostic(`binary frame outcome: ${JSON.stringify(outcome)}`);
    if (outcome.kind === 'error-frame') {
      assert.equal(outcome.f.code, 'invalid_frame');
      await c.sync();
    } else {
      assert.equal(outcome.code, 1003);
    }
  });

  it('invalid UTF-8 in a text frame → close 1007', T, async () => {
    const c = await connectWs(server, { token: alice.token });
    c.sendRaw(Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x7d]), { binary: false });
    const closed = await withTimeout(c.closed, 5000, 'close after invalid UTF-8');
    assert.equal(closed.code, 1007);
  });

  it('idempotent retry: same clientMsgId twice → same ack, delivered once', T, async () => {
    const a = await connectWs(server, { token: alice.token });
    const b = await connectWs(server, { token: bob.token });
    const cid = dmId(alice, bob);
    const ack1 = await a.sendMessage(cid, 'exactly once', { clientMsgId: 'idem-1' });
    const ack2 = await a.sendMessage(cid, 'exactly once', { clientMsgId: 'idem-1' });
    assert.deepEqual(ack2.message, ack1.message);
    // A retry after a reconnect, from a new connection.
    a.close();
    const a2 = await connectWs(server, { token: alice.token });
    const ack3 = await a2.sendMessage(cid, 'exactly once', { clientMsgId: 'idem-1' });
    assert.deepEqual(ack3.message, ack1.message);
    // REST sees the same.
    const rest = await api(server, 'POST', `/api/conversations/${cid}/messages`, { token: alice.token, body: { body: 'exactly once', clientMsgId: 'idem-1' } });
    assert.equal(rest.status, 200);
    assert.equal(rest.json.message.id, ack1.message.id);
    await b.sync();
    const got = b.drain((x) => x.type === 'message' && x.message.clientMsgId === 'idem-1');
    assert.equal(got.length, 1, `the peer got the message ${got.length} times`);
    const list = await api(server, 'GET', `/api/conversations/${cid}/messages?after=${ack1.message.seq - 1}`, { token: bob.token });
    assert.equal(list.json.messages.filter((m) => m.clientMsgId === 'idem-1').length, 1);
  });

  it('the same clientMsgId from two connections at once → one message, the same ack on both', T, async () => {
    const u1 = await register(server);
    const u2 = await register(server);
    const cid = dmId(u1, u2);
    const conns = [];
    for (let i = 0; i < 4; i++) conns.push(await connectWs(server, { token: u1.token }));
    const peer = await connectWs(server, { token: u2.token });
    for (const c of conns) c.send({ type: 'send', clientMsgId: 'race-1', conversationId: cid, body: 'race', msgType: 'text' });
    const acks = await Promise.all(conns.map((c) => c.next((f) => f.type === 'ack' || f.type === 'error')));
    for (const x of acks) assert.equal(x.type, 'ack', JSON.stringify(x));
    assert.equal(new Set(acks.map((x) => x.message.id)).size, 1, 'one message id');
    await peer.next('message');
    await peer.assertNoFrame('message', 'the peer received the message twice');
    const list = await api(server, 'GET', `/api/conversations/${cid}/messages`, { token: u2.token });
    assert.equal(list.json.messages.length, 1);
  });
});

describe('resync', () => {
  it('disconnect, 50 sent meanwhile, reconnect: after=lastSeq returns exactly those 50 in order', T, async () => {
    const u1 = await register(server);
    const u2 = await register(server);
    const cid = dmId(u1, u2);
    const sender = await connectWs(server, { token: u1.token });
    let b = await connectWs(server, { token: u2.token });
    const first = await sender.sendMessage(cid, 'before');
    const seen = await b.next((f) => f.type === 'message' && f.message.id === first.message.id);
    const lastSeq = seen.message.seq;
    await b.close();
    const acks = [];
    for (let i = 0; i < 50; i++) acks.push((await sender.sendMessage(cid, `while away ${i}`)).message);
    b = await connectWs(server, { token: u2.token });
    const res = await api(server, 'GET', `/api/conversations/${cid}/messages?after=${lastSeq}&limit=100`, { token: u2.token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.messages, acks);
    // Live delivery continues on the new connection with the next seq.
    const live = await sender.sendMessage(cid, 'back');
    const f = await b.next((x) => x.type === 'message');
    assert.equal(f.message.id, live.message.id);
    assert.equal(f.message.seq, lastSeq + 51);
  });
});

describe('RFC 6455 conformance (hand-made frames)', () => {
  const open = async () => {
    const hs = await rawHandshake(server, { token: alice.token });
    assert.equal(hs.status, 101);
    return hs.ws;
  };
  const expectClose = async (ws, codes, what) => {
    const c = await ws.serverClose();
    assert.ok(codes.includes(c.code), `${what}: server close code ${c.code}, expected ${codes.join(' or ')}`);
    ws.destroy();
  };

  it('a fragmented text message and a control ping in between work', T, async () => {
    const ws = await open();
    ws.sendText('{"type":', { fin: false });
    ws.sendFrame({ opcode: 9, payload: 'abc' });
    ws.sendFrame({ opcode: 0, fin: true, payload: '"ping"}' });
    const pong = await ws.nextFrame((f) => f.opcode === 10);
    assert.equal(pong.payload.toString(), 'abc', 'a control pong echoes the ping payload');
    assert.equal((await ws.nextJson()).type, 'pong');
    ws.sendClose(1000);
    await expectClose(ws, [1000], 'a normal close is echoed');
  });

  for (const [name, send, codes] of [
    ['unmasked client frame', (ws) => ws.sendText('{"type":"ping"}', { mask: false }), [1002]],
    ['RSV1 without an extension', (ws) => ws.sendFrame({ rsv: 4, payload: '{"type":"ping"}' }), [1002]],
    ['reserved data opcode 3', (ws) => ws.sendFrame({ opcode: 3, payload: 'x' }), [1002]],
    ['reserved control opcode 0xB', (ws) => ws.sendFrame({ opcode: 0xb, payload: 'x' }), [1002]],
    ['fragmented ping', (ws) => ws.sendFrame({ opcode: 9, fin: false, payload: 'x' }), [1002]],
    ['ping with a 126-byte payload', (ws) => ws.sendFrame({ opcode: 9, payload: Buffer.alloc(126, 1) }), [1002]],
    ['continuation without a start', (ws) => ws.sendFrame({ opcode: 0, payload: 'x' }), [1002]],
    ['a new text frame inside a fragmented one', (ws) => {
      ws.sendText('{"type":', { fin: false });
      ws.sendText('{"type":"ping"}');
    }, [1002]],
    ['invalid UTF-8 split across fragments', (ws) => {
      ws.sendFrame({ opcode: 1, fin: false, payload: Buffer.from([0x22, 0xe2, 0x82]) });
      ws.sendFrame({ opcode: 0, fin: true, payload: Buffer.from([0x28, 0x22]) });
    }, [1007]],
    ['close code 999', (ws) => ws.sendClose(999), [1002]],
    ['close code 1005 on the wire', (ws) => ws.sendClose(1005), [1002]],
    ['close code 0', (ws) => ws.sendClose(0), [1002]],
    ['close code 1006 on the wire', (ws) => ws.sendClose(1006), [1002]],
    ['close code 1015 on the wire', (ws) => ws.sendClose(1015), [1002]],
    // RFC 6455 leaves codes >= 5000 undefined (Autobahn 7.13.x is informational): refuse or echo.
    ['close code 5000', (ws) => ws.sendClose(5000), [1002, 5000]],
    ['close with a 1-byte payload', (ws) => ws.sendFrame({ opcode: 8, payload: Buffer.from([3]) }), [1002]],
    ['64-bit length with the MSB set', (ws) => ws.sendFrame({ payload: 'x', lengthOverride: 0x8000000000000001n }), [1002, 1009]],
    ['huge declared length', (ws) => ws.sendFrame({ payload: 'x', lengthOverride: 0x7fffffffn }), [1009]],
  ]) {
    it(`${name} → close ${codes.join('/')}`, T, async () => {
      const ws = await open();
      send(ws);
      await expectClose(ws, codes, name);
      // The server is unharmed.
      assert.equal((await api(server, 'GET', '/healthz')).status, 200);
    });
  }

  it('bad handshakes are refused without an upgrade', T, async () => {
    const v8 = await rawHandshake(server, { token: alice.token, version: '8' });
    assert.ok(v8.status === 426 || v8.status === 400, `version 8: HTTP ${v8.status}`);
    const noKey = await rawHandshake(server, { token: alice.token, omit: ['Sec-WebSocket-Key'] });
    assert.equal(noKey.status, 400, `no Sec-WebSocket-Key: HTTP ${noKey.status}`);
    const badPath = await rawHandshake(server, { token: alice.token, path: '/ws/nope' });
    assert.equal(badPath.status, 404, `unknown path: HTTP ${badPath.status}`);
  });

  it('a ping flood is answered and the server stays responsive', T, async () => {
    const ws = await open();
    for (let i = 0; i < 2000; i++) ws.sendFrame({ opcode: 9, payload: String(i) });
    ws.sendText('{"type":"ping"}');
    const pong = await ws.nextJson('pong', 10_000).catch(() => null);
    const closed = ws.ended || (await ws.nextFrame((f) => f.opcode === 8, 1).catch(() => null));
    assert.ok(pong || closed, 'either answered or closed as a flood');
    ws.destroy();
    assert.equal((await api(server, 'GET', '/healthz')).status, 200);
  });
});

describe('ordering under concurrency', () => {
  it('10 connections × 50 concurrent sends → seqs 1..500, each connection sees increasing seqs', { timeout: 60_000 }, async () => {
    const u1 = await register(server);
    const u2 = await register(server);
    const cid = dmId(u1, u2);
    const PER = 50;
    const conns = [];
    for (let i = 0; i < 10; i++) conns.push(await connectWs(server, { token: (i % 2 ? u2 : u1).token }));
    const N = PER * conns.length;
    // Every connection records the seqs it learns, in arrival order: other connections'
    // messages as `message` frames, its own as acks (which carry the message).
    const seen = conns.map(() => []);
    conns.forEach((c, i) =>
      c.tap((f) => (f.type === 'message' || f.type === 'ack') && f.message?.conversationId === cid && seen[i].push(f.message.seq)),
    );
    for (const c of conns) c.keep = (f) => f.type !== 'message';
    const allAcks = await Promise.all(
      conns.map(async (c, i) => {
        for (let k = 0; k < PER; k++) {
          c.send({ type: 'send', clientMsgId: `k${i}-${k}`, conversationId: cid, body: `c${i} #${k}`, msgType: 'text' });
        }
        const acks = await c.collect((f) => f.type === 'ack' || f.type === 'error', PER, 40_000);
        for (const a of acks) assert.equal(a.type, 'ack', JSON.stringify(a));
        return acks;
      }),
    );
    const ackSeqs = allAcks.flat().map((a) => a.message.seq).sort((x, y) => x - y);
    assert.deepEqual(ackSeqs, Array.from({ length: N }, (_, i) => i + 1), 'seqs are exactly 1..N');
    // Acks of one connection come back in send order with increasing seqs.
    for (const acks of allAcks) {
      const s = acks.map((a) => a.message.seq);
      assert.deepEqual([...s].sort((x, y) => x - y), s, 'one connection’s sends commit in order');
    }
    await Promise.all(conns.map((c, i) => waitFor(() => seen[i].length >= N, { timeoutMs: 20_000, what: `connection ${i} to receive ${N} messages (has ${seen[i].length})` })));
    for (const c of conns) await c.sync();
    seen.forEach((s, i) => assert.deepEqual(s, Array.from({ length: N }, (_, k) => k + 1), `connection ${i} saw seqs in order, once each`));
    const page = await api(server, 'GET', `/api/conversations/${cid}/messages?limit=1`, { token: u1.token });
    assert.equal(page.json.messages[0].seq, N);
    for (const c of conns) c.close();
  });
});

describe('slow consumer', () => {
  it('a paused client is disconnected; others keep receiving everything in order', { timeout: 60_000 }, async (t) => {
    const s = await startServer({ args: ['--ws-queue-bytes', '65536'] });
    try {
      const a = await register(s);
      const b = await register(s);
      const cid = dmId(a, b);
      // The sender posts over REST (the same path as a WebSocket send), a few at a time, so that no
      // healthy reader ever has more than a few frames (~26 KiB) in flight: only the paused one
      // can fill its queue.
      const paused = await connectWs(s, { token: b.token, keep: (f) => f.type === 'pong' });
      const normal = await connectWs(s, { token: b.token, keep: (f) => f.type !== 'message' });
      await paused.sync();
      await normal.sync();
      const normalSeqs = [];
      normal.tap((f) => f.type === 'message' && normalSeqs.push(f.message.seq));
      paused.ws._socket.pause();

      const body = 'x'.repeat(3000);
      const MAX = 5000;
      const PARALLEL = 8;
      let sent = 0;
      let slowClosed = 0;
      while (sent < MAX) {
        const batch = Math.min(PARALLEL, MAX - sent);
        const results = await Promise.all(
          Array.from({ length: batch }, () =>
            api(s, 'POST', `/api/conversations/${cid}/messages`, { token: a.token, body: { body } }),
          ),
        );
        for (const r of results) assert.equal(r.status, 201, r.text.slice(0, 200));
        sent += batch;
        if (sent % (PARALLEL * 8) === 0 || sent >= MAX) {
          slowClosed = metricSum((await scrapeMetrics(s)).values, 'gc_slow_consumers_closed_total') ?? 0;
          if (slowClosed >= 1) break;
        }
      }
      t.diagnostic(`sent ${sent} messages of ${body.length} bytes before the slow consumer was dropped`);
      assert.ok(slowClosed >= 1, `gc_slow_consumers_closed_total stayed ${slowClosed} after ${sent} messages`);
      assert.equal(slowClosed, 1, 'only the paused client was dropped');
      // Now let the paused client read what its kernel buffered: it must end in a close.
      paused.ws._socket.resume();
      await withTimeout(paused.closed, 15_000, 'the paused client to see its connection closed');
      // The normal recipient got every message, in order, once, and is still connected.
      await waitFor(() => normalSeqs.length >= sent, { timeoutMs: 20_000, what: `normal recipient to get ${sent} messages (has ${normalSeqs.length})` });
      await normal.sync();
      assert.equal(normalSeqs.length, sent);
      assert.ok(normalSeqs.every((x, i) => x === i + 1), 'normal recipient saw 1..N in order');
      assert.equal(normal.isClosed, false);
    } finally {
      closeAllWs();
      await s.cleanup();
    }
  });
});

describe('idle timeout', () => {
  it('a client that never answers pings is dropped; one that does stays', { timeout: 30_000 }, async () => {
    const s = await startServer({ args: ['--ws-idle-timeout', '2'] });
    try {
      const u = await register(s);
      const mute = await connectWs(s, { token: u.token, autoPong: false });
      const alive = await connectWs(s, { token: u.token });
      // A client whose socket is paused cannot answer pings either (nor see the close until it reads).
      const paused = await connectWs(s, { token: u.token });
      paused.ws._socket.pause();
      const pings = [];
      mute.ws.on('ping', () => pings.push(Date.now()));
      const started = Date.now();
      await withTimeout(mute.closed, 10_000, 'the server to drop a client that does not answer pings');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 1500, `dropped after ${elapsed} ms: too early for a 2 s idle timeout`);
      assert.ok(pings.length >= 1, 'the server pinged the idle client before dropping it');
      // The paused one is gone from the server's side too: only `alive` is left in the gauge.
      await waitFor(async () => metricSum((await scrapeMetrics(s)).values, 'gc_ws_connections') === 1, {
        timeoutMs: 10_000,
        what: 'gc_ws_connections to drop to 1 (the paused client dropped)',
      });
      paused.ws._socket.resume();
      await withTimeout(paused.closed, 5000, 'the paused client to see the close once it reads');
      assert.equal(alive.isClosed, false, 'a client that answers pings is kept');
      await alive.sync();
      alive.close();
    } finally {
      closeAllWs();
      await s.cleanup();
    }
  });
});
