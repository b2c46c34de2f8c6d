// Rate limits: REST per user, login and register per client address, failed logins per
// account, WebSocket messages per connection, and the 1008 close for flooding.
//
// The server trusts 127.0.0.1 as a proxy, so each test picks its own client address with
// X-Forwarded-For and the per-address buckets of one test never touch another's.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, scrapeMetrics, metricSum } from './lib/server.mjs';
import {
  api, assertError, connectWs, closeAllWs, uniqueName, dmId, waitFor, withTimeout, DEFAULT_PASSWORD,
} from './lib/client.mjs';

const LIMITS = [
  '--trusted-proxies', '127.0.0.1',
  '--rate-limit-rest', '5/1m', // 5 at once, then one every 12 s
  '--rate-limit-login', '3/6s', // 3 at once, then one every 2 s
  '--rate-limit-register', '3/1m',
  '--rate-limit-login-failures', '4/1m',
  '--ws-rate-limit', '1', // one message a second once the burst is spent
  '--ws-rate-burst', '5',
  '--ws-flood-limit', '20/1m',
];

let server;
before(async () => {
  server = await startServer({ args: LIMITS });
});
after(async () => {
  closeAllWs();
  await server?.cleanup();
});

const T = { timeout: 30_000 };

let ipCounter = 0;
/** A client address of its own (10.77.x.y), as our trusted "proxy" reports it. */
function newAddress() {
  ipCounter += 1;
  return `10.77.${ipCounter >> 8}.${ipCounter & 255}`;
}
const from = (address) => ({ 'x-forwarded-for': address });

async function registerFrom(address, s = server) {
  const username = uniqueName('rl');
  const res = await api(s, 'POST', '/api/auth/register', {
    body: { username, email: `${username}@example.test`, password: DEFAULT_PASSWORD },
    headers: from(address),
  });
  assert.equal(res.status, 201, `register: ${res.status} ${res.text}`);
  return { ...res.json, username };
}

function loginFrom(address, login, password = DEFAULT_PASSWORD, s = server) {
  return api(s, 'POST', '/api/auth/login', { body: { login, password }, headers: from(address) });
}

/** Asserts a 429 rate_limited with a whole-second Retry-After in [1, max]; returns it. */
function assertRateLimited(res, maxSeconds) {
  assertError(res, 429, 'rate_limited');
  const retryAfter = res.headers.get('retry-after');
  assert.match(retryAfter ?? '', /^\d+$/, `Retry-After must be whole seconds, got ${retryAfter}`);
  const seconds = Number(retryAfter);
  assert.ok(seconds >= 1 && seconds <= maxSeconds, `Retry-After ${seconds} not in [1, ${maxSeconds}]`);
  return seconds;
}

async function metric(name) {
  const { values } = await scrapeMetrics(server);
  return metricSum(values, name) ?? 0;
}

describe('REST per user', () => {
  it('the sixth request within the window is 429 with Retry-After; another user is unaffected', T, async () => {
    const address = newAddress();
    const a = await registerFrom(address);
    const b = await registerFrom(address);
    const before429 = (await scrapeMetrics(server)).values.get('gc_rate_limited_requests_total{limit="rest"}');
    for (let i = 0; i < 5; i++) {
      const res = await api(server, 'GET', '/api/auth/me', { token: a.token });
      assert.equal(res.status, 200, `request ${i + 1}: ${res.status} ${res.text}`);
    }
    const refused = await api(server, 'GET', '/api/users?q=rl', { token: a.token });
    assertRateLimited(refused, 12);
    assert.match(refused.json.error.message, /retry in \d+ second/);
    // The same moment, another user has a bucket of their own.
    const other = await api(server, 'GET', '/api/auth/me', { token: b.token });
    assert.equal(other.status, 200, `another user: ${other.status} ${other.text}`);
    // Still limited, and unauthenticated and ops routes are not counted against anyone.
    assertRateLimited(await api(server, 'GET', '/api/auth/me', { token: a.token }), 12);
    assert.equal((await api(server, 'GET', '/healthz')).status, 200);
    const after429 = (await scrapeMetrics(server)).values.get('gc_rate_limited_requests_total{limit="rest"}');
    assert.equal(after429 - before429, 2, 'both 429s are counted under limit="rest"');
    // Logout is exempt: a limited user can always end their session.
    const out = await api(server, 'POST', '/api/auth/logout', { token: a.token });
    assert.equal(out.status, 204, `logout while limited: ${out.status} ${out.text}`);
  });

  it('a bad token is 401, not a 429 charged to anyone', T, async () => {
    const res = await api(server, 'GET', '/api/auth/me', { token: 'not.a.token' });
    assertError(res, 401, 'unauthorized');
  });
});

