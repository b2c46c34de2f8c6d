// The cluster as a black box: three gopherchat-server instances on one PostgreSQL and one
// Redis, behind HAProxy (scripts/cluster.sh). What must hold across instances through the
// broker: health and sticky routing, one account and token everywhere, logout
// everywhere, live events (presence, typing, DMs and group messages) between users connected
// to different instances, the REST and failed-login rate limits (one bucket in Redis for all
// instances), gap-free seq under concurrent senders on different instances, idempotent
// retries across instances, and a database outage that is reported (503) instead of hanging.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  api,
  assertError,
  closeAllWs,
  connectWs,
  login,
  register,
  tryConnectWs,
  uniqueName,
  waitFor,
} from '../integration/lib/client.mjs';
import { makePng, multipart } from '../integration/lib/files.mjs';
import { CookieJarClient, INSTANCES, startCluster } from './lib/cluster.mjs';

const T = { timeout: 60_000 };
const instanceNumbers = Array.from({ length: INSTANCES }, (_, i) => i + 1);
// How long HAProxy's health checks (1 s apart, 2 to change state) may take to notice.
const HEALTH_CHANGE_MS = 10_000;

// The limits the cluster runs with: the REST one above what any other test's user sends (the
// busiest sends about 70 requests), both over a day so that nothing refills during a test.
const REST_LIMIT = 150;
const LOGIN_FAILURE_LIMIT = 5;
const LIMIT_PERIOD_SECONDS = 24 * 3600;

let cluster;

before(async () => {
  cluster = await startCluster({
    env: {
      GC_RATE_LIMIT_REST: `${REST_LIMIT}/24h`,
      GC_RATE_LIMIT_LOGIN_FAILURES: `${LOGIN_FAILURE_LIMIT}/24h`,
    },
  });
});

after(async () => {
  closeAllWs();
  await cluster?.stop();
});

/** Waits until HAProxy reports every chat instance (and the video service) in `status`. */
async function waitForProxyStatus(status, what) {
  await waitFor(
    async () => {
      const s = await cluster.proxyStatus();
      return instanceNumbers.every((n) => s.get(`chat/s${n}`) === status) ? s : null;
    },
    { timeoutMs: HEALTH_CHANGE_MS, intervalMs: 100, what },
  );
}

/** A group with `members` (users registered on instance 1), created on instance 1. */
async function createGroup(admin, members) {
  const one = cluster.instance(1);
  const res = await api(one, 'POST', '/api/groups', { token: admin.token, body: { name: uniqueName('g') } });
  assert.equal(res.status, 201, res.text);
  const group = res.json.group;
  for (const m of members) {
    const add = await api(one, 'POST', `/api/groups/${group.id}/members`, {
      token: admin.token,
      body: { userId: m.user.id },
    });
    assert.ok(add.status === 200 || add.status === 201, `add member: ${add.status} ${add.text}`);
  }
  return group;
}

/** Every message of a conversation, read on `target`, in seq order (at most 100). */
async function allMessages(target, who, cid) {
  const res = await api(target, 'GET', `/api/conversations/${cid}/messages?after=0&limit=100`, { token: who.token });
  assert.equal(res.status, 200, res.text);
  return res.json.messages;
}

/** A 429 rate_limited whose Retry-After is whole seconds in [1, maxSeconds]. */
function assertRateLimited(res, maxSeconds, what) {
  assertError(res, 429, 'rate_limited');
  const retryAfter = res.headers.get('retry-after');
  assert.match(retryAfter ?? '', /^\d+$/, `${what}: Retry-After must be whole seconds, got ${retryAfter}`);
  const seconds = Number(retryAfter);
  assert.ok(seconds >= 1 && seconds <= maxSeconds, `${what}: Retry-After ${seconds} not in [1, ${maxSeconds}]`);
}

