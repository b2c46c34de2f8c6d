// Accounts, login, tokens, logout.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer } from './lib/server.mjs';
import {
  api, assertError, register, login, uniqueName, connectWs, closeAllWs, decodeJwt, hmacKeyFor,
  signJwt, b64url, withTimeout, HEX24, RFC3339_MS_Z, DEFAULT_PASSWORD,
} from './lib/client.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  closeAllWs();
  await server?.cleanup();
});

const T = { timeout: 20_000 };

function assertUserShape(user, { withEmail }) {
  assert.match(user.id, HEX24, 'user.id is 24 lowercase hex');
  assert.equal(typeof user.username, 'string');
  for (const k of ['avatar', 'status', 'lastSeen', 'createdAt']) {
    assert.ok(k in user, `user object lacks "${k}": ${JSON.stringify(user)}`);
  }
  assert.match(user.createdAt, RFC3339_MS_Z, 'user.createdAt is RFC 3339 UTC with ms');
  if (withEmail) assert.equal(typeof user.email, 'string', `owner sees email: ${JSON.stringify(user)}`);
  else assert.ok(!('email' in user) || user.email === undefined, `email leaked to another user: ${JSON.stringify(user)}`);
  assert.ok(!('password' in user) && !('passwordHash' in user), 'no password material in user object');
}

function postRegister(body) {
  return api(server, 'POST', '/api/auth/register', { body });
}

