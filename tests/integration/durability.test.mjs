// Shutdown, restart and crash: what was acknowledged survives.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './lib/server.mjs';
import { api, register, login, connectWs, closeAllWs, dmId, postMessage, withTimeout } from './lib/client.mjs';

const servers = [];
async function fresh(opts) {
  const s = await startServer(opts);
  servers.push(s);
  return s;
}
after(async () => {
  closeAllWs();
  for (const s of servers) await s.cleanup();
});

async function allMessages(server, who, cid) {
  const out = [];
  let after = 0;
  for (;;) {
    const res = await api(server, 'GET', `/api/conversations/${cid}/messages?after=${after}&limit=100`, { token: who.token });
    assert.equal(res.status, 200, res.text);
    out.push(...res.json.messages);
    if (res.json.messages.length < 100) return out;
    after = res.json.messages.at(-1).seq;
  }
}

describe('durability', () => {
  it('SIGTERM: WebSockets get 1001, exit code 0, acknowledged sends survive', { timeout: 40_000 }, async (t) => {
    const s = await fresh();
    const a = await register(s);
    const b = await register(s);
    const cid = dmId(a, b);
    const wa = await connectWs(s, { token: a.token });
    const wb = await connectWs(s, { token: b.token });
    await wa.sync();
    await wb.sync();
    // Sends in flight while the server is told to stop: every one that was acked must be stored.
    const acks = [];
    wa.tap((f) => f.type === 'ack' && acks.push(f.message));
    for (let i = 0; i < 200; i++) wa.send({ type: 'send', clientMsgId: `t-${i}`, conversationId: cid, body: `term ${i}`, msgType: 'text' });
    await wa.next('ack', 10_000); // the server is busy with them now
    const code = await s.stop();
    assert.equal(code, 0, `exit code after SIGTERM (signal ${s.exitSignal})\n${s.logs().slice(-2000)}`);
    const ca = await withTimeout(wa.closed, 5000, 'sender socket closed');
    const cb = await withTimeout(wb.closed, 5000, 'peer socket closed');
    assert.equal(ca.code, 1001, 'close code for the sender');
    assert.equal(cb.code, 1001, 'close code for the peer');

    await s.restart();
    const stored = await allMessages(s, a, cid);
    t.diagnostic(`${acks.length} of 200 in-flight sends acknowledged before the shutdown, ${stored.length} stored`);
    const storedIds = new Set(stored.map((m) => m.id));
    for (const m of acks) assert.ok(storedIds.has(m.id), `acked message seq ${m.seq} lost in shutdown`);
    assert.deepEqual(stored.map((m) => m.seq), stored.map((_, i) => i + 1), 'no gaps');
  });

  it('restart on the same data dir keeps users, tokens, messages and seqs', { timeout: 40_000 }, async () => {
    const s = await fresh();
    const a = await register(s);
    const b = await register(s);
    const cid = dmId(a, b);
    const before = [];
    for (let i = 1; i <= 5; i++) before.push(await postMessage(s, i % 2 ? a : b, cid, `persist ${i}`));
    const convBefore = (await api(s, 'GET', '/api/conversations', { token: b.token })).json.conversations;
    assert.equal(await s.stop(), 0);
    assert.ok(existsSync(join(s.dataDir, 'chat.db')), 'the default database is <data-dir>/chat.db');
    await s.restart();

    const me = await api(s, 'GET', '/api/auth/me', { token: a.token });
    assert.equal(me.status, 200, 'an old token still works (same --jwt-secret)');
    assert.equal(me.json.user.id, a.user.id);
    const li = await login(s, b.username, b.password);
    assert.equal(li.status, 200, 'login after restart');
    const after = await allMessages(s, a, cid);
    assert.deepEqual(after, before, 'messages identical after restart');
    const convAfter = (await api(s, 'GET', '/api/conversations', { token: b.token })).json.conversations;
    assert.deepEqual(convAfter, convBefore, 'conversation list identical after restart');
    const next = await postMessage(s, a, cid, 'after restart');
    assert.equal(next.seq, 6, 'the next send gets the next seq');
    // clientMsgId dedupe survives a restart.
    const retry = await api(s, 'POST', `/api/conversations/${cid}/messages`, { token: a.token, body: { body: 'x', clientMsgId: 'persisted-cmid' } });
    assert.equal(retry.status, 201);
    assert.equal(await s.stop(), 0);
    await s.restart();
    const again = await api(s, 'POST', `/api/conversations/${cid}/messages`, { token: a.token, body: { body: 'x', clientMsgId: 'persisted-cmid' } });
    assert.equal(again.status, 200, 'a retry after restart is still recognised');
    assert.equal(again.json.message.id, retry.json.message.id);
  });

  it('kill -9 right after the last ack: all 100 acknowledged messages survive', { timeout: 40_000 }, async () => {
    const s = await fresh();
    const a = await register(s);
    const b = await register(s);
    const cid = dmId(a, b);
    const ws = await connectWs(s, { token: a.token, keep: (f) => f.type !== 'message' });
    for (let i = 0; i < 100; i++) ws.send({ type: 'send', clientMsgId: `k9-${i}`, conversationId: cid, body: `crash ${i}`, msgType: 'text' });
    const acks = await ws.collect((f) => f.type === 'ack' || f.type === 'error', 100, 20_000);
    await s.kill9();
    for (const x of acks) assert.equal(x.type, 'ack', JSON.stringify(x));
    await s.restart();
    const stored = await allMessages(s, b, cid);
    assert.equal(stored.length, 100, `stored ${stored.length} of 100 acknowledged messages`);
    const byId = new Map(stored.map((m) => [m.id, m]));
    for (const x of acks) {
      const m = byId.get(x.message.id);
      assert.ok(m, `acked message ${x.clientMsgId} (seq ${x.message.seq}) lost`);
      assert.equal(m.seq, x.message.seq);
      assert.equal(m.body, x.message.body);
    }
    assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: 100 }, (_, i) => i + 1));
    const next = await postMessage(s, b, cid, 'after crash');
    assert.equal(next.seq, 101);
  });

  it('kill -9 mid-stream, then the client retries everything: exactly one row per clientMsgId', { timeout: 40_000 }, async (t) => {
    const s = await fresh();
    const a = await register(s);
    const b = await register(s);
    const cid = dmId(a, b);
    let ws = await connectWs(s, { token: a.token, keep: (f) => f.type !== 'message' });
    const N = 400;
    for (let i = 0; i < N; i++) ws.send({ type: 'send', clientMsgId: `rt-${i}`, conversationId: cid, body: `retry ${i}`, msgType: 'text' });
    // Kill as soon as the first ack shows that commits are happening: some are in, some are not.
    await ws.next('ack', 10_000);
    await s.kill9();
    await s.restart();
    const before = (await allMessages(s, b, cid)).length;
    t.diagnostic(`${before} of ${N} messages were committed before the kill`);
    ws = await connectWs(s, { token: a.token, keep: (f) => f.type !== 'message' });
    for (let i = 0; i < N; i++) ws.send({ type: 'send', clientMsgId: `rt-${i}`, conversationId: cid, body: `retry ${i}`, msgType: 'text' });
    const acks = await ws.collect((f) => f.type === 'ack' || f.type === 'error', N, 20_000);
    for (const x of acks) assert.equal(x.type, 'ack', JSON.stringify(x));
    const stored = await allMessages(s, b, cid);
    assert.equal(stored.length, N, 'one row per clientMsgId');
    assert.ok(before <= N);
    assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: N }, (_, i) => i + 1));
    assert.deepEqual(new Set(stored.map((m) => m.clientMsgId)).size, N);
    const byCmid = new Map(stored.map((m) => [m.clientMsgId, m]));
    for (const x of acks) assert.equal(byCmid.get(x.clientMsgId)?.id, x.message.id, 'the retry ack is the stored message');
  });
});
