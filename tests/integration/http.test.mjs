// The HTTP layer: routing, bodies, content types, limits, keep-alive.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startServer } from './lib/server.mjs';
import { api, assertError, register, rawRequest, uniqueName, DEFAULT_PASSWORD } from './lib/client.mjs';

let server;
let alice;
before(async () => {
  server = await startServer();
  alice = await register(server);
});
after(async () => {
  await server?.cleanup();
});

const T = { timeout: 20_000 };
const MiB = 1024 * 1024;

describe('routing', () => {
  it('unknown routes → 404 not_found JSON', T, async () => {
    for (const path of ['/api/nope', '/api/auth/nope', '/api/users/x/y/z', '/api/../api/nope']) {
      assertError(await api(server, 'GET', path, { token: alice.token }), 404, 'not_found');
    }
    // Without a token too: not an HTML page, not a stack trace.
    assertError(await api(server, 'GET', '/api/definitely-not-here'), 404, 'not_found');
    assertError(await api(server, 'POST', '/api/nope', { token: alice.token, body: {} }), 404, 'not_found');
  });

  it('wrong method on a known path → 405 method_not_allowed with Allow', T, async () => {
    for (const [method, path, allowed] of [
      ['GET', '/api/auth/register', 'POST'],
      ['DELETE', '/api/auth/login', 'POST'],
      ['PUT', '/api/auth/me', 'GET'],
    ]) {
      const res = await api(server, method, path, { token: alice.token });
      assertError(res, 405, 'method_not_allowed');
      const allow = res.headers.get('allow') ?? '';
      assert.match(allow, new RegExp(`\\b${allowed}\\b`), `${method} ${path}: Allow: ${allow}`);
    }
  });
});