describe('register', () => {
  it('201 {user, token} with the gc_token cookie', T, async () => {
    const username = uniqueName('reg');
    const res = await postRegister({ username, email: `${username}@Example.test`, password: DEFAULT_PASSWORD });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(Object.keys(res.json).sort(), ['token', 'user']);
    assertUserShape(res.json.user, { withEmail: true });
    assert.equal(res.json.user.username, username);
    assert.equal(res.json.token.split('.').length, 3, 'token is a JWT');
    const { header, payload } = decodeJwt(res.json.token);
    assert.equal(header.alg, 'HS256');
    assert.equal(payload.sub, res.json.user.id);
    assert.equal(payload.username, username);
    for (const c of ['iat', 'exp', 'jti']) assert.ok(payload[c] !== undefined, `claim ${c}`);
    assert.ok(payload.exp > payload.iat);

    const cookies = res.headers.getSetCookie();
    const c = cookies.find((x) => x.startsWith('gc_token='));
    assert.ok(c, `Set-Cookie gc_token missing: ${JSON.stringify(cookies)}`);
    assert.equal(c.split(';')[0], `gc_token=${res.json.token}`);
    assert.match(c, /;\s*HttpOnly(;|$)/i);
    assert.match(c, /;\s*SameSite=Lax(;|$)/i);
    assert.match(c, /;\s*Path=\/(;|$)/i);
    assert.match(c, /;\s*Max-Age=604800(;|$)/i, 'Max-Age is the token lifetime (default 7 days)');
    assert.ok(!/;\s*Secure/i.test(c), 'no Secure flag without TLS');
  });

  it('the email is shown only to its owner', T, async () => {
    const a = await register(server);
    const b = await register(server);
    const me = await api(server, 'GET', '/api/auth/me', { token: a.token });
    assert.equal(me.status, 200, me.text);
    assertUserShape(me.json.user, { withEmail: true });
    assert.equal(me.json.user.email.toLowerCase(), a.email.toLowerCase());

    const other = await api(server, 'GET', `/api/users/${a.user.id}`, { token: b.token });
    assert.equal(other.status, 200, other.text);
    assert.equal(other.json.user.id, a.user.id);
    assert.equal(other.json.user.username, a.username);
    assertUserShape(other.json.user, { withEmail: false });
    assert.ok(!other.text.includes(a.email), 'the email does not appear anywhere in the body');
  });

  it('duplicate username (any case) is 409 username_taken', T, async () => {
    const a = await register(server);
    const res = await postRegister({
      username: a.username.toUpperCase(),
      email: `${uniqueName('x')}@example.test`,
      password: DEFAULT_PASSWORD,
    });
    assertError(res, 409, 'username_taken');
  });

  it('duplicate email (any case) is 409 email_taken', T, async () => {
    const a = await register(server);
    const res = await postRegister({ username: uniqueName('y'), email: a.email.toUpperCase(), password: DEFAULT_PASSWORD });
    assertError(res, 409, 'email_taken');
  });

  it('username limits: 3..32 of [A-Za-z0-9_]', T, async () => {
    const base = randomBytes(16).toString('hex'); // 32 chars
    const bad = ['ab', `a${base}`, 'bad-name', 'bad name', 'bäd_name', 'a.b.c', '', 'x\u0000yz'];
    for (const username of bad) {
      const res = await postRegister({ username, email: `${uniqueName('e')}@example.test`, password: DEFAULT_PASSWORD });
      assertError(res, 400, 'invalid_request', { field: 'username' });
    }
    const three = `Z${randomBytes(1).toString('hex')}`; // 3 chars, may collide rarely
    for (const username of [base, `${three}`]) {
      const res = await postRegister({ username, email: `${uniqueName('e')}@example.test`, password: DEFAULT_PASSWORD });
      if (res.status === 409) continue; // the random 3-char name already exists
      assert.equal(res.status, 201, `${username}: ${res.text}`);
    }
    const missing = await postRegister({ email: `${uniqueName('e')}@example.test`, password: DEFAULT_PASSWORD });
    assertError(missing, 400, 'invalid_request', { field: 'username' });
  });

  it('email must look like an email', T, async () => {
    for (const email of ['no-at-sign', 'a@b', '@example.test', 'a@@example.test', '', `${'x'.repeat(250)}@example.test`]) {
      const res = await postRegister({ username: uniqueName('em'), email, password: DEFAULT_PASSWORD });
      assertError(res, 400, 'invalid_request', { field: 'email' });
    }
  });

  it('password is 8..72 bytes (bytes, not characters)', T, async () => {
    const cases = [
      ['1234567', 400],
      ['12345678', 201],
      ['p'.repeat(72), 201],
      ['p'.repeat(73), 400],
      ['ééé' + 'a', 400], // 4 characters, 7 bytes
      ['éééé', 201], // 4 characters, 8 bytes
      ['é'.repeat(36), 201], // 72 bytes
      ['é'.repeat(36) + 'a', 400], // 37 characters, 73 bytes
      ['', 400],
    ];
    for (const [password, status] of cases) {
      const res = await postRegister({ username: uniqueName('pw'), email: `${uniqueName('e')}@example.test`, password });
      if (status === 400) assertError(res, 400, 'invalid_request', { field: 'password' });
      else assert.equal(res.status, 201, `${Buffer.byteLength(password)}-byte password: ${res.text}`);
    }
    // A huge password is refused cheaply, before bcrypt (bcrypt only sees 72 bytes anyway).
    const huge = 'p'.repeat(512 * 1024);
    const t0 = Date.now();
    const r1 = await postRegister({ username: uniqueName('pw'), email: `${uniqueName('e')}@example.test`, password: huge });
    assertError(r1, 400, 'invalid_request', { field: 'password' });
    const r2 = await login(server, uniqueName('nobody'), huge);
    assert.ok(r2.status === 400 || r2.status === 401, `login with a 512 KiB password: ${r2.status}`);
    assert.ok(Date.now() - t0 < 5000, 'answered quickly');
    // Passwords sharing the first 72 bytes are not interchangeable.
    const p72 = 'q'.repeat(72);
    const u72 = await register(server, { password: p72 });
    assert.equal((await login(server, u72.username, p72 + 'X')).status, 401, 'a 73-byte variant of a 72-byte password does not log in');
    const created = await register(server, { password: 'é'.repeat(36) });
    assert.equal((await login(server, created.username, 'é'.repeat(36))).status, 200);
  });
});

describe('login', () => {
  let alice;
  before(async () => {
    alice = await register(server);
  });

  it('by username or email in any case → 200 {user, token} and cookie', T, async () => {
    for (const name of [alice.username, alice.username.toUpperCase(), alice.email, alice.email.toUpperCase()]) {
      const res = await login(server, name, alice.password);
      assert.equal(res.status, 200, `${name}: ${res.text}`);
      assert.equal(res.json.user.id, alice.user.id);
      assertUserShape(res.json.user, { withEmail: true });
      const me = await api(server, 'GET', '/api/auth/me', { token: res.json.token });
      assert.equal(me.status, 200);
      assert.equal(me.json.user.id, alice.user.id);
      const c = res.headers.getSetCookie().find((x) => x.startsWith('gc_token='));
      assert.ok(c && c.startsWith(`gc_token=${res.json.token}`), 'login sets the cookie');
    }
  });

  it('wrong password and unknown user: the same 401', T, async () => {
    const wrong = await login(server, alice.username, 'not the password');
    const unknown = await login(server, uniqueName('nobody'), 'not the password');
    assertError(wrong, 401, 'unauthorized');
    assertError(unknown, 401, 'unauthorized');
    assert.deepEqual(wrong.json, unknown.json, 'identical bodies');
    assert.equal(wrong.headers.getSetCookie().length, 0, 'no cookie on failure');
  });

  it('missing or mistyped fields → 400', T, async () => {
    assertError(await api(server, 'POST', '/api/auth/login', { body: { password: 'x'.repeat(10) } }), 400, 'invalid_request', { field: 'login' });
    assertError(await api(server, 'POST', '/api/auth/login', { body: { login: alice.username } }), 400, 'invalid_request', { field: 'password' });
    assertError(await api(server, 'POST', '/api/auth/login', { body: { login: 5, password: 'x'.repeat(10) } }), 400, 'invalid_request', { field: 'login' });
  });
});

