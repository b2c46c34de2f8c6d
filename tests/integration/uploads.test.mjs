// Files: POST /api/uploads (streamed, limits, type by content, ClamAV) and GET /api/files/:id
// (access, headers, ETag, Range), attachments on messages, the quota and the sweeper. A real
// clamd (scripts/clamd.sh, with a one-signature database) scans every upload of the main
// server; it is killed once to check that uploads then fail closed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot } from './lib/server.mjs';
import { api, assertError, register, dmId, HEX24, connectWs, rawRequest, waitFor } from './lib/client.mjs';
import {
  eicar, makePng, makeWav, makeZip, PNG_SIGNATURE, exifSegment, withExif, jpegSize, multipart,
} from './lib/files.mjs';

const T = { timeout: 60_000 };
const LIMIT = 256 * 1024;
const clamdScript = join(repoRoot, 'scripts', 'clamd.sh');

let clamd; // {GC_CLAMD_SOCKET, GC_CLAMD_DIR, GC_CLAMD_PID}
let server;
let alice;
let bob;
let carol; // the outsider

function startClamd(dir) {
  const out = execFileSync(clamdScript, dir ? ['start', dir] : ['start'], { encoding: 'utf8', timeout: 30_000 });
  return Object.fromEntries([...out.matchAll(/(GC_[A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
}

before(async () => {
  clamd = startClamd();
  server = await startServer({ args: ['--clamd-socket', clamd.GC_CLAMD_SOCKET, '--max-upload-bytes', String(LIMIT)] });
  [alice, bob, carol] = [await register(server), await register(server), await register(server)];
});
after(async () => {
  await server?.cleanup();
  if (clamd) execFileSync(clamdScript, ['stop', clamd.GC_CLAMD_DIR], { timeout: 10_000 });
});

function upload(srv, who, filename, content, options = {}) {
  const { body, contentType } = multipart(filename, content, options);
  return api(srv, 'POST', '/api/uploads', {
    token: who.token,
    rawBody: body,
    headers: { 'content-type': contentType },
  });
}

async function uploadOk(srv, who, filename, content, options) {
  const res = await upload(srv, who, filename, content, options);
  assert.equal(res.status, 201, res.text);
  return res.json.file;
}

async function download(srv, who, path, headers = {}) {
  const res = await fetch(srv.baseUrl + path, { headers: { authorization: `Bearer ${who.token}`, ...headers } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Every file stored under <data-dir>/uploads, the temporary folder included. */
function storedFiles(srv) {
  const root = join(srv.dataDir, 'uploads');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

describe('uploading', () => {
  it('stores a PNG: 201 {file} with its size, type from content, dimensions and URLs', T, async () => {
    const png = makePng(64, 48);
    const res = await upload(server, alice, 'chart.png', png);
    assert.equal(res.status, 201, res.text);
    const f = res.json.file;
    assert.match(f.id, HEX24);
    assert.equal(f.name, 'chart.png');
    assert.equal(f.size, png.length);
    assert.equal(f.mime, 'image/png');
    assert.equal(f.width, 64);
    assert.equal(f.height, 48);
    assert.equal(f.url, `/api/files/${f.id}`);
    assert.equal(f.thumbUrl, `/api/files/${f.id}?thumb=1`);
    const back = await download(server, alice, f.url);
    assert.equal(back.status, 200);
    assert.ok(back.bytes.equals(png), 'the stored bytes are the uploaded bytes');
    assert.equal(back.headers.get('content-type'), 'image/png');
  });

  it('accepts exactly the limit and refuses one byte more (413), storing nothing', T, async () => {
    const exact = await uploadOk(server, alice, 'exact.txt', Buffer.alloc(LIMIT, 'a'));
    assert.equal(exact.size, LIMIT);
    assert.equal(exact.mime, 'text/plain');
    const before = storedFiles(server).length;
    assertError(await upload(server, alice, 'over.txt', Buffer.alloc(LIMIT + 1, 'a')), 413, 'too_large');
    assert.equal(storedFiles(server).length, before);
  });

  it('refuses a declared Content-Length over the limit before reading the body', T, async () => {
    // Only the head is sent: the answer must come without a single body byte.
    const answer = await new Promise((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1', () => {
        socket.write(
          'POST /api/uploads HTTP/1.1\r\nHost: x\r\n' +
            `Authorization: Bearer ${alice.token}\r\n` +
            'Content-Type: multipart/form-data; boundary=b\r\n' +
            `Content-Length: ${100 * 1024 * 1024}\r\n\r\n`,
        );
      });
      let text = '';
      socket.on('data', (d) => {
        text += d.toString('latin1');
        if (text.includes('\r\n\r\n') && text.includes('}}')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
      socket.setTimeout(10_000, () => reject(new Error(`no answer; got ${text}`)));
    });
    assert.match(answer, /^HTTP\/1\.1 413/);
    assert.match(answer, /"too_large"/);
    // The limit is named, so that a client can say what would fit.
    assert.match(answer, new RegExp(`limit of ${LIMIT} bytes`));
  });

  it('refuses a chunked body that grows past the limit mid-stream (413)', T, async () => {
    const { body, contentType } = multipart('big.txt', Buffer.alloc(LIMIT * 3, 'b'));
    const chunks = [];
    for (let i = 0; i < body.length; i += 16 * 1024) chunks.push(body.subarray(i, i + 16 * 1024));
    const before = storedFiles(server).length;
    const res = await rawRequest(server, {
      method: 'POST',
      path: '/api/uploads',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': contentType, 'transfer-encoding': 'chunked' },
      chunks,
    });
    assertError(res, 413, 'too_large');
    assert.equal(storedFiles(server).length, before);
  });

  it('does not store a body whose Content-Length lies (shorter than what is sent)', T, async () => {
    const { body, contentType } = multipart('lie.txt', Buffer.alloc(4096, 'c'));
    const before = storedFiles(server).length;
    const res = await rawRequest(server, {
      method: 'POST',
      path: '/api/uploads',
      headers: {
        authorization: `Bearer ${alice.token}`,
        'content-type': contentType,
        'content-length': String(body.length - 100),
        connection: 'close',
      },
      chunks: [body],
    });
    // The declared bytes end inside the file part: the multipart body is incomplete.
    assertError(res, 400, 'invalid_request');
    assert.equal(storedFiles(server).length, before);
  });

  it('decides the type from the content: HTML named .png, and PNG magic followed by HTML, are 415', T, async () => {
    const html = '<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>';
    assertError(await upload(server, alice, 'innocent.png', html), 415, 'unsupported_type');
    assertError(await upload(server, alice, 'page.html', html), 415, 'unsupported_type');
    const polyglot = Buffer.concat([PNG_SIGNATURE, Buffer.from(html)]);
    assertError(await upload(server, alice, 'polyglot.png', polyglot), 415, 'unsupported_type');
    // A real image under a name that claims another type is not trusted either.
    assertError(await upload(server, alice, 'notes.txt', makePng(4, 4)), 415, 'unsupported_type');
  });

  it('keeps only a safe file name: no path, no control characters', T, async () => {
    const traversal = await uploadOk(server, alice, '../../../etc/passwd.txt', 'root:x:0:0');
    assert.equal(traversal.name, 'passwd.txt');
    const encoded = await uploadOk(server, alice, '', 'hello', {
      disposition: `name="file"; filename="x.txt"; filename*=UTF-8''..%2F..%2Fa%0D%0AX-Injected%3A%201%07%E2%80%AEtxt.exe.txt`,
    });
    assert.equal(encoded.name, 'aX-Injected: 1txt.exe.txt');
    const back = await download(server, alice, encoded.url);
    assert.equal(back.status, 200);
    assert.equal(back.headers.get('x-injected'), null);
    assert.equal(
      back.headers.get('content-disposition'),
      `attachment; filename="aX-Injected: 1txt.exe.txt"; filename*=UTF-8''aX-Injected%3A%201txt.exe.txt`,
    );
    // Nothing was written outside the uploads folder, and no stored file is named by the user.
    for (const path of storedFiles(server)) assert.match(path, /\/uploads\/[0-9a-f]{2}\/[0-9a-f]{24}(\.thumb\.jpg)?$/);
  });

  it('refuses what is not one file part of multipart/form-data', T, async () => {
    const json = await api(server, 'POST', '/api/uploads', { token: alice.token, body: { file: 'x' } });
    assertError(json, 415, 'unsupported_type');
    assertError(await upload(server, alice, 'a.txt', 'x', { field: 'other' }), 400, 'invalid_request', { field: 'file' });
    assertError(await upload(server, alice, 'empty.txt', ''), 400, 'invalid_request', { field: 'file' });
    const anonymous = await api(server, 'POST', '/api/uploads', {
      rawBody: multipart('a.txt', 'x').body,
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    });
    assertError(anonymous, 401, 'unauthorized');
  });
});

describe('virus scanning', () => {
  it('rejects EICAR alone, inside a zip and after a PNG header (422), and deletes the bytes', T, async () => {
    const before = storedFiles(server).length;
    assertError(await upload(server, alice, 'eicar.txt', eicar()), 422, 'rejected');
    assertError(await upload(server, alice, 'archive.zip', makeZip({ 'readme.txt': Buffer.from('hi'), 'eicar.com': eicar() })), 422, 'rejected');
    assertError(await upload(server, alice, 'photo.png', Buffer.concat([makePng(8, 8), eicar()])), 422, 'rejected');
    assert.equal(storedFiles(server).length, before);
    // A clean zip passes the same way.
    const zip = await uploadOk(server, alice, 'clean.zip', makeZip({ 'readme.txt': Buffer.from('just text') }));
    assert.equal(zip.mime, 'application/zip');
  });

  it('fails closed while clamd is down (503, nothing stored) and recovers when it is back', T, async () => {
    const before = storedFiles(server).length;
    process.kill(Number(clamd.GC_CLAMD_PID), 'SIGKILL');
    await waitFor(() => {
      try {
        process.kill(Number(clamd.GC_CLAMD_PID), 0);
        return false;
      } catch {
        return true;
      }
    }, { what: 'clamd to die' });
    try {
      assertError(await upload(server, alice, 'clean.txt', 'nothing to see'), 503, 'unavailable');
      assert.equal(storedFiles(server).length, before);
    } finally {
      clamd = startClamd(clamd.GC_CLAMD_DIR);
    }
    await uploadOk(server, alice, 'clean.txt', 'nothing to see');
  });
});

describe('downloading', () => {
  it('serves the file with nosniff, a sandboxing CSP, a disposition and an ETag (304 on a match)', T, async () => {
    const f = await uploadOk(server, alice, 'Über Straße.pdf.txt', 'plain words');
    const res = await download(server, alice, f.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('content-security-policy'), /sandbox/);
    assert.match(res.headers.get('content-security-policy'), /default-src 'none'/);
    assert.equal(
      res.headers.get('content-disposition'),
      `attachment; filename="_ber Stra_e.pdf.txt"; filename*=UTF-8''%C3%9Cber%20Stra%C3%9Fe.pdf.txt`,
    );
    const etag = res.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]{64}"$/);
    const again = await download(server, alice, f.url, { 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.bytes.length, 0);
  });

  it('serves byte ranges of audio (206, 416 past the end)', T, async () => {
    const wav = makeWav(20_000);
    const f = await uploadOk(server, alice, 'tone.wav', wav);
    assert.equal(f.mime, 'audio/wav');
    const first = await download(server, alice, f.url, { range: 'bytes=0-99' });
    assert.equal(first.status, 206);
    assert.equal(first.headers.get('content-range'), `bytes 0-99/${wav.length}`);
    assert.ok(first.bytes.equals(wav.subarray(0, 100)));
    assert.equal(first.headers.get('content-disposition').split(';')[0], 'inline');
    const tail = await download(server, alice, f.url, { range: 'bytes=-10' });
    assert.equal(tail.status, 206);
    assert.ok(tail.bytes.equals(wav.subarray(wav.length - 10)));
    const open = await download(server, alice, f.url, { range: `bytes=${wav.length - 5}-` });
    assert.ok(open.bytes.equals(wav.subarray(wav.length - 5)));
    const past = await download(server, alice, f.url, { range: `bytes=${wav.length}-` });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${wav.length}`);
    const whole = await download(server, alice, f.url);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.ok(whole.bytes.equals(wav));
  });

  it('gives another user nothing: 404 for the file and its preview, as for an unknown id', T, async () => {
    const f = await uploadOk(server, alice, 'private.png', makePng(16, 16));
    for (const path of [f.url, f.thumbUrl, '/api/files/ffffffffffffffffffffffff']) {
      const res = await api(server, 'GET', path, { token: carol.token });
      assertError(res, 404, 'not_found');
      assert.ok(!res.text.includes('PNG'), 'no bytes of the file');
    }
    assertError(await api(server, 'GET', f.url), 401, 'unauthorized');
  });

  it('makes an upright, metadata-free JPEG preview (EXIF orientation applied, GPS stripped)', T, async () => {
    // A JPEG to start from: the server's own preview of a wide PNG (80 x 40).
    const wide = await uploadOk(server, alice, 'wide.png', makePng(80, 40));
    const base = (await download(server, alice, wide.thumbUrl)).bytes;
    assert.deepEqual(jpegSize(base), { width: 80, height: 40 });
    // Orientation 6 (rotate 90° clockwise to display) and a GPS block.
    const tagged = withExif(base, exifSegment(6));
    const f = await uploadOk(server, alice, 'camera.jpg', tagged);
    assert.equal(f.mime, 'image/jpeg');
    assert.deepEqual([f.width, f.height], [40, 80], 'dimensions as displayed');
    const thumb = await download(server, alice, f.thumbUrl);
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(jpegSize(thumb.bytes), { width: 40, height: 80 });
    assert.equal(thumb.bytes.indexOf('Exif'), -1, 'no EXIF block in the preview');
    assert.equal(thumb.bytes.indexOf('GPSMARK'), -1, 'no GPS data in the preview');
    // The original is served as uploaded (only the preview is rewritten).
    assert.ok((await download(server, alice, f.url)).bytes.equals(tagged));
  });
});

describe('attachments', () => {
  it('an image message carries the file objects; the peer may download, the outsider may not', T, async () => {
    const f = await uploadOk(server, alice, 'for-bob.png', makePng(20, 10));
    const cid = dmId(alice, bob);
    const res = await api(server, 'POST', `/api/conversations/${cid}/messages`, {
      token: alice.token,
      body: { type: 'image', attachments: [f.id] },
    });
    assert.equal(res.status, 201, res.text);
    const m = res.json.message;
    assert.equal(m.type, 'image');
    assert.equal(m.body, '');
    assert.deepEqual(m.metadata.attachments, [f]);
    const page = await api(server, 'GET', `/api/conversations/${cid}/messages`, { token: bob.token });
    assert.deepEqual(page.json.messages.at(-1).metadata.attachments, [f]);
    assert.equal((await download(server, bob, f.url)).status, 200);
    assert.equal((await download(server, bob, f.thumbUrl)).status, 200);
    assertError(await api(server, 'GET', f.url, { token: carol.token }), 404, 'not_found');
    // Once the message is deleted, the peer's access ends with it; the uploader keeps theirs.
    assert.equal((await api(server, 'DELETE', `/api/messages/${m.id}`, { token: alice.token })).status, 200);
    assertError(await api(server, 'GET', f.url, { token: bob.token }), 404, 'not_found');
    assert.equal((await download(server, alice, f.url)).status, 200);
  });

  it("refuses to attach another user's upload (403), over REST and the WebSocket", T, async () => {
    const bobs = await uploadOk(server, bob, 'bobs.txt', 'bob wrote this');
    const cid = dmId(alice, carol);
    const rest = await api(server, 'POST', `/api/conversations/${cid}/messages`, {
      token: alice.token,
      body: { type: 'file', body: 'look', attachments: [bobs.id] },
    });
    assertError(rest, 403, 'forbidden', { field: 'attachments' });
    const ws = await connectWs(server, { token: alice.token });
    try {
      ws.send({ type: 'send', clientMsgId: 'steal-1', conversationId: cid, body: '', msgType: 'file', attachments: [bobs.id] });
      const err = await ws.next((f) => f.type === 'error' && f.ref === 'steal-1');
      assert.equal(err.code, 'forbidden');
      // Its own upload goes through the same path.
      const mine = await uploadOk(server, alice, 'mine.txt', 'alice wrote this');
      ws.send({ type: 'send', clientMsgId: 'own-1', conversationId: cid, body: 'mine', msgType: 'file', attachments: [mine.id] });
      const ack = await ws.next((f) => f.type === 'ack' && f.clientMsgId === 'own-1');
      assert.deepEqual(ack.message.metadata.attachments, [mine]);
      // A file needs no caption: the frame may leave `body` out altogether.
      ws.send({ type: 'send', clientMsgId: 'own-2', conversationId: cid, msgType: 'file', attachments: [mine.id] });
      const bare = await ws.next((f) => (f.type === 'ack' && f.clientMsgId === 'own-2') || (f.type === 'error' && f.ref === 'own-2'));
      assert.equal(bare.type, 'ack', JSON.stringify(bare));
      assert.equal(bare.message.body, '');
    } finally {
      ws.close();
    }
    assertError(await api(server, 'GET', bobs.url, { token: carol.token }), 404, 'not_found');
    const page = await api(server, 'GET', `/api/conversations/${cid}/messages`, { token: carol.token });
    assert.ok(page.json.messages.every((m) => !m.metadata.attachments.some((a) => a.id === bobs.id)));
  });

  it('checks the attachments list: images only on image messages, none on text', T, async () => {
    const txt = await uploadOk(server, alice, 'a.txt', 'text');
    const cid = dmId(alice, bob);
    const post = (body) => api(server, 'POST', `/api/conversations/${cid}/messages`, { token: alice.token, body });
    assertError(await post({ type: 'image', attachments: [txt.id] }), 400, 'invalid_request', { field: 'attachments' });
    assertError(await post({ type: 'text', body: 'x', attachments: [txt.id] }), 400, 'invalid_request', { field: 'attachments' });
    assertError(await post({ type: 'file', attachments: [] }), 400, 'invalid_request', { field: 'attachments' });
    assertError(await post({ type: 'file', attachments: ['nope'] }), 400, 'invalid_request', { field: 'attachments' });
  });
});

describe('quota and sweeper', () => {
  it("refuses an upload past the user's quota (413) and counts per user", T, async () => {
    const srv = await startServer({ args: ['--upload-quota-bytes', '1000'] });
    try {
      const [a, b] = [await register(srv), await register(srv)];
      await uploadOk(srv, a, 'a.txt', Buffer.alloc(600, 'a'));
      await uploadOk(srv, a, 'b.txt', Buffer.alloc(400, 'b'));
      assertError(await upload(srv, a, 'c.txt', 'more text'), 413, 'too_large', { field: 'quota' });
      await uploadOk(srv, b, 'd.txt', Buffer.alloc(1000, 'd'));
      assert.equal(storedFiles(srv).length, 3);
    } finally {
      await srv.cleanup();
    }
  });

  it('removes uploads no message carries once they expire, and keeps the attached ones', T, async () => {
    // A TTL of a few seconds: long enough for the attached upload to be sent before it expires
    // on a busy machine, short enough to watch the other one go.
    const srv = await startServer({ args: ['--upload-ttl', '4', '--upload-sweep-interval', '1'] });
    try {
      const [a, b] = [await register(srv), await register(srv)];
      const loose = await uploadOk(srv, a, 'loose.png', makePng(8, 8));
      const sent = await uploadOk(srv, a, 'sent.png', makePng(8, 8));
      const res = await api(srv, 'POST', `/api/conversations/${dmId(a, b)}/messages`, {
        token: a.token,
        body: { type: 'image', attachments: [sent.id] },
      });
      assert.equal(res.status, 201, res.text);
      await waitFor(async () => (await api(srv, 'GET', loose.url, { token: a.token })).status === 404, {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: 'the unattached upload to be swept',
      });
      assert.equal((await download(srv, b, sent.url)).status, 200);
      // Its file and preview go from the disk too (just after its row, so wait for them); the
      // attached one's remain.
      await waitFor(() => !storedFiles(srv).some((f) => f.includes(loose.id)), {
        timeoutMs: 10_000,
        intervalMs: 100,
        what: "the swept upload's files to be removed",
      });
      const files = storedFiles(srv).join('\n');
      assert.ok(files.includes(`${sent.id}.thumb.jpg`), files);
    } finally {
      await srv.cleanup();
    }
  });
});