describe('request bodies', () => {
  const post = (rawBody, headers = { 'content-type': 'application/json' }) =>
    api(server, 'POST', '/api/auth/login', { rawBody, headers });

  it('malformed JSON → 400 invalid_request', T, async () => {
    for (const body of ['{"login":', '{login: "x"}', 'nul', '{"login":"a","password":"b"} trailing', '\u00ff\u00fe']) {
      assertError(await post(body), 400, 'invalid_request');
    }
    // Invalid UTF-8 inside a JSON string.
    const bad = Buffer.concat([Buffer.from('{"login":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('","password":"12345678"}')]);
    const res = await post(bad);
    assert.ok(res.status === 400 || res.status === 401, `invalid UTF-8: ${res.status} ${res.text}`);
    if (res.status === 400) assertError(res, 400, 'invalid_request');
  });

  it('empty body on a JSON route → 400', T, async () => {
    assertError(await post(''), 400, 'invalid_request');
  });

  it('wrong types → 400 naming the field', T, async () => {
    const res = await api(server, 'POST', '/api/auth/register', {
      body: { username: 5, email: `${uniqueName('t')}@example.test`, password: DEFAULT_PASSWORD },
    });
    assertError(res, 400, 'invalid_request', { field: 'username' });
    const res2 = await api(server, 'POST', '/api/auth/register', {
      body: { username: uniqueName('t'), email: `${uniqueName('t')}@example.test`, password: ['x'] },
    });
    assertError(res2, 400, 'invalid_request', { field: 'password' });
    const res3 = await api(server, 'POST', '/api/auth/register', {
      body: { username: uniqueName('t'), email: { $gt: '' }, password: DEFAULT_PASSWORD },
    });
    assertError(res3, 400, 'invalid_request', { field: 'email' });
  });

  it('top-level array / string / number → 400', T, async () => {
    for (const body of ['[]', '[{"login":"a","password":"12345678"}]', '"x"', '42', 'null']) {
      assertError(await post(body), 400, 'invalid_request');
    }
  });

  it('deeply nested JSON → 400, not a crash', T, async () => {
    const deep = '{"login":' + '['.repeat(100_000) + ']'.repeat(100_000) + ',"password":"12345678"}';
    const res = await post(deep);
    assertError(res, 400, 'invalid_request');
    assert.equal((await api(server, 'GET', '/healthz')).status, 200, 'server still alive');
  });

  // Sends the headers and the first 64 KiB of a body of `size` bytes, then waits for an early answer
  // (the Content-Length alone decides); if none comes within 2 s, sends the rest.
  function postDeclaredSize(size) {
    return new Promise((resolvePost, rejectPost) => {
      const req = http.request({
        host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/auth/login', agent: false,
        headers: { 'content-type': 'application/json', 'content-length': size },
      });
      let answered = false;
      req.on('response', (res) => {
        answered = true;
        clearTimeout(timer);
        const parts = [];
        res.on('data', (c) => parts.push(c));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let json = null;
          try { json = JSON.parse(text); } catch { /* not JSON */ }
          req.destroy();
          resolvePost({ status: res.statusCode, headers: new Headers(res.headers), text, json });
        });
      });
      req.on('error', (err) => { if (!answered) rejectPost(err); });
      const head = '{"login":"';
      req.write(head + 'x'.repeat(64 * 1024 - head.length));
      const timer = setTimeout(() => {
        if (answered || req.destroyed) return;
        const rest = size - 64 * 1024;
        req.end('x'.repeat(rest - 25) + '","password":"12345678"}');
      }, 2000);
    });
  }

  it('body over 1 MiB → 413 too_large (Content-Length)', T, async () => {
    assertError(await postDeclaredSize(MiB + 1), 413, 'too_large');
    assertError(await postDeclaredSize(64 * MiB), 413, 'too_large');
    // Just under the limit is accepted for parsing (a long login is simply unknown: 401 or 400).
    const ok = JSON.stringify({ login: 'x'.repeat(MiB - 100), password: '12345678' });
    const res2 = await rawRequest(server, {
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ok) },
      body: ok,
    });
    assert.notEqual(res2.status, 413, `a ${Buffer.byteLength(ok)}-byte body is under the limit`);
    assert.ok(res2.status === 400 || res2.status === 401, `${res2.status} ${res2.text.slice(0, 200)}`);
  });

  it('a client still uploading a too-large body can read the 413 (RFC 9112 §9.6: no reset before it)', T, async () => {
    // fetch writes the whole 4 MiB body; if the server closes with unread input, the kernel sends a
    // RST and the client sees EPIPE/ECONNRESET instead of the 413.
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      try {
        const r = await fetch(`${server.baseUrl}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ login: 'x'.repeat(4 * MiB), password: '12345678' }),
        });
        await r.text();
        outcomes.push(r.status);
      } catch (err) {
        outcomes.push(err.cause?.code ?? err.message);
      }
    }
    assert.deepEqual(outcomes, [413, 413, 413]);
  });

  it('body over the limit → 413 too_large (chunked, no Content-Length)', T, async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const chunks = ['{"login":"'];
    for (let i = 0; i < 20; i++) chunks.push(chunk); // 1.25 MiB
    chunks.push('","password":"12345678"}');
    const res = await rawRequest(server, {
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      chunks,
    });
    assertError({ ...res, headers: new Headers(res.headers) }, 413, 'too_large');
  });

  it('missing or non-JSON Content-Type → 415 unsupported_type', T, async () => {
    const body = JSON.stringify({ login: alice.username, password: alice.password });
    assertError(await post(body, {}), 415, 'unsupported_type');
    assertError(await post(body, { 'content-type': 'text/plain' }), 415, 'unsupported_type');
    assertError(await post(body, { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_type');
    assertError(await post(body, { 'content-type': 'multipart/form-data; boundary=x' }), 415, 'unsupported_type');
    // The JSON type with a charset parameter (or in another case) is accepted.
    for (const ct of ['application/json; charset=utf-8', 'Application/JSON']) {
      const ok = await post(body, { 'content-type': ct });
      assert.equal(ok.status, 200, `${ct}: ${ok.status} ${ok.text}`);
    }
  });
});

describe('connections', () => {
  it('keep-alive: several requests on one connection, errors included', T, async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const r1 = await rawRequest(server, { path: '/healthz', agent });
      const r2 = await rawRequest(server, { path: '/api/auth/me', agent, headers: { authorization: `Bearer ${alice.token}` } });
      const r3 = await rawRequest(server, { path: '/api/nope', agent });
      const body = JSON.stringify({ login: alice.username, password: alice.password });
      const r4 = await rawRequest(server, {
        method: 'POST',
        path: '/api/auth/login',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        body,
      });
      const r5 = await rawRequest(server, { path: '/healthz', agent });
      assert.deepEqual([r1.status, r2.status, r3.status, r4.status, r5.status], [200, 200, 404, 200, 200]);
      assert.equal(r1.reusedSocket, false);
      for (const r of [r2, r3, r4, r5]) {
        assert.equal(r.reusedSocket, true, 'the connection was reused');
        assert.equal(r.socket, r1.socket, 'the same socket');
      }
    } finally {
      agent.destroy();
    }
  });

  it('pipelined requests on a raw socket are answered in order', T, async () => {
    const sock = net.connect(server.port, '127.0.0.1');
    const req = (p) => `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    let data = '';
    const done = new Promise((resolveDone, rejectDone) => {
      const timer = setTimeout(() => rejectDone(new Error(`timeout, got: ${data.slice(0, 500)}`)), 5000);
      sock.on('data', (c) => {
        data += c.toString('utf8');
        const tail = data.trimEnd();
        if ((data.match(/HTTP\/1\.1 \d{3}/g) ?? []).length >= 3 && (tail.endsWith('}') || tail.endsWith('\r\n0'))) {
          clearTimeout(timer);
          resolveDone();
        }
      });
      sock.on('error', rejectDone);
    });
    sock.write(req('/healthz') + req('/api/nope') + req('/healthz'));
    await done;
    sock.destroy();
    const statuses = (data.match(/HTTP\/1\.1 (\d{3})/g) ?? []).map((s) => s.slice(9));
    assert.deepEqual(statuses, ['200', '404', '200']);
  });

  // Writes raw bytes, returns everything the server sent until it closed or went quiet.
  async function rawExchange(text, { quietMs = 1500 } = {}) {
    const sock = net.connect(server.port, '127.0.0.1');
    let data = '';
    await new Promise((resolveEx) => {
      let timer = setTimeout(resolveEx, 5000);
      sock.on('data', (c) => {
        data += c.toString('latin1');
        clearTimeout(timer);
        timer = setTimeout(resolveEx, quietMs); // wait for a close, or for the rest of a reply
      });
      sock.on('close', () => {
        clearTimeout(timer);
        resolveEx();
      });
      sock.on('error', () => {});
      sock.write(text);
    });
    sock.destroy();
    return data;
  }

  it('request smuggling shapes are refused: CL+TE, conflicting Content-Length', T, async () => {
    const body = '{"login":"a","password":"12345678"}';
    const both = await rawExchange(
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n` +
        `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    assert.match(both, /^HTTP\/1\.1 400/, `CL+TE: ${both.slice(0, 200)}`);
    assert.equal((both.match(/HTTP\/1\.1 \d{3}/g) ?? []).length, 1, 'the connection is closed after the 400, nothing smuggled');
    const dup = await rawExchange(
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${body.length}\r\nContent-Length: 5\r\n\r\n${body}`,
    );
    assert.match(dup, /^HTTP\/1\.1 400/, `two Content-Lengths: ${dup.slice(0, 200)}`);
    assert.equal((await api(server, 'GET', '/healthz')).status, 200);
  });

  it('oversized headers → 431 or 400, and the server keeps serving', T, async () => {
    const res = await rawExchange(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    assert.match(res, /^HTTP\/1\.1 (431|400)/, res.slice(0, 200));
    assert.equal((await api(server, 'GET', '/healthz')).status, 200);
  });

  it('a garbage request line gets a 400 and the server keeps serving', T, async () => {
    const sock = net.connect(server.port, '127.0.0.1');
    let data = '';
    const closed = new Promise((resolveClosed) => {
      sock.on('data', (c) => (data += c.toString('latin1')));
      sock.on('close', resolveClosed);
      sock.on('error', () => {});
    });
    sock.write('\x00\x01GARBAGE \xff\r\n\r\n');
    await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
    sock.destroy();
    if (data) assert.match(data, /^HTTP\/1\.1 400/, data.slice(0, 200));
    assert.equal((await api(server, 'GET', '/healthz')).status, 200);
  });
});