describe('login and register per client address', () => {
  it('past the limit even the right password is refused, and allowed again once the window refills', T, async () => {
    const address = newAddress();
    const user = await registerFrom(newAddress());
    for (let i = 0; i < 3; i++) {
      const res = await loginFrom(address, user.username, 'wrong password!');
      assertError(res, 401, 'unauthorized');
    }
    const refused = await loginFrom(address, user.username);
    assertRateLimited(refused, 6);
    // Another address at the same moment logs in.
    const elsewhere = await loginFrom(newAddress(), user.username);
    assert.equal(elsewhere.status, 200, `another address: ${elsewhere.status} ${elsewhere.text}`);
    // One token every 2 s comes back: the right password works again within the deadline.
    const started = Date.now();
    const ok = await waitFor(async () => {
      const res = await loginFrom(address, user.username);
      if (res.status === 429) return null;
      return res;
    }, { timeoutMs: 8000, intervalMs: 100, what: 'the login window to refill' });
    assert.equal(ok.status, 200, `after the window: ${ok.status} ${ok.text}`);
    assert.ok(ok.json.token, 'a token after the window');
    assert.ok(Date.now() - started < 6000, 'refilled within about 2 s');
  });

  it('registrations: the fourth from one address is 429, another address is unaffected', T, async () => {
    const address = newAddress();
    for (let i = 0; i < 3; i++) await registerFrom(address);
    const username = uniqueName('rl');
    const refused = await api(server, 'POST', '/api/auth/register', {
      body: { username, email: `${username}@example.test`, password: DEFAULT_PASSWORD },
      headers: from(address),
    });
    assertRateLimited(refused, 20);
    await registerFrom(newAddress());
    assert.ok((await metric('gc_rate_limited_requests_total{limit="register"}')) >= 1);
  });

  it('failed logins are limited per account across addresses; other accounts are unaffected', T, async () => {
    const victim = await registerFrom(newAddress());
    const bystander = await registerFrom(newAddress());
    for (let i = 0; i < 4; i++) {
      // Each guess from a new address: only the per-account limit can stop them.
      assertError(await loginFrom(newAddress(), victim.username, `guess number ${i}`), 401, 'unauthorized');
    }
    // Case does not open a second budget.
    const refused = await loginFrom(newAddress(), victim.username.toUpperCase(), 'guess number 5');
    assertRateLimited(refused, 60);
    assert.match(refused.json.error.message, /failed logins/);
    assert.equal((await loginFrom(newAddress(), bystander.username)).status, 200);
    assert.ok((await metric('gc_rate_limited_requests_total{limit="login_failures"}')) >= 1);
  });
});

describe('X-Forwarded-For from an untrusted peer', () => {
  it('is ignored: a client cannot pick a new address per attempt', T, async () => {
    const plain = await startServer({ args: ['--rate-limit-login', '2/1m'] });
    try {
      for (let i = 0; i < 2; i++) {
        const res = await loginFrom(`192.0.2.${i + 1}`, 'nobody_here', 'some password', plain);
        assertError(res, 401, 'unauthorized');
      }
      const spoofed = await loginFrom('192.0.2.99', 'nobody_here', 'some password', plain);
      assertRateLimited(spoofed, 60);
    } finally {
      await plain.cleanup();
    }
  });
});

