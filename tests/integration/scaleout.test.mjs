// Two gopherchat-server instances on one PostgreSQL database and one Redis (the scale-out
// setup, without the load balancer): what one instance commits reaches the other's
// connections; concurrent senders on both instances give every connection one conversation's
// messages and acks in seq order with no gap and no repeat (the broker's order is put back,
// gaps are filled from the database); Redis killed: sends still commit and are acknowledged, and when
// Redis is back the other instance asks its clients to reconnect (1012) and delivery resumes;
// a logout on one instance holds on the other; an instance killed mid-stream loses nothing
// acknowledged and its client's retries on the other instance store nothing twice. Presence is
// one status over both instances (Redis aggregates each instance's word): a user connected to
// both goes offline once, when the last connection goes, and the users of a killed instance go
// offline when its words expire; typing crosses instances.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { api, connectWs, dmId, postMessage, register, tryConnectWs, uniqueName, waitFor } from './lib/client.mjs';
import { repoRoot, randomSecret, startServer } from './lib/server.mjs';
import { startRedis, stopRedis } from './lib/redis.mjs';

const T = { timeout: 60_000 };
let postgres; // { url, dir }
let redis; // { port, child }
let s1;
let s2;

before(async () => {
  const env = execFileSync(join(repoRoot, 'scripts', 'postgres.sh'), ['start'], { encoding: 'utf8' });
  const url = /GC_TEST_POSTGRES_URL=(\S+)/.exec(env)[1];
  const dir = /GC_POSTGRES_DIR=(\S+)/.exec(env)[1];
  const database = `gc_scaleout_${randomBytes(6).toString('hex')}`;
  execFileSync('psql', [url, '-qc', `CREATE DATABASE ${database}`]);
  postgres = { url: url.replace(/\/postgres$/, `/${database}`), dir };
  redis = await startRedis();
  const jwtSecret = randomSecret();
  // A short grace and presence ttl: a user's last connection going, and an instance dying, are
  // seen as offline within a test's time.
  const args = [
    '--db', postgres.url, '--redis', `redis://127.0.0.1:${redis.port}`,
    '--presence-grace-ms', '300', '--presence-ttl-ms', '1500',
    // A logout reaches the other instance as an event; the poll (the backstop for an event
    // pub/sub lost) is set beyond the tests' time so that the event is what is tested.
    '--revocation-poll-ms', '60000',
  ];
  s1 = await startServer({ args, jwtSecret });
  s2 = await startServer({ args, jwtSecret });
});

after(async () => {
  await s1?.cleanup();
  await s2?.cleanup();
  await stopRedis(redis);
  if (postgres) execFileSync(join(repoRoot, 'scripts', 'postgres.sh'), ['stop', postgres.dir]);
});

/** a and b become friends, the request made on s1 and accepted on s2. */
async function befriend(a, b) {
  const r = await api(s1, 'POST', '/api/friends/requests', { token: a.token, body: { userId: b.user.id } });
  assert.equal(r.status, 201, r.text);
  const ok = await api(s2, 'POST', `/api/friends/requests/${r.json.friendship.id}/accept`, { token: b.token });
  assert.equal(ok.status, 200, ok.text);
}