/** A counter or gauge of instance n's /metrics. */
async function metric(n, name) {
  const res = await fetch(`${cluster.instance(n).baseUrl}/metrics`);
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} is exported`);
  return Number(line.split(' ')[1]);
}

/** gc_rate_limit_redis_fallbacks_total of instance n: decisions made without Redis. */
function redisFallbacks(n) {
  return metric(n, 'gc_rate_limit_redis_fallbacks_total');
}

function assertGapFree(messages) {
  const seqs = messages.map((m) => m.seq);
  assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), `seq must be 1..N: ${seqs}`);
}

describe('cluster: health and routing', () => {
  it('every instance is ready, directly and through HAProxy', T, async () => {
    for (const n of instanceNumbers) {
      const res = await api(cluster.instance(n), 'GET', '/readyz');
      assert.equal(res.status, 200, `instance ${n}: ${res.text}`);
    }
    const status = await cluster.proxyStatus();
    for (const n of instanceNumbers) assert.equal(status.get(`chat/s${n}`), 'UP', `HAProxy sees s${n}`);
    assert.equal(status.get('video/video'), 'UP', 'HAProxy sees the video service');
    const front = await api(cluster.front, 'GET', '/readyz');
    assert.equal(front.status, 200, front.text);
    const page = await api(cluster.front, 'GET', '/');
    assert.equal(page.status, 200, 'the web client through HAProxy');
    assert.match(page.headers.get('content-type'), /text\/html/);
    // The video service answers on the same public origin (its paths), with the same tokens.
    assertError(await api(cluster.front, 'POST', '/api/rooms/create', { body: {} }), 401, 'unauthorized');
    const user = await register(cluster.instance(1));
    const room = await api(cluster.front, 'POST', '/api/rooms/create', { token: user.token, body: {} });
    assert.equal(room.status, 201, `a room through HAProxy: ${room.text}`);
    assert.ok(room.json.roomId);
  });

  it('a browser sticks to one instance (REST and WebSocket); new browsers are spread', T, async () => {
    const browser = new CookieJarClient(cluster.front);
    const name = uniqueName('sticky');
    const reg = await browser.request('POST', '/api/auth/register', {
      body: { username: name, email: `${name}@example.test`, password: 'correct horse 42' },
    });
    assert.equal(reg.status, 201, reg.text);
    const pinned = browser.instance;
    assert.match(pinned ?? '', /^s[1-3]$/, `HAProxy's cookie: ${browser.lastSetCookies}`);

    const before = await cluster.sessionsPerServer();
    for (let i = 0; i < 10; i += 1) {
      const me = await browser.request('GET', '/api/auth/me', { token: reg.json.token });
      assert.equal(me.status, 200, me.text);
      assert.deepEqual(browser.lastSetCookies, [], 'a pinned browser is not given another instance');
    }
    const ws = await tryConnectWs(cluster.front, { cookie: browser.cookieHeader, token: reg.json.token });
    assert.ok(ws.ok, `WebSocket through HAProxy: ${ws.status} ${ws.text}`);
    ws.client.close();
    const afterwards = await cluster.sessionsPerServer();
    for (const [server, count] of afterwards) {
      const grew = count - before.get(server);
      if (server === pinned) assert.equal(grew, 11, `${server} served the 10 calls and the WebSocket`);
      else assert.equal(grew, 0, `${server} got none of the pinned browser's requests`);
    }

    const seen = new Set();
    for (let i = 0; i < INSTANCES * 2; i += 1) {
      const fresh = new CookieJarClient(cluster.front);
      assert.equal((await fresh.request('GET', '/readyz')).status, 200);
      seen.add(fresh.instance);
    }
    assert.equal(seen.size, INSTANCES, `new browsers land on every instance: ${[...seen]}`);
  });

  it('an instance killed with SIGKILL leaves the rotation; its browsers go on elsewhere', T, async () => {
    const browser = new CookieJarClient(cluster.front);
    const me = await register(cluster.instance(1));
    // Fresh cookies until HAProxy pins this browser to s1 (round robin: within 3 tries).
    for (let tries = 0; browser.instance !== 's1'; tries += 1) {
      assert.ok(tries < 2 * INSTANCES, `never pinned to s1: ${browser.instance}`);
      browser.cookies.clear();
      assert.equal((await browser.request('GET', '/readyz')).status, 200);
    }

    await cluster.killInstance(1);
    await waitFor(async () => (await cluster.proxyStatus()).get('chat/s1') === 'DOWN', {
      timeoutMs: HEALTH_CHANGE_MS,
      intervalMs: 100,
      what: 'HAProxy to mark s1 down',
    });
    const res = await browser.request('GET', '/api/auth/me', { token: me.token });
    assert.equal(res.status, 200, `the token works on the instance the browser was moved to: ${res.text}`);
    assert.match(browser.instance, /^s[23]$/, 'HAProxy re-pinned the browser to a live instance');

    await cluster.startInstance(1);
    await waitForProxyStatus('UP', 'HAProxy to take s1 back');
  });
});

