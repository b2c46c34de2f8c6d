// Health, readiness, metrics, and the admin provisioning command.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, scrapeMetrics, metricSum, runServerCommand, makeTempDir } from './lib/server.mjs';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { api, assertError, register, login, connectWs, closeAllWs, dmId, postMessage } from './lib/client.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  closeAllWs();
  await server?.cleanup();
});

const T = { timeout: 20_000 };

describe('health', () => {
  it('/healthz → 200 {"status":"ok"}', T, async () => {
    const res = await api(server, 'GET', '/healthz');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { status: 'ok' });
  });

  it('/readyz → 200 {"status":"ready"}', T, async () => {
    const res = await api(server, 'GET', '/readyz');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { status: 'ready' });
  });
});

describe('metrics', () => {
  it('Prometheus text with the documented series, and they move', T, async () => {
    const a = await register(server);
    const b = await register(server);
    const ws = await connectWs(server, { token: b.token });
    await ws.sync();
    await postMessage(server, a, dmId(a, b), 'count me');
    await ws.next('message');
    // A send over the WebSocket is timed from its acceptance to its ack.
    ws.send({ type: 'send', clientMsgId: 'm-1', conversationId: dmId(a, b), body: 'timed', msgType: 'text' });
    await ws.next('ack');

    const m = await scrapeMetrics(server);
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type') ?? '', /^text\/plain/);
    for (const name of [
      'gc_ws_connections',
      'gc_messages_committed_total',
      'gc_commit_batch_size',
      'gc_commit_seconds',
      'gc_wal_sync_seconds',
      'gc_completion_seconds',
      'gc_ws_send_ack_seconds',
      'gc_search_backlog',
      'gc_writer_held_seconds',
      'gc_wal_resets_total',
      'gc_frames_fanned_out_total',
      'gc_slow_consumers_closed_total',
      'gc_http_request_duration_seconds',
      'gc_http_requests_total',
    ]) {
      assert.match(m.text, new RegExp(`^# TYPE ${name} `, 'm'), `# TYPE line for ${name}`);
    }
    assert.match(m.text, /^# TYPE gc_ws_connections gauge$/m);
    assert.match(m.text, /^# TYPE gc_search_backlog gauge$/m);
    assert.match(m.text, /^gc_search_backlog \d+$/m);
    assert.match(m.text, /^# TYPE gc_commit_batch_size histogram$/m);
    assert.match(m.text, /^# TYPE gc_http_request_duration_seconds histogram$/m);
    assert.match(m.text, /^gc_http_request_duration_seconds_bucket\{[^}]*le="\+Inf"[^}]*\} \d+/m);
    assert.match(m.text, /^gc_commit_batch_size_bucket\{[^}]*le="\+Inf"[^}]*\} \d+/m);
    assert.ok(metricSum(m.values, 'gc_ws_connections') >= 1, 'an open WebSocket is counted');
    assert.ok(metricSum(m.values, 'gc_messages_committed_total') >= 1, 'a committed message is counted');
    assert.ok(metricSum(m.values, 'gc_commit_batch_size_count') >= 1, 'a commit batch is observed');
    // The three stages of an acknowledged write are each timed at least once.
    for (const stage of ['gc_commit_seconds', 'gc_wal_sync_seconds', 'gc_completion_seconds']) {
      assert.match(m.text, new RegExp(`^# TYPE ${stage} histogram$`, 'm'));
      assert.ok(metricSum(m.values, `${stage}_count`) >= 1, `${stage} observed`);
    }
    assert.equal(metricSum(m.values, 'gc_ws_send_ack_seconds_count'), 1, 'the WebSocket send is timed');
    assert.ok(metricSum(m.values, 'gc_frames_fanned_out_total') >= 1, 'a fanned-out frame is counted');
    assert.ok(metricSum(m.values, 'gc_http_request_duration_seconds_count') >= 1);
    assert.equal(metricSum(m.values, 'gc_slow_consumers_closed_total'), 0);

    const before = metricSum(m.values, 'gc_messages_committed_total');
    await postMessage(server, a, dmId(a, b), 'and me');
    const m2 = await scrapeMetrics(server);
    assert.equal(metricSum(m2.values, 'gc_messages_committed_total'), before + 1);
    ws.close();
  });

  it('errors are JSON for ops routes too', T, async () => {
    assertError(await api(server, 'POST', '/healthz', { body: {} }), 405, 'method_not_allowed');
  });
});

