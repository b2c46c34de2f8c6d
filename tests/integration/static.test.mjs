// The web client's files served at `/` from --web-root: types, caching, HEAD, ETags, safe paths.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, makeTempDir, runServerCommand } from './lib/server.mjs';
import { api, assertError, rawRequest } from './lib/client.mjs';

let server;
let base;
const T = { timeout: 20_000 };
const APP_JS = 'console.log("app")';

before(async () => {
  base = makeTempDir('gc-web-');
  const root = join(base, 'out');
  mkdirSync(join(root, 'login'), { recursive: true });
  mkdirSync(join(root, '_next', 'static', 'chunks'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>home</title>');
  writeFileSync(join(root, 'login', 'index.html'), '<!doctype html><title>login</title>');
  writeFileSync(join(root, '404.html'), '<!doctype html><title>missing</title>');
  writeFileSync(join(root, 'favicon.ico'), Buffer.from([0, 0, 1, 0]));
  writeFileSync(join(root, '_next', 'static', 'chunks', 'app.js'), APP_JS);
  writeFileSync(join(base, 'secret.txt'), 'outside the root');
  symlinkSync(join(base, 'secret.txt'), join(root, 'secret.txt'));
  writeFileSync(join(root, '.env'), 'SECRET=1');
  server = await startServer({ args: ['--web-root', root] });
});
after(async () => {
  await server?.cleanup();
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('static files', () => {
  it('serves the app shell at / with security headers and no-cache', T, async () => {
    const res = await fetch(server.baseUrl + '/');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(await res.text(), /<title>home<\/title>/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /connect-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.ok(res.headers.get('etag'));
  });

  it('maps directories to index.html, with or without the trailing slash', T, async () => {
    for (const path of ['/login/', '/login']) {
      const res = await fetch(server.baseUrl + path);
      assert.equal(res.status, 200, path);
      assert.match(await res.text(), /<title>login<\/title>/, path);
    }
  });

  it('serves _next/static as immutable with its JavaScript type', T, async () => {
    const res = await fetch(server.baseUrl + '/_next/static/chunks/app.js');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(res.headers.get('content-security-policy'), null);
    assert.equal(await res.text(), APP_JS);
    const icon = await fetch(server.baseUrl + '/favicon.ico');
    assert.equal(icon.headers.get('content-type'), 'image/x-icon');
  });

  it('answers If-None-Match with 304 and HEAD with the length but no body', T, async () => {
    const first = await fetch(server.baseUrl + '/_next/static/chunks/app.js');
    const etag = first.headers.get('etag');
    const again = await rawRequest(server, {
      path: '/_next/static/chunks/app.js',
      headers: { 'if-none-match': etag },
    });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    assert.equal(again.headers.etag, etag);

    const head = await rawRequest(server, { method: 'HEAD', path: '/_next/static/chunks/app.js' });
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(Buffer.byteLength(APP_JS)));
    assert.equal(head.text, '');
  });

  it('unknown pages get the export 404 page; unknown /api paths the JSON error', T, async () => {
    const page = await fetch(server.baseUrl + '/no/such/page');
    assert.equal(page.status, 404);
    assert.match(await page.text(), /<title>missing<\/title>/);
    assertError(await api(server, 'GET', '/api/no-such-route'), 404, 'not_found');
    assertError(await api(server, 'GET', '/api'), 404, 'not_found');
    assertError(await api(server, 'GET', '/ws/elsewhere'), 404, 'not_found');
  });

  it('never leaves the root: dot segments, encoded dots, hidden files, symlinks out', T, async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/login/%2E%2E/%2E%2E/secret.txt',
      '/secret.txt', '/.env', '/%2eenv', '/login/..%2f..%2fsecret.txt']) {
      const res = await rawRequest(server, { path });
      assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
      assert.doesNotMatch(res.text, /outside the root|SECRET/, path);
    }
  });

  it('other methods on a file path → 405 with Allow', T, async () => {
    const res = await api(server, 'POST', '/', { body: {} });
    assertError(res, 405, 'method_not_allowed');
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
  });

  it('without --video-url the client is told there are no calls, and connect-src stays self', T, async () => {
    const res = await api(server, 'GET', '/api/config');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { videoUrl: null });
    const csp = (await fetch(server.baseUrl + '/')).headers.get('content-security-policy');
    assert.match(csp, /connect-src 'self';/);
  });

  it('--video-url (GC_VIDEO_URL): /api/config names it and pages may connect to it, nothing more', T, async () => {
    const root = join(base, 'out');
    const withVideo = await startServer({ args: ['--web-root', root], env: { GC_VIDEO_URL: 'HTTP://127.0.0.1:4999/' } });
    try {
      const config = await api(withVideo, 'GET', '/api/config'); // public: no token
      assert.equal(config.status, 200);
      assert.deepEqual(config.json, { videoUrl: 'http://127.0.0.1:4999' });
      const csp = (await fetch(withVideo.baseUrl + '/')).headers.get('content-security-policy');
      assert.match(csp, /connect-src 'self' http:\/\/127\.0\.0\.1:4999 ws:\/\/127\.0\.0\.1:4999;/);
      assert.match(csp, /default-src 'self';/);
      assert.equal(csp.match(/4999/g).length, 2, csp);
    } finally {
      await withVideo.cleanup();
    }
    // Not an origin: the server refuses to start and says why.
    const dataDir = makeTempDir();
    try {
      for (const bad of ['127.0.0.1:4000', 'http://h/path', "http://h; script-src *"]) {
        const run = await runServerCommand(['--video-url', bad, '--listen', '127.0.0.1:0', '--data-dir', dataDir], { timeoutMs: 10_000 });
        assert.notEqual(run.code, 0, bad);
        assert.match(run.stderr + run.stdout, /video-url/, bad);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('the API keeps working beside it', T, async () => {
    const res = await fetch(server.baseUrl + '/healthz');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });
});