describe('cluster: one account everywhere', () => {
  it('register on instance 1, log in on instance 2, the token works on instance 3', T, async () => {
    const user = await register(cluster.instance(1));
    const res = await login(cluster.instance(2), user.username);
    assert.equal(res.status, 200, res.text);
    const token = res.json.token;
    const me = await api(cluster.instance(3), 'GET', '/api/auth/me', { token });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.user.id, user.user.id);
    const ws = await tryConnectWs(cluster.instance(3), { token });
    assert.ok(ws.ok, `WebSocket on instance 3: ${ws.status} ${ws.text}`);
    ws.client.close();
  });

  it('logout on one instance refuses the token on every instance (REST 401, WebSocket refused)', T, async () => {
    const user = await register(cluster.instance(1));
    const { token } = (await login(cluster.instance(1), user.username)).json;
    for (const n of instanceNumbers) {
      assert.equal((await api(cluster.instance(n), 'GET', '/api/auth/me', { token })).status, 200);
    }
    const out = await api(cluster.instance(2), 'POST', '/api/auth/logout', { token });
    assert.equal(out.status, 204, out.text);
    for (const n of instanceNumbers) {
      // The contract: revoked on every instance. Allow a little propagation time, no more.
      await waitFor(async () => (await api(cluster.instance(n), 'GET', '/api/auth/me', { token })).status === 401, {
        timeoutMs: 3000,
        what: `instance ${n} to refuse the logged-out token`,
      });
      assertError(await api(cluster.instance(n), 'GET', '/api/auth/me', { token }), 401, 'unauthorized');
      const ws = await tryConnectWs(cluster.instance(n), { token });
      if (ws.ok) ws.client.close();
      assert.equal(ws.ok, false, `instance ${n} upgraded a WebSocket with a logged-out token`);
      assert.equal(ws.status, 401);
    }
  });

  it('a file uploaded on one instance is served by every instance (one uploads directory)', T, async () => {
    const alice = await register(cluster.instance(1));
    const bob = await register(cluster.instance(1));
    const png = makePng(24, 12);
    const { body, contentType } = multipart('shared.png', png);
    const up = await api(cluster.instance(1), 'POST', '/api/uploads', {
      token: alice.token,
      rawBody: body,
      headers: { 'content-type': contentType },
    });
    assert.equal(up.status, 201, up.text);
    const file = up.json.file;
    const cid = `dm_${[alice.user.id, bob.user.id].sort().join('_')}`;
    const sent = await api(cluster.instance(1), 'POST', `/api/conversations/${cid}/messages`, {
      token: alice.token,
      body: { type: 'image', attachments: [file.id] },
    });
    assert.equal(sent.status, 201, sent.text);
    for (const target of [...cluster.instances, cluster.front]) {
      for (const path of [file.url, file.thumbUrl]) {
        const res = await fetch(target.baseUrl + path, { headers: { authorization: `Bearer ${bob.token}` } });
        assert.equal(res.status, 200, `${path} on ${target.baseUrl}: ${res.status}`);
        const bytes = Buffer.from(await res.arrayBuffer());
        if (path === file.url) assert.ok(bytes.equals(png), `${path} on ${target.baseUrl}: the uploaded bytes`);
      }
    }
  });

  it('a block on one instance holds on the others', T, async () => {
    const who = await register(cluster.instance(1));
    const target = await register(cluster.instance(1));
    const res = await api(cluster.instance(1), 'POST', `/api/users/${target.user.id}/block`, { token: who.token });
    assert.equal(res.status, 204, res.text);
    const cid = `dm_${[who.user.id, target.user.id].sort().join('_')}`;
    for (const n of instanceNumbers) {
      // The others hear of it through the broker (Delivery::pairChanged) a moment later.
      const sent = await waitFor(
        async () => {
          const res = await api(cluster.instance(n), 'POST', `/api/conversations/${cid}/messages`, {
            token: target.token,
            body: { body: `from instance ${n}` },
          });
          return res.status === 403 ? res : null;
        },
        { what: `the blocked user's DM to be refused on instance ${n}` },
      );
      assertError(sent, 403, 'blocked');
    }
  });

  it('a group created on one instance is known to the others', T, async () => {
    const admin = await register(cluster.instance(1));
    const member = await register(cluster.instance(1));
    const group = await createGroup(admin, [member]);
    for (const n of instanceNumbers) {
      const got = await api(cluster.instance(n), 'GET', `/api/groups/${group.id}`, { token: member.token });
      assert.equal(got.status, 200, `instance ${n}: ${got.text}`);
      const sent = await api(cluster.instance(n), 'POST', `/api/conversations/grp_${group.id}/messages`, {
        token: member.token,
        body: { body: `from instance ${n}` },
      });
      assert.equal(sent.status, 201, `send on instance ${n}: ${sent.text}`);
    }
  });
});

