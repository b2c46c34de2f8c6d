// HTTP and WebSocket helpers for the black-box tests.
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import WebSocket from 'ws';

export const HEX24 = /^[0-9a-f]{24}$/;
export const RFC3339_MS_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const DEFAULT_PASSWORD = 'correct horse 42';

let counter = 0;
/** A username that is unique per test run: `<prefix>_<random>` (at most 32 chars). */
export function uniqueName(prefix = 'u') {
  counter += 1;
  const suffix = randomBytes(4).toString('hex') + counter.toString(36);
  return `${prefix}_${suffix}`.slice(0, 32);
}

export function dmId(a, b) {
  const ida = typeof a === 'string' ? a : a.user.id;
  const idb = typeof b === 'string' ? b : b.user.id;
  return `dm_${[ida, idb].sort().join('_')}`;
}

/**
 * A REST call. `body` (object) is sent as JSON with Content-Type application/json;
 * `rawBody` (string/Buffer) is sent as-is with only the headers you pass (no Content-Type added).
 * Returns {status, headers, json, text}; json is null when the body is not JSON.
 */
export async function api(server, method, path, { token, cookie, body, rawBody, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (cookie) h.cookie = cookie;
  let payload;
  if (rawBody !== undefined) {
    payload = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) {
      h['content-type'] = 'application/json';
    }
  }
  const res = await fetch(server.baseUrl + path, { method, headers: h, body: payload });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/**
 * Low-level request with node:http (for things fetch can't do: chunked bodies, early responses,
 * keep-alive inspection). Resolves with the response even if the upload fails after it arrived.
 */
export function rawRequest(server, { method = 'GET', path = '/', headers = {}, body, agent, chunks } = {}) {
  return new Promise((resolveReq, rejectReq) => {
    let settled = false;
    const req = http.request(
      { host: '127.0.0.1', port: server.port, method, path, headers, agent: agent ?? false },
      (res) => {
        const parts = [];
        res.on('data', (c) => parts.push(c));
        res.on('end', () => {
          settled = true;
          const text = Buffer.concat(parts).toString('utf8');
          let json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = null;
          }
          resolveReq({ status: res.statusCode, headers: res.headers, text, json, reusedSocket: req.reusedSocket, socket: req.socket });
        });
        res.on('error', (err) => {
          if (!settled) rejectReq(err);
        });
      },
    );
    req.on('error', (err) => {
      // The server may answer early (e.g. 413) and close while we still upload; the response
      // handler above resolves in that case, so only fail when there is no response at all.
      setImmediate(() => {
        if (!settled) rejectReq(err);
      });
    });
    if (chunks) {
      (async () => {
        for (const c of chunks) {
          if (req.destroyed) return;
          const ok = req.write(c);
          if (!ok) {
            await new Promise((r) => {
              const done = () => {
                req.off('drain', done);
                req.off('close', done);
                r();
              };
              req.on('drain', done);
              req.on('close', done);
            });
          }
        }
        req.end();
      })().catch(() => {});
    } else {
      req.end(body);
    }
  });
}

/** Asserts the standard error shape and returns the error object. */
export function assertError(res, status, code, { field } = {}) {
  const ctx = `${res.status} ${res.text ?? ''}`.slice(0, 500);
  assert.equal(res.status, status, `expected HTTP ${status}, got ${ctx}`);
  assert.ok(res.json && typeof res.json === 'object', `expected a JSON error body, got: ${ctx}`);
  assert.ok(res.json.error && typeof res.json.error === 'object', `expected {"error":{...}}, got: ${ctx}`);
  if (code !== undefined) assert.equal(res.json.error.code, code, `error code, body: ${ctx}`);
  assert.equal(typeof res.json.error.message, 'string', `error.message must be a string: ${ctx}`);
  assert.ok(res.json.error.message.length > 0, `error.message must not be empty: ${ctx}`);
  if (field) {
    assert.match(res.json.error.message, new RegExp(field, 'i'), `error.message should name "${field}": ${ctx}`);
  }
  const ct = (typeof res.headers.get === 'function' ? res.headers.get('content-type') : res.headers['content-type']) ?? '';
  assert.match(ct, /application\/json/i, `error Content-Type: ${ct}`);
  return res.json.error;
}