describe('WebSocket messages per connection', () => {
  it('messages past the burst get rate_limited error frames with their ref; the connection stays', T, async () => {
    const me = await registerFrom(newAddress());
    const notes = dmId(me.user.id, me.user.id);
    const ws = await connectWs(server, { token: me.token });
    const ids = Array.from({ length: 8 }, (_, i) => `rl-${i}`);
    for (const id of ids) ws.send({ type: 'send', clientMsgId: id, conversationId: notes, body: id, msgType: 'text' });
    ws.send({ type: 'typing', conversationId: notes, state: 'start' }); // the 9th: no clientMsgId
    const frames = await ws.collect((f) => f.type === 'ack' || f.type === 'error', 9);
    const acked = frames.filter((f) => f.type === 'ack').map((f) => f.clientMsgId).sort();
    const limited = frames.filter((f) => f.type === 'error');
    assert.deepEqual(acked, ids.slice(0, 5), 'the burst of 5 is processed');
    assert.deepEqual(limited.map((f) => f.ref), [...ids.slice(5), null],
      'each refused frame names its clientMsgId, or null without one');
    for (const f of limited) {
      assert.equal(f.code, 'rate_limited');
      assert.equal(typeof f.message, 'string');
    }
    // Refused sends were not stored.
    const page = await api(server, 'GET', `/api/conversations/${notes}/messages`, { token: me.token });
    assert.equal(page.status, 200, page.text);
    assert.deepEqual(page.json.messages.map((m) => m.clientMsgId).sort(), ids.slice(0, 5));
    // The connection stays: once a token is back (one a second), a ping is answered.
    const pong = await waitFor(async () => {
      ws.send({ type: 'ping' });
      const f = await ws.next((x) => x.type === 'pong' || x.type === 'error');
      return f.type === 'pong' ? f : null;
    }, { timeoutMs: 5000, intervalMs: 250, what: 'a pong once the bucket refills' });
    assert.equal(pong.type, 'pong');
    assert.equal(ws.isClosed, false);
    assert.ok((await metric('gc_ws_frames_rate_limited_total')) >= 4);
  });

  it('normal traffic under the limit is unaffected, and each connection has its own bucket', T, async () => {
    const me = await registerFrom(newAddress());
    const notes = dmId(me.user.id, me.user.id);
    const busy = await connectWs(server, { token: me.token });
    const calm = await connectWs(server, { token: me.token });
    for (let i = 0; i < 7; i++) busy.send({ type: 'ping' });
    await busy.next('error'); // busy is over its limit now
    for (let i = 0; i < 4; i++) {
      const ack = await calm.sendMessage(notes, `calm ${i}`);
      assert.equal(ack.type, 'ack');
    }
    assert.equal(calm.drain('error').length, 0, 'no error frames on the calm connection');
  });

  it('a sustained flood is closed with 1008 and counted', T, async () => {
    const me = await registerFrom(newAddress());
    const before = await metric('gc_ws_flood_closed_total');
    const ws = await connectWs(server, { token: me.token });
    // 5 pass, the next 20 are answered with errors, the 26th closes.
    for (let i = 0; i < 100; i++) ws.send({ type: 'ping' });
    const closed = await withTimeout(ws.closed, 5000, 'the flood close');
    assert.equal(closed.code, 1008, `close code ${closed.code} ${closed.reason}`);
    assert.match(closed.reason, /rate limit/);
    assert.equal(ws.drain('pong').length, 5, 'the burst was answered');
    assert.equal(ws.drain((f) => f.type === 'error' && f.code === 'rate_limited').length, 20);
    assert.equal((await metric('gc_ws_flood_closed_total')) - before, 1);
  });
});