describe('cluster: rate limits hold across instances', () => {
  it('one user, requests sent to the three instances in turn: exactly the limit succeed, then 429 everywhere', T, async () => {
    const user = await register(cluster.instance(1));
    const fallbacksBefore = await Promise.all(instanceNumbers.map(redisFallbacks));
    for (let i = 0; i < REST_LIMIT; i += 1) {
      const n = (i % INSTANCES) + 1;
      const res = await api(cluster.instance(n), 'GET', '/api/auth/me', { token: user.token });
      assert.equal(res.status, 200, `request ${i + 1} of ${REST_LIMIT}, on instance ${n}: ${res.status} ${res.text}`);
    }
    // Each instance alone has seen a third of the limit; together they have spent all of it.
    const perToken = LIMIT_PERIOD_SECONDS / REST_LIMIT;
    for (const n of instanceNumbers) {
      const res = await api(cluster.instance(n), 'GET', '/api/auth/me', { token: user.token });
      assertRateLimited(res, perToken, `instance ${n}`);
    }
    // Through HAProxy as well, and another user is not affected.
    assertRateLimited(await api(cluster.front, 'GET', '/api/auth/me', { token: user.token }), perToken, 'HAProxy');
    const other = await register(cluster.instance(2));
    assert.equal((await api(cluster.instance(2), 'GET', '/api/auth/me', { token: other.token })).status, 200);
    assert.deepEqual(await Promise.all(instanceNumbers.map(redisFallbacks)), fallbacksBefore, 'Redis decided every time');
  });

  it('failed logins spread over the instances lock the login on every instance', T, async () => {
    const user = await register(cluster.instance(1));
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i += 1) {
      const n = (i % INSTANCES) + 1;
      const res = await login(cluster.instance(n), user.username, `wrong guess ${i}`);
      assertError(res, 401, 'unauthorized');
    }
    const perToken = LIMIT_PERIOD_SECONDS / LOGIN_FAILURE_LIMIT;
    for (const n of instanceNumbers) {
      // Even the right password, in another case: the account is locked, not the guess.
      const res = await login(cluster.instance(n), user.username.toUpperCase());
      assertRateLimited(res, perToken, `instance ${n}`);
      assert.match(res.json.error.message, /failed logins/);
    }
    // Another account logs in on the same instances meanwhile.
    const other = await register(cluster.instance(1));
    for (const n of instanceNumbers) assert.equal((await login(cluster.instance(n), other.username)).status, 200);
  });
});