/** Registers a fresh user. Returns {user, token, cookie, username, email, password, res}. */
export async function register(server, { username, email, password, prefix = 'u' } = {}) {
  username ??= uniqueName(prefix);
  email ??= `${username}@example.test`;
  password ??= DEFAULT_PASSWORD;
  const res = await api(server, 'POST', '/api/auth/register', { body: { username, email, password } });
  assert.equal(res.status, 201, `register ${username}: ${res.status} ${res.text}`);
  assert.ok(res.json?.token, `register returned no token: ${res.text}`);
  assert.ok(res.json?.user?.id, `register returned no user: ${res.text}`);
  return {
    user: res.json.user,
    token: res.json.token,
    cookie: `gc_token=${res.json.token}`,
    username,
    email,
    password,
    res,
  };
}

export async function login(server, loginName, password = DEFAULT_PASSWORD) {
  return api(server, 'POST', '/api/auth/login', { body: { login: loginName, password } });
}

/** Posts a message over REST; asserts 201/200 and returns the message. */
export async function postMessage(server, who, cid, body, extra = {}) {
  const res = await api(server, 'POST', `/api/conversations/${cid}/messages`, {
    token: who.token,
    body: { body, ...extra },
  });
  assert.ok(res.status === 201 || res.status === 200, `post message: ${res.status} ${res.text}`);
  return res.json.message;
}

// ---------------------------------------------------------------- JWT crafting

export function b64url(input) {
  return Buffer.from(input).toString('base64url');
}

export function decodeJwt(token) {
  const [h, p, s] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
    signature: s,
  };
}

/**
 * Works out how the server turns `--jwt-secret` into the HMAC key (the string's bytes, or the
 * hex-decoded bytes) by reproducing the signature of a real token. Returns the key Buffer, or
 * null if the token is not HS256-signed with the secret in either form.
 */
export function hmacKeyFor(token, secret) {
  const [h, p, s] = token.split('.');
  for (const key of [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'hex')]) {
    const sig = createHmac('sha256', key).update(`${h}.${p}`).digest('base64url');
    if (sig === s) return key;
  }
  return null;
}

export function signJwt(header, payload, key, hash = 'sha256') {
  const h = b64url(JSON.stringify(header));
  const p = b64url(JSON.stringify(payload));
  const sig = createHmac(hash, key).update(`${h}.${p}`).digest('base64url');
  return `${h}.${p}.${sig}`;
}

// ---------------------------------------------------------------- WebSocket

const openClients = new Set();

/** Closes every WebSocket opened through this module (for `after` hooks). */
export function closeAllWs() {
  for (const c of openClients) c.terminate();
  openClients.clear();
}

function matcher(pred) {
  if (typeof pred === 'string') return (f) => f && f.type === pred;
  if (typeof pred === 'function') return pred;
  if (pred === undefined || pred === null) return () => true;
  throw new TypeError('predicate must be a type string or a function');
}

export class WsClient {
  /**
   * @param ws a connected `ws` WebSocket
   * @param keep optional filter: frames for which it returns false are not queued (taps still see them)
   */
  constructor(ws, { keep } = {}) {
    this.ws = ws;
    this.queue = [];
    this.waiters = [];
    this.taps = [];
    this.keep = keep ?? null;
    this.received = 0;
    this.isClosed = false;
    this.closeInfo = null;
    this.closed = new Promise((resolveClose) => {
      ws.on('close', (code, reason) => {
        this.isClosed = true;
        this.closeInfo = { code, reason: reason.toString('utf8') };
        openClients.delete(this);
        for (const w of this.waiters.splice(0)) {
          clearTimeout(w.timer);
          w.reject(
            new Error(
              `WebSocket closed (code ${code}) while waiting for a frame; queued types: ` +
                JSON.stringify(this.queue.map((f) => f.type)),
            ),
          );
        }
        resolveClose(this.closeInfo);
      });
    });
    ws.on('error', (err) => {
      this.lastError = err;
    });
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    openClients.add(this);
  }