describe('me and tokens', () => {
  let alice;
  let key;
  before(async () => {
    alice = await register(server);
    key = hmacKeyFor(alice.token, server.jwtSecret);
  });

  it('me: Bearer → 200, cookie → 200, nothing → 401', T, async () => {
    const bearer = await api(server, 'GET', '/api/auth/me', { token: alice.token });
    assert.equal(bearer.status, 200, bearer.text);
    assert.equal(bearer.json.user.id, alice.user.id);
    const cookie = await api(server, 'GET', '/api/auth/me', { cookie: alice.cookie });
    assert.equal(cookie.status, 200, cookie.text);
    assert.equal(cookie.json.user.id, alice.user.id);
    assertError(await api(server, 'GET', '/api/auth/me'), 401, 'unauthorized');
    assertError(await api(server, 'GET', '/api/auth/me', { headers: { authorization: 'Bearer' } }), 401, 'unauthorized');
    assertError(await api(server, 'GET', '/api/auth/me', { headers: { authorization: `Basic ${alice.token}` } }), 401, 'unauthorized');
  });

  it('a bad Bearer is 401 even with a good cookie', T, async () => {
    const res = await api(server, 'GET', '/api/auth/me', { token: alice.token.slice(0, -4) + 'AAAA', cookie: alice.cookie });
    assertError(res, 401, 'unauthorized');
  });

  it('tokens are HS256 signed with --jwt-secret (a re-signed copy works)', T, async () => {
    assert.ok(key, 'the token is not an HMAC-SHA256 of header.payload keyed by --jwt-secret');
    const { header, payload } = decodeJwt(alice.token);
    const again = signJwt(header, { ...payload }, key);
    const res = await api(server, 'GET', '/api/auth/me', { token: again });
    assert.equal(res.status, 200, res.text);
  });

  it('forged, unsigned, wrong-algorithm, expired and malformed tokens → 401', T, async () => {
    const [h, p, s] = alice.token.split('.');
    const { payload } = decodeJwt(alice.token);
    const now = Math.floor(Date.now() / 1000);
    const flipAt = 10;
    const flipped = s.slice(0, flipAt) + (s[flipAt] === 'A' ? 'B' : 'A') + s.slice(flipAt + 1);
    const tampered = {
      'flipped signature char': `${h}.${p}.${flipped}`,
      'payload changed, old signature': `${h}.${b64url(JSON.stringify({ ...payload, username: 'admin' }))}.${s}`,
      'alg none, empty signature': `${b64url('{"alg":"none","typ":"JWT"}')}.${p}.`,
      'alg None, empty signature': `${b64url('{"alg":"None","typ":"JWT"}')}.${p}.`,
      'alg none, original signature': `${b64url('{"alg":"none","typ":"JWT"}')}.${p}.${s}`,
      'two segments': `${h}.${p}`,
      'four segments': `${h}.${p}.${s}.${s}`,
      'empty string segments': '..',
      garbage: 'not-a-token',
    };
    if (key) {
      tampered['HS512 with the secret'] = signJwt({ alg: 'HS512', typ: 'JWT' }, payload, key, 'sha512');
      tampered['HS512 header, HS256 signature'] = signJwt({ alg: 'HS512', typ: 'JWT' }, payload, key, 'sha256');
      tampered['expired'] = signJwt({ alg: 'HS256', typ: 'JWT' }, { ...payload, iat: now - 7200, exp: now - 3600 }, key);
      tampered['exp as string'] = signJwt({ alg: 'HS256', typ: 'JWT' }, { ...payload, exp: String(now + 3600) }, key);
      tampered['missing exp'] = signJwt({ alg: 'HS256', typ: 'JWT' }, { ...payload, exp: undefined }, key);
      tampered['unknown user'] = signJwt({ alg: 'HS256', typ: 'JWT' }, { ...payload, sub: 'f'.repeat(24) }, key);
    }
    const failures = [];
    for (const [name, token] of Object.entries(tampered)) {
      const res = await api(server, 'GET', '/api/auth/me', { token });
      if (res.status !== 401 || res.json?.error?.code !== 'unauthorized') failures.push(`${name}: ${res.status} ${res.text.slice(0, 120)}`);
    }
    assert.deepEqual(failures, [], 'every bad token must be 401 unauthorized');
    assert.ok(key, 'could not forge HS512/expired tokens: --jwt-secret is not the HMAC key');
  });
});

