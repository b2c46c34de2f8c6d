// A minimal hand-rolled WebSocket client for protocol-conformance tests (RFC 6455): it can send
// frames that a real client library refuses to produce (unmasked, RSV bits, reserved opcodes...).
import net from 'node:net';
import { randomBytes, createHash } from 'node:crypto';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export class RawWs {
  constructor(socket, leftover) {
    this.socket = socket;
    this.buf = leftover ?? Buffer.alloc(0);
    this.frames = [];
    this.waiters = [];
    this.ended = false;
    this.endedPromise = new Promise((resolveEnd) => {
      socket.on('close', () => {
        this.ended = true;
        this.#wake();
        resolveEnd();
      });
    });
    socket.on('error', () => {});
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.#parse();
    });
    this.#parse();
  }

  #parse() {
    for (;;) {
      const b = this.buf;
      if (b.length < 2) return;
      const fin = (b[0] & 0x80) !== 0;
      const opcode = b[0] & 0x0f;
      const masked = (b[1] & 0x80) !== 0;
      let len = b[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        off = 10;
      }
      if (masked) off += 4;
      if (b.length < off + len) return;
      let payload = b.subarray(off, off + len);
      if (masked) {
        const key = b.subarray(off - 4, off);
        payload = Buffer.from(payload.map((x, i) => x ^ key[i % 4]));
      }
      this.buf = b.subarray(off + len);
      this.frames.push({ fin, opcode, payload: Buffer.from(payload) });
      this.#wake();
    }
  }

  #wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Sends one frame. payload: Buffer|string. */
  sendFrame({ fin = true, rsv = 0, opcode = 1, payload = Buffer.alloc(0), mask = true, lengthOverride } = {}) {
    const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
    const head = [((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f))];
    const len = lengthOverride ?? BigInt(data.length);
    const m = mask ? 0x80 : 0;
    let ext;
    if (typeof len === 'bigint' && len > 0xffffn) {
      head.push(m | 127);
      ext = Buffer.alloc(8);
      ext.writeBigUInt64BE(len);
    } else if (Number(len) > 125) {
      head.push(m | 126);
      ext = Buffer.alloc(2);
      ext.writeUInt16BE(Number(len));
    } else {
      head.push(m | Number(len));
      ext = Buffer.alloc(0);
    }
    let body = data;
    let key = Buffer.alloc(0);
    if (mask) {
      key = randomBytes(4);
      body = Buffer.from(data.map((x, i) => x ^ key[i % 4]));
    }
    this.socket.write(Buffer.concat([Buffer.from(head), ext, key, body]));
  }

  sendText(text, opts = {}) {
    this.sendFrame({ opcode: 1, payload: Buffer.from(text, 'utf8'), ...opts });
  }

  /** Sends a close frame with the given code (and optional reason). */
  sendClose(code, reason = '') {
    const p = Buffer.alloc(2 + Buffer.byteLength(reason));
    p.writeUInt16BE(code);
    p.write(reason, 2);
    this.sendFrame({ opcode: 8, payload: p });
  }

  /** The next frame matching pred, or null if the connection ends first; rejects on timeout. */
  async nextFrame(pred = () => true, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(pred);
      if (i >= 0) return this.frames.splice(i, 1)[0];
      if (this.ended) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms`);
      await new Promise((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /**
   * Waits for the server to close: returns {code} from its close frame (code 1005 when the close
   * frame has no code, null when the TCP connection ended without a close frame).
   */
  async serverClose(timeoutMs = 5000) {
    const f = await this.nextFrame((x) => x.opcode === 8, timeoutMs);
    if (!f) return { code: null };
    return { code: f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005, reason: f.payload.subarray(2).toString('utf8') };
  }

  /** Text frames decoded as JSON. */
  async nextJson(type, timeoutMs = 5000) {
    const f = await this.nextFrame((x) => x.opcode === 1 && (!type || JSON.parse(x.payload.toString('utf8')).type === type), timeoutMs);
    if (!f) throw new Error('connection ended');
    return JSON.parse(f.payload.toString('utf8'));
  }

  destroy() {
    this.socket.destroy();
  }
}

/**
 * Performs the opening handshake by hand. Resolves {status, headers, ws} where ws is a RawWs when
 * the server answered 101.
 */
export function rawHandshake(server, { token, path = '/ws', version = '13', key = randomBytes(16).toString('base64'), extraHeaders = [], omit = [] } = {}) {
  return new Promise((resolveHs, rejectHs) => {
    const socket = net.connect(server.port, '127.0.0.1');
    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${server.port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${key}`,
      `Sec-WebSocket-Version: ${version}`,
    ].filter((l) => !omit.some((o) => l.toLowerCase().startsWith(o.toLowerCase())));
    if (token) lines.push(`Authorization: Bearer ${token}`);
    lines.push(...extraHeaders);
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      rejectHs(new Error('handshake timeout'));
    }, 5000);
    const onData = (d) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      clearTimeout(timer);
      const head = buf.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(head[0].split(' ')[1]);
      const headers = {};
      for (const l of head.slice(1)) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const rest = buf.subarray(end + 4);
      if (status === 101) {
        const expect = createHash('sha1').update(key + GUID).digest('base64');
        if (headers['sec-websocket-accept'] !== expect) {
          socket.destroy();
          rejectHs(new Error(`bad Sec-WebSocket-Accept ${headers['sec-websocket-accept']}`));
          return;
        }
        resolveHs({ status, headers, ws: new RawWs(socket, rest) });
      } else {
        socket.destroy();
        resolveHs({ status, headers, body: rest.toString('utf8') });
      }
    };
    socket.on('data', onData);
    socket.on('error', (err) => {
      clearTimeout(timer);
      rejectHs(err);
    });
    socket.write(lines.join('\r\n') + '\r\n\r\n');
  });
}