describe('admin create-users', () => {
  it('creates P1..PN once (idempotent), and they can log in', { timeout: 40_000 }, async () => {
    const dir = makeTempDir('gc-admin-');
    const prefix = randomName();
    const args = ['admin', 'create-users', '--prefix', prefix, '--count', '3', '--password', 'pw123456', '--db', `sqlite://${dir}/chat.db`];
    const first = await runServerCommand(args);
    assert.equal(first.code, 0, `exit code; stderr: ${first.stderr}`);
    assert.equal(printedCount(first.stdout), 3, `first run prints 3: ${JSON.stringify(first.stdout)}`);
    const second = await runServerCommand(args);
    assert.equal(second.code, 0, `exit code; stderr: ${second.stderr}`);
    assert.equal(printedCount(second.stdout), 0, `second run prints 0: ${JSON.stringify(second.stdout)}`);
    // Growing the batch creates only the new ones.
    const third = await runServerCommand(args.map((x) => (x === '3' ? '5' : x)));
    assert.equal(printedCount(third.stdout), 2, `count 5 after 3 prints 2: ${JSON.stringify(third.stdout)}`);

    const s = await startServer({ dataDir: dir });
    try {
      for (const i of [1, 2, 3, 5]) {
        const res = await login(s, `${prefix}${i}`, 'pw123456');
        assert.equal(res.status, 200, `${prefix}${i}: ${res.text}`);
        assert.equal(res.json.user.username, `${prefix}${i}`);
        assert.equal(res.json.user.email, `${prefix}${i}@example.test`);
      }
      const byEmail = await login(s, `${prefix}2@example.test`, 'pw123456');
      assert.equal(byEmail.status, 200);
      assertError(await login(s, `${prefix}6`, 'pw123456'), 401, 'unauthorized');
      assertError(await login(s, `${prefix}1`, 'wrong-password'), 401, 'unauthorized');
    } finally {
      await s.cleanup();
      if (!process.env.GC_KEEP_DATA) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad arguments fail with a non-zero exit code', T, async () => {
    const dir = makeTempDir('gc-admin-');
    try {
      const res = await runServerCommand(['admin', 'create-users', '--prefix', 'bad-prefix!', '--count', '2', '--password', 'pw123456', '--db', `sqlite://${dir}/chat.db`]);
      assert.notEqual(res.code, 0, `invalid prefix accepted: ${res.stdout}`);
      const res2 = await runServerCommand(['admin', 'create-users', '--prefix', 'ok', '--count', '2', '--password', 'short', '--db', `sqlite://${dir}/chat.db`]);
      assert.notEqual(res2.code, 0, `a 5-byte password accepted: ${res2.stdout}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('admin create-friendships', () => {
  it('befriends each user with its ring neighbours once (idempotent); the server loads them', { timeout: 40_000 }, async () => {
    const dir = makeTempDir('gc-admin-');
    const prefix = randomName();
    const db = `sqlite://${dir}/chat.db`;
    try {
      const users = await runServerCommand(['admin', 'create-users', '--prefix', prefix, '--count', '6', '--password', 'pw123456', '--db', db]);
      assert.equal(users.code, 0, `create-users; stderr: ${users.stderr}`);
      // 6 users, 2 friends each: i befriends i+1 (mod 6), so i's friends are i-1 and i+1.
      const args = ['admin', 'create-friendships', '--prefix', prefix, '--count', '6', '--per-user', '2', '--db', db];
      const first = await runServerCommand(args);
      assert.equal(first.code, 0, `exit code; stderr: ${first.stderr}`);
      assert.equal(printedCount(first.stdout), 6, `first run prints 6: ${JSON.stringify(first.stdout)}`);
      const second = await runServerCommand(args);
      assert.equal(second.code, 0, `exit code; stderr: ${second.stderr}`);
      assert.equal(printedCount(second.stdout), 0, `second run prints 0: ${JSON.stringify(second.stdout)}`);
      // Four each: the two new pairs per user are i±2; i±1 exist already.
      const more = await runServerCommand(args.map((x) => (x === '2' ? '4' : x)));
      assert.equal(printedCount(more.stdout), 6, `per-user 4 after 2 prints 6: ${JSON.stringify(more.stdout)}`);

      const s = await startServer({ dataDir: dir });
      try {
        const names = async (i) => {
          const who = await login(s, `${prefix}${i}`, 'pw123456');
          assert.equal(who.status, 200, who.text);
          const res = await api(s, 'GET', '/api/friends', { token: who.json.token });
          assert.equal(res.status, 200, res.text);
          assert.equal(res.json.incoming.length + res.json.outgoing.length, 0, 'no requests, only friendships');
          return { who: who.json, friends: res.json.friends.map((u) => u.username).sort() };
        };
        const one = await names(1);
        assert.deepEqual(one.friends, [2, 3, 5, 6].map((i) => `${prefix}${i}`).sort());
        const four = await names(4);
        assert.deepEqual(four.friends, [2, 3, 5, 6].map((i) => `${prefix}${i}`).sort());
        // Loaded into the social graph: presence reaches a friend, not the one across the ring.
        const two = (await names(2)).who;
        const w1 = await connectWs(s, { token: one.who.token });
        await w1.sync();
        await connectWs(s, { token: two.token });
        const on = await w1.next((f) => f.type === 'presence' && f.userId === two.user.id);
        assert.equal(on.status, 'online');
        await connectWs(s, { token: four.who.token });
        await w1.assertNoFrame((f) => f.type === 'presence' && f.userId === four.who.user.id, 'presence of a non-friend');
      } finally {
        closeAllWs();
        await s.cleanup();
      }
    } finally {
      if (!process.env.GC_KEEP_DATA) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an odd or too large --per-user, and users that do not exist', T, async () => {
    const dir = makeTempDir('gc-admin-');
    const db = `sqlite://${dir}/chat.db`;
    try {
      assert.equal((await runServerCommand(['admin', 'create-users', '--prefix', 'ring', '--count', '4', '--password', 'pw123456', '--db', db])).code, 0);
      for (const [count, perUser] of [['4', '3'], ['4', '4'], ['5', '2']]) {
        const res = await runServerCommand(['admin', 'create-friendships', '--prefix', 'ring', '--count', count, '--per-user', perUser, '--db', db]);
        assert.notEqual(res.code, 0, `--count ${count} --per-user ${perUser} accepted: ${res.stdout}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The count the command printed: the first number that is not part of a word (so "P3" is not one).
function printedCount(text) {
  const m = /(?<![A-Za-z0-9_])\d+(?![A-Za-z0-9_])/.exec(String(text));
  return m ? Number(m[0]) : NaN;
}

// A letters-only prefix, so that user names P1..PN are unambiguous.
function randomName() {
  return 'adm' + [...randomBytes(6)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}