describe('cluster: live events between instances', () => {
  it('users on three instances see presence and typing, and exchange DMs and group messages', T, async () => {
    const [a, b, c] = [
      await register(cluster.instance(1)),
      await register(cluster.instance(2)),
      await register(cluster.instance(3)),
    ];
    const request = await api(cluster.instance(1), 'POST', '/api/friends/requests', { token: a.token, body: { userId: b.user.id } });
    assert.equal(request.status, 201, request.text);
    const accepted = await api(cluster.instance(2), 'POST', `/api/friends/requests/${request.json.friendship.id}/accept`, {
      token: b.token,
    });
    assert.equal(accepted.status, 200, accepted.text);
    const group = await createGroup(a, [b, c]);
    const gid = `grp_${group.id}`;

    const bOn2 = await connectWs(cluster.instance(2), { token: b.token });
    const cOn3 = await connectWs(cluster.instance(3), { token: c.token });
    const aOn1 = await connectWs(cluster.instance(1), { token: a.token });
    const online = await bOn2.next((f) => f.type === 'presence' && f.userId === a.user.id, 10_000);
    assert.equal(online.status, 'online', 'a (on instance 1) is online for b (on instance 2)');

    aOn1.send({ type: 'typing', conversationId: gid, state: 'start' });
    for (const other of [bOn2, cOn3]) {
      const typing = await other.next((f) => f.type === 'typing' && f.conversationId === gid);
      assert.equal(typing.userId, a.user.id);
    }

    const ack = await aOn1.sendMessage(gid, 'to the group from instance 1');
    for (const other of [bOn2, cOn3]) {
      const got = await other.next((f) => f.type === 'message' && f.message.id === ack.message.id);
      assert.equal(got.message.seq, ack.message.seq);
    }
    const dm = `dm_${[a.user.id, c.user.id].sort().join('_')}`;
    const reply = await cOn3.sendMessage(dm, 'a DM from instance 3');
    const atA = await aOn1.next((f) => f.type === 'message' && f.message.id === reply.message.id);
    assert.equal(atA.message.body, 'a DM from instance 3');
    for (const ws of [aOn1, bOn2, cOn3]) ws.close();
  });
});

describe('cluster: each instance hears the conversations of its own users', () => {
  it('a DM between users on instances 1 and 2 never reaches instance 3; its first messages arrive live', T, async () => {
    const [a, b, w] = [
      await register(cluster.instance(1)),
      await register(cluster.instance(2)),
      await register(cluster.instance(3)),
    ];
    const group = await createGroup(a, [b, w]);
    const gid = `grp_${group.id}`;
    const dm = `dm_${[a.user.id, b.user.id].sort().join('_')}`;
    const wOn3 = await connectWs(cluster.instance(3), { token: w.token });
    const aOn1 = await connectWs(cluster.instance(1), { token: a.token });
    const bOn2 = await connectWs(cluster.instance(2), { token: b.token });
    // The upgrade is answered once the user's conversations are subscribed: the group's
    // channel has a subscriber on each instance now, and nothing else follows it.
    assert.equal((await cluster.subscribers(`gc:c:${gid}`)).get(`gc:c:${gid}`), 3);

    // A message from instance 1 and one from instance 2 on the group's channel, heard by w on
    // instance 3: Redis keeps each publisher's order, so instance 3 has by then received
    // whatever else those two published before that it was going to receive.
    const barrier = async () => {
      for (const [ws, text] of [[aOn1, 'barrier from 1'], [bOn2, 'barrier from 2']]) {
        const ack = await ws.sendMessage(gid, text);
        await wOn3.next((f) => f.type === 'message' && f.message.id === ack.message.id, 10_000);
      }
    };
    await barrier();
    const heardBefore = await metric(3, 'gc_broker_events_received_total');

    // The DM's first message (on the main channel: it makes instance 2 follow the DM) and
    // the one right behind it, sent before the first is acknowledged.
    aOn1.send({ type: 'send', clientMsgId: 'first-1', conversationId: dm, body: 'one', msgType: 'text' });
    aOn1.send({ type: 'send', clientMsgId: 'first-2', conversationId: dm, body: 'two', msgType: 'text' });
    const firstTwo = await bOn2.collect((f) => f.type === 'message' && f.message.conversationId === dm, 2, 10_000);
    assert.deepEqual(firstTwo.map((f) => [f.message.seq, f.message.body]), [[1, 'one'], [2, 'two']]);
    for (let i = 0; i < 10; i += 1) {
      const there = await aOn1.sendMessage(dm, `a ${i}`);
      const back = await bOn2.sendMessage(dm, `b ${i}`);
      await bOn2.next((f) => f.type === 'message' && f.message.id === there.message.id, 10_000);
      await aOn1.next((f) => f.type === 'message' && f.message.id === back.message.id, 10_000);
    }
    // Typing is never filled from the database: heard, it proves each side's subscription.
    aOn1.send({ type: 'typing', conversationId: dm, state: 'start' });
    await bOn2.next((f) => f.type === 'typing' && f.conversationId === dm, 10_000);
    bOn2.send({ type: 'typing', conversationId: dm, state: 'start' });
    await aOn1.next((f) => f.type === 'typing' && f.conversationId === dm, 10_000);
    assert.equal((await cluster.subscribers(`gc:c:${dm}`)).get(`gc:c:${dm}`), 2, 'instances 1 and 2 follow the DM');

    await barrier();
    // The two barrier messages and the DM's first message: none of the 21 DMs after it, nor
    // the typing.
    assert.equal((await metric(3, 'gc_broker_events_received_total')) - heardBefore, 3);

    // w's last connection gone: instance 3 unsubscribes from the group's channel.
    wOn3.close();
    await waitFor(async () => (await cluster.subscribers(`gc:c:${gid}`)).get(`gc:c:${gid}`) === 2, {
      what: 'instance 3 unsubscribed from the group',
    });
    for (const ws of [aOn1, bOn2]) ws.close();
  });
});