  #onMessage(data, isBinary) {
    this.received += 1;
    let frame;
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data).toString('utf8');
    try {
      frame = JSON.parse(text);
    } catch {
      frame = { type: '__unparsable__', raw: text, binary: isBinary };
    }
    for (const tap of this.taps) tap(frame);
    if (this.keep && !this.keep(frame)) return;
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i];
      if (w.match(frame)) {
        this.waiters.splice(i, 1);
        clearTimeout(w.timer);
        w.resolve(frame);
        return;
      }
    }
    this.queue.push(frame);
  }

  /** Calls fn(frame) for every frame received from now on. */
  tap(fn) {
    this.taps.push(fn);
  }

  /** The next frame matching `pred` (type string or function); rejects after timeoutMs. */
  next(pred, timeoutMs = 5000) {
    const match = matcher(pred);
    const idx = this.queue.findIndex(match);
    if (idx >= 0) return Promise.resolve(this.queue.splice(idx, 1)[0]);
    if (this.isClosed) {
      return Promise.reject(new Error(`WebSocket already closed (code ${this.closeInfo?.code})`));
    }
    return new Promise((resolveNext, rejectNext) => {
      const w = { match, resolve: resolveNext, reject: rejectNext };
      w.timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        rejectNext(
          new Error(
            `no matching frame within ${timeoutMs} ms; queued: ` +
              JSON.stringify(this.queue.slice(0, 5)).slice(0, 800),
          ),
        );
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** `count` frames matching pred, in arrival order. */
  async collect(pred, count, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    const out = [];
    for (let i = 0; i < count; i++) {
      const left = Math.max(1, deadline - Date.now());
      try {
        out.push(await this.next(pred, left));
      } catch (err) {
        err.message = `collected ${out.length}/${count}: ${err.message}`;
        throw err;
      }
    }
    return out;
  }

  /** Removes and returns every queued frame matching pred. */
  drain(pred) {
    const match = matcher(pred);
    const out = [];
    this.queue = this.queue.filter((f) => {
      if (match(f)) {
        out.push(f);
        return false;
      }
      return true;
    });
    return out;
  }

  send(obj) {
    this.ws.send(JSON.stringify(obj));
  }

  sendRaw(data, opts = {}) {
    this.ws.send(data, opts);
  }

  /**
   * Round-trips a ping: frames are ordered on a connection, so anything the server sent before
   * the pong is queued when this resolves.
   */
  async sync(timeoutMs = 5000) {
    this.send({ type: 'ping' });
    return this.next('pong', timeoutMs);
  }

  /** Asserts, after a ping round-trip, that no queued frame matches pred. */
  async assertNoFrame(pred, message = 'unexpected frame') {
    await this.sync();
    const found = this.queue.filter(matcher(pred));
    assert.equal(found.length, 0, `${message}: ${JSON.stringify(found).slice(0, 500)}`);
  }

  /** Sends a `send` frame and waits for its ack (or an error with that ref). */
  async sendMessage(conversationId, body, { clientMsgId = `c-${randomBytes(6).toString('hex')}`, timeoutMs = 5000, ...extra } = {}) {
    this.send({ type: 'send', clientMsgId, conversationId, body, msgType: 'text', ...extra });
    const frame = await this.next(
      (f) => (f.type === 'ack' || f.type === 'error') && (f.clientMsgId === clientMsgId || f.ref === clientMsgId),
      timeoutMs,
    );
    if (frame.type === 'error') {
      const err = new Error(`send rejected: ${JSON.stringify(frame)}`);
      err.frame = frame;
      throw err;
    }
    return frame;
  }

  close(code = 1000) {
    this.ws.close(code);
    return this.closed;
  }

  terminate() {
    this.ws.terminate();
  }
}

/**
 * Tries a WebSocket handshake. Resolves {ok:true, client} or
 * {ok:false, status, headers, text, json} when the server rejects the upgrade.
 */
export function tryConnectWs(
  server,
  { token, cookie, origin, protocols, headers = {}, autoPong = true, keep, path = '/ws', timeoutMs = 5000 } = {},
) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (cookie) h.cookie = cookie;
  const url = `ws://127.0.0.1:${server.port}${path}`;
  return new Promise((resolveConn, rejectConn) => {
    const ws = new WebSocket(url, protocols ?? [], {
      headers: h,
      origin,
      autoPong,
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
      maxPayload: 256 * 1024 * 1024,
    });
    let done = false;
    ws.on('unexpected-response', (req, res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => {
        if (done) return;
        done = true;
        const text = Buffer.concat(parts).toString('utf8');
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          json = null;
        }
        req.destroy();
        resolveConn({ ok: false, status: res.statusCode, headers: res.headers, text, json });
      });
    });
    ws.once('open', () => {
      if (done) return;
      done = true;
      resolveConn({ ok: true, client: new WsClient(ws, { keep }) });
    });
    ws.once('error', (err) => {
      if (done) return;
      done = true;
      rejectConn(err);
    });
  });
}

/** Connects or throws (with the rejection status/body). */
export async function connectWs(server, opts = {}) {
  const r = await tryConnectWs(server, opts);
  if (!r.ok) throw new Error(`WebSocket handshake rejected: HTTP ${r.status} ${r.text}`);
  return r.client;
}

/** Waits until check() returns a truthy value (polling an observable state), or throws. */
export async function waitFor(check, { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Resolves with the promise's value, or rejects after ms. */
export function withTimeout(promise, ms, what = 'operation') {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]);
}