/** The fields of `user:<id>:status` in Redis: one per instance holding a word, and "~". */
function presenceFields(userId) {
  const out = execFileSync('redis-cli', ['-p', String(redis.port), 'HKEYS', `user:${userId}:status`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).sort();
}

/** A connection on `server` that has heard from the broker (both instances subscribed). */
async function listening(server, who) {
  return connectWs(server, { token: who.token });
}

describe('two instances, one database, one Redis', () => {
  it('a DM sent on one instance reaches the recipient and the sender\'s other connection on the other', T, async () => {
    const a = await register(s1);
    const b = await register(s2); // registered on the other instance: one database
    const cid = dmId(a, b);
    const bOn2 = await listening(s2, b);
    const aOn2 = await listening(s2, a);
    const aOn1 = await connectWs(s1, { token: a.token });
    // The first instance may still be subscribing to Redis: send until one gets across.
    const first = await waitFor(
      async () => {
        const ack = await aOn1.sendMessage(cid, `hello ${uniqueName('m')}`);
        try {
          return await bOn2.next((f) => f.type === 'message' && f.message.id === ack.message.id, 500);
        } catch {
          return null;
        }
      },
      { what: 'a message across instances' },
    );
    assert.equal(first.message.from, a.user.id);
    const ack = await aOn1.sendMessage(cid, 'second');
    const atB = await bOn2.next((f) => f.type === 'message' && f.message.id === ack.message.id);
    const atA = await aOn2.next((f) => f.type === 'message' && f.message.id === ack.message.id);
    assert.equal(atB.message.seq, first.message.seq + 1);
    assert.equal(atA.message.body, 'second');
    await aOn1.assertNoFrame((f) => f.type === 'message' && f.message.id === ack.message.id, 'the sending connection has its ack');
  });

  it('concurrent senders on both instances: every connection gets seq 1..N in order, acks included, once each', T, async () => {
    const [admin, x, y] = [await register(s1), await register(s1), await register(s2)];
    const g = (await api(s1, 'POST', '/api/groups', { token: admin.token, body: { name: uniqueName('g') } })).json.group;
    for (const u of [x, y]) {
      const res = await api(s1, 'POST', `/api/groups/${g.id}/members`, { token: admin.token, body: { userId: u.user.id } });
      assert.equal(res.status, 200, res.text);
    }
    const cid = `grp_${g.id}`;
    const base = (await api(s1, 'GET', `/api/conversations/${cid}/messages`, { token: admin.token })).json.messages.at(-1).seq;
    // The senders' own connections hear their acks and the other's messages interleaved.
    const xOn1 = await connectWs(s1, { token: x.token });
    const yOn2 = await connectWs(s2, { token: y.token });
    const listeners = [xOn1, yOn2, await listening(s1, admin), await listening(s2, admin)];
    const PER_SENDER = 40;
    const seen = listeners.map(() => []);
    listeners.forEach((l, i) =>
      l.tap((f) => {
        const m = f.type === 'message' || f.type === 'ack' ? f.message : null;
        if (m?.conversationId === cid) seen[i].push(m.seq);
      }),
    );
    const sendAll = (ws, who) => Promise.all(Array.from({ length: PER_SENDER }, (_, i) => ws.sendMessage(cid, `${who.username} ${i}`, { timeoutMs: 20_000 })));
    await Promise.all([sendAll(xOn1, x), sendAll(yOn2, y)]);
    const expected = Array.from({ length: 2 * PER_SENDER }, (_, i) => base + 1 + i);
    await waitFor(() => seen.every((s) => s.length >= expected.length), { what: 'every connection to hear every message' });
    for (const s of seen) assert.deepEqual(s, expected);
  });

  it('a logout on one instance refuses the token on the other and closes its connections there', T, async () => {
    const a = await register(s1);
    const onS2 = await connectWs(s2, { token: a.token });
    assert.equal((await api(s2, 'GET', '/api/auth/me', { token: a.token })).status, 200);
    assert.equal((await api(s1, 'POST', '/api/auth/logout', { token: a.token })).status, 204);
    await onS2.closed; // the logout's event makes s2 read the revoked tokens at once
    assert.equal(onS2.closeInfo.code, 1008);
    const me = await api(s2, 'GET', '/api/auth/me', { token: a.token });
    assert.equal(me.status, 401, me.text);
    const upgrade = await tryConnectWs(s2, { token: a.token });
    assert.equal(upgrade.ok, false);
    assert.equal(upgrade.status, 401);
  });

  it('a block made on one instance stops the blocked user\'s DMs on the other', T, async () => {
    const [a, b] = [await register(s1), await register(s1)];
    const cid = dmId(a, b);
    await postMessage(s2, b, cid, 'before the block');
    assert.equal((await api(s1, 'POST', `/api/users/${b.user.id}/block`, { token: a.token })).status, 204);
    // The other instance hears of it through the broker and re-reads the pair.
    const refused = await waitFor(
      async () => {
        const res = await api(s2, 'POST', `/api/conversations/${cid}/messages`, { token: b.token, body: { body: 'after' } });
        return res.status === 403 ? res : null;
      },
      { what: 'the block to hold on the other instance' },
    );
    assert.equal(refused.json.error.code, 'blocked');
  });

  it('presence is one status over both instances, friends on either see it; typing crosses', T, async () => {
    const [a, b] = [await register(s1), await register(s2)];
    await befriend(a, b);
    const bOn2 = await connectWs(s2, { token: b.token });
    const told = []; // every presence event of a that b hears
    bOn2.tap((f) => f.type === 'presence' && f.userId === a.user.id && told.push(f.status));
    const aOn1 = await connectWs(s1, { token: a.token });
    await waitFor(() => told.includes('online'), { what: 'b to hear a online (told by s1, heard on s2)' });
    const onS2 = (await api(s2, 'GET', '/api/friends', { token: b.token })).json.friends.find((u) => u.id === a.user.id);
    assert.equal(onS2.status, 'online', 'the other instance answers from its copy of statuses');

    const aOn2 = await connectWs(s2, { token: a.token });
    await waitFor(() => presenceFields(a.user.id).length === 3, { what: 'both instances to hold a word on a' });
    aOn1.send({ type: 'typing', conversationId: dmId(a, b), state: 'start' });
    const typing = await bOn2.next('typing');
    assert.equal(typing.userId, a.user.id);

    // s1 lets go of a (after its grace): a is still online through s2, nobody is told otherwise.
    aOn1.close();
    await waitFor(() => presenceFields(a.user.id).length === 2, { what: "s1's word on a to go" });
    aOn2.close();
    await waitFor(() => told.includes('offline'), { what: 'b to hear a offline' });
    assert.deepEqual(told, ['online', 'offline'], 'one online, one offline: never offline while a was on s2');
    const after = (await api(s1, 'GET', '/api/friends', { token: b.token })).json.friends.find((u) => u.id === a.user.id);
    assert.equal(after.status, 'offline');
    assert.ok(after.lastSeen, 'last seen stored by the instance that told');
  });

  it('the users of a killed instance go offline for their friends once its word expires', T, async () => {
    const [a, b] = [await register(s1), await register(s2)];
    await befriend(a, b);
    const bOn2 = await connectWs(s2, { token: b.token });
    const told = [];
    bOn2.tap((f) => f.type === 'presence' && f.userId === a.user.id && told.push(f.status));
    await connectWs(s1, { token: a.token });
    await waitFor(() => told.includes('online'), { what: 'b to hear a online' });
    await s1.kill9();
    // s2's refresh (every ttl/3) finds a's word expired after --presence-ttl-ms and tells b.
    await waitFor(() => told.includes('offline'), { what: 'b to hear a offline', timeoutMs: 15_000 });
    assert.deepEqual(told, ['online', 'offline']);
    await s1.restart();
  });

  it('an instance killed mid-stream: its client resends on the other, every message is stored once and a resync gets them all', T, async () => {
    const [a, b] = [await register(s1), await register(s2)];
    const cid = dmId(a, b);
    const aOn1 = await connectWs(s1, { token: a.token });
    const COUNT = 60;
    const ids = Array.from({ length: COUNT }, (_, i) => `k-${randomBytes(4).toString('hex')}-${i}`);
    const acked = new Set();
    aOn1.tap((f) => f.type === 'ack' && acked.add(f.clientMsgId));
    // Sent as a stream, not one by one; the instance dies after some acks, before others.
    for (const [i, clientMsgId] of ids.entries()) aOn1.send({ type: 'send', clientMsgId, conversationId: cid, body: `m${i}`, msgType: 'text' });
    await waitFor(() => acked.size >= COUNT / 3, { what: 'a third of the stream acked' });
    await s1.kill9();
    // The client reconnects (to the other instance, as the load balancer would send it) and
    // resends what was not acked with the same clientMsgIds: retries return the first message.
    const aOn2 = await connectWs(s2, { token: a.token });
    for (const clientMsgId of ids.filter((id) => !acked.has(id))) {
      const ack = await aOn2.sendMessage(cid, `m${ids.indexOf(clientMsgId)}`, { clientMsgId });
      assert.equal(ack.type, 'ack');
    }
    const history = (await api(s2, 'GET', `/api/conversations/${cid}/messages?after=0&limit=100`, { token: b.token })).json.messages;
    assert.deepEqual(
      history.map((m) => m.clientMsgId).sort(),
      [...ids].sort(),
      'every message stored exactly once',
    );
    assert.deepEqual(
      history.map((m) => m.seq),
      history.map((_, i) => i + 1),
      'seq 1..N without a gap',
    );
    await s1.restart();
  });

  it('Redis killed: sends still commit; when it is back, the other instance\'s clients reconnect and delivery resumes', T, async () => {
    const [a, b] = [await register(s1), await register(s1)];
    const cid = dmId(a, b);
    const bOn2 = await listening(s2, b);
    const aOn1 = await connectWs(s1, { token: a.token });
    await waitFor(
      async () => {
        const ack = await aOn1.sendMessage(cid, 'before');
        return bOn2.next((f) => f.type === 'message' && f.message.id === ack.message.id, 500).catch(() => null);
      },
      { what: 'delivery across instances' },
    );
    await stopRedis(redis);
    const during = await aOn1.sendMessage(cid, 'while Redis is away'); // committed and acknowledged
    assert.equal(during.type, 'ack');
    redis = await startRedis(redis.port);
    // The subscription is back: s2 cannot vouch for what its clients missed.
    await bOn2.closed;
    assert.equal(bOn2.closeInfo.code, 1012);
    const history = (await api(s2, 'GET', `/api/conversations/${cid}/messages?after=0`, { token: b.token })).json.messages;
    assert.ok(history.some((m) => m.id === during.message.id), 'the message sent during the outage is in the history');
    const again = await listening(s2, b);
    await aOn1.closed; // s1 closes its clients too, once it is subscribed again
    assert.equal(aOn1.closeInfo.code, 1012);
    const aAgain = await connectWs(s1, { token: a.token });
    await waitFor(
      async () => {
        const ack = await aAgain.sendMessage(cid, 'after');
        return again.next((f) => f.type === 'message' && f.message.id === ack.message.id, 500).catch(() => null);
      },
      { what: 'delivery across instances after Redis came back' },
    );
  });
});
