// A real TURN allocation through coturn on loopback (scripts/coturn.sh) with the credentials
// gopherchat-video hands out: coturn accepts them and relays; a tampered credential is refused.
// coturn is part of the set-up (scripts/setup.sh installs it): without it this suite fails.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, startVideo, repoRoot } from './lib/server.mjs';
import { api, register } from './lib/client.mjs';

const T = { timeout: 60_000 };
const script = join(repoRoot, 'scripts', 'coturn.sh');

let coturn; // {GC_COTURN_PORT, GC_COTURN_DIR, GC_TURN_SECRET, GC_TURN_URLS}
let server;
let video;
before(async () => {
  try {
    execFileSync('sh', ['-c', 'command -v turnserver && command -v turnutils_uclient'], { stdio: 'ignore' });
  } catch {
    throw new Error('coturn is not installed: run scripts/setup.sh (make test does)');
  }
  const out = execFileSync(script, ['start'], { encoding: 'utf8', timeout: 20_000 });
  coturn = Object.fromEntries(
    [...out.matchAll(/(GC_[A-Z_]+)=('([^']*)'|(\S+))/g)].map((m) => [m[1], m[3] ?? m[4]]),
  );
  server = await startServer();
  // The secret and URLs through their environment twins, as an operator would set them.
  video = await startVideo({
    server,
    env: { GC_TURN_SECRET: coturn.GC_TURN_SECRET, GC_TURN_URLS: coturn.GC_TURN_URLS },
  });
});
after(async () => {
  await video?.cleanup();
  await server?.cleanup();
  if (coturn) execFileSync(script, ['stop', coturn.GC_COTURN_DIR], { timeout: 10_000 });
});

/** turnutils_uclient: two allocations that relay to each other (-y), one message each way. */
function allocate(username, credential) {
  return new Promise((resolveRun) => {
    execFile(
      'turnutils_uclient',
      ['-p', coturn.GC_COTURN_PORT, '-u', username, '-w', credential, '-n', '1', '-m', '1', '-y', '127.0.0.1'],
      { timeout: 20_000 },
      (err, stdout, stderr) => resolveRun({ code: err ? err.code ?? -1 : 0, out: String(stdout) + String(stderr) }),
    );
  });
}

describe('TURN through coturn', () => {
  it('the credentials of POST /api/rooms/create allocate and relay; a tampered one is refused', T, async () => {
    const a = await register(server);
    const res = await api(video, 'POST', '/api/rooms/create', { token: a.token, body: {} });
    assert.equal(res.status, 201, res.text);
    const turn = res.json.iceServers.find((s) => s.username);
    assert.ok(turn, JSON.stringify(res.json.iceServers));
    assert.ok(turn.urls.includes(`turn:127.0.0.1:${coturn.GC_COTURN_PORT}?transport=udp`));

    const good = await allocate(turn.username, turn.credential);
    assert.equal(good.code, 0, good.out);
    assert.match(good.out, /Total lost packets 0 /);

    const bad = await allocate(turn.username, `x${turn.credential}`);
    assert.notEqual(bad.code, 0);
    assert.match(bad.out, /Cannot complete Allocation/);
  });
});