describe('logout', () => {
  it('204 clears the cookie; that token is 401 afterwards, other sessions still work', T, async () => {
    const a = await register(server);
    const second = await login(server, a.username, a.password);
    assert.equal(second.status, 200);
    const res = await api(server, 'POST', '/api/auth/logout', { token: a.token });
    assert.equal(res.status, 204, res.text);
    assert.equal(res.text, '');
    const c = res.headers.getSetCookie().find((x) => x.startsWith('gc_token='));
    assert.ok(c && (/Max-Age=0/i.test(c) || /Expires=Thu, 01 Jan 1970/i.test(c)), `cookie cleared: ${c}`);
    assertError(await api(server, 'GET', '/api/auth/me', { token: a.token }), 401, 'unauthorized');
    assertError(await api(server, 'GET', '/api/auth/me', { cookie: a.cookie }), 401, 'unauthorized');
    assert.equal((await api(server, 'GET', '/api/auth/me', { token: second.json.token })).status, 200);
    // Logging out again with the revoked token is unauthorized.
    assertError(await api(server, 'POST', '/api/auth/logout', { token: a.token }), 401, 'unauthorized');
  });

  it('closes the WebSockets opened with that token (close code 1008)', T, async () => {
    const a = await register(server);
    const other = await login(server, a.username, a.password);
    const ws = await connectWs(server, { token: a.token });
    const ws2 = await connectWs(server, { token: other.json.token });
    await ws.sync();
    const res = await api(server, 'POST', '/api/auth/logout', { token: a.token });
    assert.equal(res.status, 204);
    const closed = await withTimeout(ws.closed, 5000, 'close after logout');
    assert.equal(closed.code, 1008);
    // A socket of another session of the same user stays open.
    await ws2.sync();
    ws2.close();
  });

  it('an open WebSocket is closed (1008) once its token expires', { timeout: 30_000 }, async () => {
    // A 2 s idle timeout makes the sweep that enforces expiry run every second.
    const s = await startServer({ args: ['--ws-idle-timeout', '2'] });
    try {
      const a = await register(s);
      const key = hmacKeyFor(a.token, s.jwtSecret);
      assert.ok(key, 'cannot sign tokens with --jwt-secret');
      const { header, payload } = decodeJwt(a.token);
      const now = Math.floor(Date.now() / 1000);
      const exp = now + 3;
      const shortLived = signJwt(header, { ...payload, iat: now, exp }, key);
      const ws = await connectWs(s, { token: shortLived });
      await ws.sync(); // open and answering while the token is valid
      const closed = await withTimeout(ws.closed, 10_000, 'close after the token expired');
      assert.equal(closed.code, 1008);
      assert.ok(Date.now() / 1000 >= exp, 'closed before the token expired');
    } finally {
      await s.cleanup();
    }
  });

  it('revocation survives a restart; other tokens keep working', { timeout: 40_000 }, async () => {
    const s = await startServer();
    try {
      const a = await register(s);
      const second = await login(s, a.username, a.password);
      assert.equal(second.status, 200);
      assert.equal((await api(s, 'POST', '/api/auth/logout', { token: a.token })).status, 204);
      assertError(await api(s, 'GET', '/api/auth/me', { token: a.token }), 401, 'unauthorized');
      const code = await s.stop();
      assert.equal(code, 0, 'SIGTERM exit code');
      await s.restart();
      assertError(await api(s, 'GET', '/api/auth/me', { token: a.token }), 401, 'unauthorized');
      const ok = await api(s, 'GET', '/api/auth/me', { token: second.json.token });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.user.id, a.user.id);
    } finally {
      await s.cleanup();
    }
  });
});