describe('cluster: following groups as members come and go', () => {
  it('a user added to a group while connected to another instance hears it live; removed, the instance unfollows', T, async () => {
    const [a, j] = [await register(cluster.instance(1)), await register(cluster.instance(3))];
    const group = await createGroup(a, []);
    const gid = `grp_${group.id}`;
    const jOn3 = await connectWs(cluster.instance(3), { token: j.token });
    const aOn1 = await connectWs(cluster.instance(1), { token: a.token });
    assert.equal((await cluster.subscribers(`gc:c:${gid}`)).get(`gc:c:${gid}`), 1, 'only instance 1 follows it');

    const add = await api(cluster.instance(1), 'POST', `/api/groups/${group.id}/members`, {
      token: a.token,
      body: { userId: j.user.id },
    });
    assert.equal(add.status, 200, add.text);
    await jOn3.next((f) => f.type === 'group-updated' && f.group.id === group.id, 10_000);
    // Sent at once: whether instance 3's subscription holds by then or not, it arrives live
    // (the group's delivery order there starts at its last seq before it subscribes, and
    // catches up from the store once it has).
    const ack = await aOn1.sendMessage(gid, 'welcome');
    const got = await jOn3.next((f) => f.type === 'message' && f.message.id === ack.message.id, 10_000);
    assert.equal(got.message.body, 'welcome');
    assert.equal((await cluster.subscribers(`gc:c:${gid}`)).get(`gc:c:${gid}`), 2, 'instance 3 follows it too');

    const kick = await api(cluster.instance(1), 'DELETE', `/api/groups/${group.id}/members/${j.user.id}`, { token: a.token });
    assert.equal(kick.status, 200, kick.text);
    await waitFor(async () => (await cluster.subscribers(`gc:c:${gid}`)).get(`gc:c:${gid}`) === 1, {
      what: 'instance 3 unsubscribed from the group it has no member of',
    });
    for (const ws of [aOn1, jOn3]) ws.close();
  });
});

describe('cluster: one conversation written from every instance', () => {
  let members;
  let cid;

  before(async () => {
    members = [];
    for (let i = 0; i < INSTANCES; i += 1) members.push(await register(cluster.instance(1)));
    const group = await createGroup(members[0], members.slice(1));
    cid = `grp_${group.id}`;
  });

  it('concurrent senders on three instances: seq 1..N, nothing duplicated; retries return the first message', T, async () => {
    const perSender = 25;
    const send = (n, who, clientMsgId) =>
      api(cluster.instance(n), 'POST', `/api/conversations/${cid}/messages`, {
        token: who.token,
        body: { body: `${clientMsgId} via ${n}`, clientMsgId },
      });
    const firsts = await Promise.all(
      members.flatMap((who, i) =>
        Array.from({ length: perSender }, (_, k) => send(i + 1, who, `m-${i}-${k}`)),
      ),
    );
    for (const r of firsts) assert.equal(r.status, 201, r.text);

    // The same clientMsgIds again, each on another instance, concurrently: the first message.
    const retries = await Promise.all(
      members.flatMap((who, i) =>
        Array.from({ length: perSender }, (_, k) => send(((i + 1) % INSTANCES) + 1, who, `m-${i}-${k}`)),
      ),
    );
    for (let j = 0; j < retries.length; j += 1) {
      assert.equal(retries[j].status, 200, `a retry is not a new message: ${retries[j].text}`);
      assert.equal(retries[j].json.message.id, firsts[j].json.message.id);
      assert.equal(retries[j].json.message.seq, firsts[j].json.message.seq);
    }

    for (const n of instanceNumbers) {
      const messages = await allMessages(cluster.instance(n), members[0], cid);
      assertGapFree(messages);
      const ours = messages.filter((m) => m.clientMsgId?.startsWith('m-'));
      assert.equal(ours.length, INSTANCES * perSender, `instance ${n}: every send stored once`);
      assert.equal(new Set(ours.map((m) => m.clientMsgId)).size, ours.length, 'no clientMsgId twice');
    }
  });

  it('PostgreSQL down: /readyz goes red, sends fail fast with 503; back up: green, nothing acked lost', T, async () => {
    const acked = [];
    for (const n of instanceNumbers) {
      const res = await api(cluster.instance(n), 'POST', `/api/conversations/${cid}/messages`, {
        token: members[n - 1].token,
        body: { body: `before the outage via ${n}`, clientMsgId: `pre-${n}` },
      });
      assert.equal(res.status, 201, res.text);
      acked.push(res.json.message);
    }

    await cluster.stopDatabase();
    try {
      for (const n of instanceNumbers) {
        await waitFor(async () => (await api(cluster.instance(n), 'GET', '/readyz')).status === 503, {
          timeoutMs: HEALTH_CHANGE_MS,
          what: `instance ${n} /readyz to fail`,
        });
        assertError(await api(cluster.instance(n), 'GET', '/readyz'), 503, 'unavailable');
        // A send answers, and with 503, well before a client would give up.
        const res = await fetch(`${cluster.instance(n).baseUrl}/api/conversations/${cid}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${members[n - 1].token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ body: 'during the outage', clientMsgId: `during-${n}` }),
          signal: AbortSignal.timeout(5000),
        });
        const text = await res.text();
        assertError({ status: res.status, headers: res.headers, text, json: JSON.parse(text) }, 503, 'unavailable');
      }
      // Through HAProxy too: whoever answers (an instance, or HAProxy once it has taken them
      // all out), the answer is the contract's 503.
      await waitForProxyStatus('DOWN', 'HAProxy to take every instance out');
      const viaProxy = await api(cluster.front, 'POST', `/api/conversations/${cid}/messages`, {
        token: members[0].token,
        body: { body: 'during the outage', clientMsgId: 'during-front' },
      });
      assertError(viaProxy, 503, 'unavailable');
    } finally {
      await cluster.startDatabase();
    }

    for (const n of instanceNumbers) {
      await waitFor(async () => (await api(cluster.instance(n), 'GET', '/readyz')).status === 200, {
        timeoutMs: HEALTH_CHANGE_MS,
        what: `instance ${n} /readyz to recover`,
      });
    }
    await waitForProxyStatus('UP', 'HAProxy to take the instances back');
    for (const n of instanceNumbers) {
      const res = await api(cluster.front, 'POST', `/api/conversations/${cid}/messages`, {
        token: members[n - 1].token,
        body: { body: `after the outage ${n}`, clientMsgId: `post-${n}` },
      });
      assert.equal(res.status, 201, res.text);
    }
    const messages = await allMessages(cluster.instance(1), members[0], cid);
    assertGapFree(messages);
    for (const m of acked) {
      const stored = messages.find((x) => x.id === m.id);
      assert.ok(stored, `acked message ${m.clientMsgId} survived the outage`);
      assert.equal(stored.seq, m.seq);
      assert.equal(stored.body, m.body);
    }
    assert.equal(messages.filter((m) => m.clientMsgId?.startsWith('during-')).length, 0, 'refused sends left nothing');
  });
});
