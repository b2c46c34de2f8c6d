// End to end, a call relayed through coturn: the video service hands out TURN credentials
// (coturn REST scheme) for coturn on loopback (scripts/coturn.sh), both browsers are
// relay-only (iceTransportPolicy 'relay'), and the call connects and decodes video over a
// relay-to-relay candidate pair. Then coturn is killed mid-call and started again on the same
// port: both sides restart ICE (client/peer-link.ts) and the same call decodes again over the
// relay. coturn is part of the set-up (scripts/setup.sh): without it this suite fails.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServerWithVideo, repoRoot } from '../../tests/integration/lib/server.mjs';
import { waitFor } from '../../tests/integration/lib/client.mjs';
import { launchChromium } from './pages.mjs';
import { calls, signedInCaller } from './call-pages.mjs';

const webRoot = process.env.GC_WEB_ROOT ?? join(repoRoot, 'web', 'out');
const script = join(repoRoot, 'scripts', 'coturn.sh');
const WAIT = { timeout: 20_000 };
const T = { timeout: 120_000 };

// Starts coturn (again from `dir`: same port and secret); returns its GC_* variables.
function startCoturn(dir) {
  const out = execFileSync(script, dir ? ['start', dir] : ['start'], { encoding: 'utf8', timeout: 20_000 });
  return Object.fromEntries([...out.matchAll(/(GC_[A-Z_]+)=('([^']*)'|(\S+))/g)].map((m) => [m[1], m[3] ?? m[4]]));
}

let coturn;
let server;
let video;
let browser;
const pages = {};

before(async () => {
  assert.ok(existsSync(join(webRoot, 'index.html')), `no built web client in ${webRoot}: make build`);
  coturn = startCoturn();
  ({ server, video } = await startServerWithVideo({
    serverArgs: ['--web-root', webRoot],
    videoEnv: { GC_TURN_SECRET: coturn.GC_TURN_SECRET, GC_TURN_URLS: coturn.GC_TURN_URLS },
  }));
  browser = await launchChromium();
  for (const who of ['alice', 'bob']) {
    ({ chat: pages[who] } = await signedInCaller(browser, server, who, { relayOnly: true }));
  }
});

after(async () => {
  await browser?.close();
  await video?.cleanup();
  await server?.cleanup();
  if (coturn) execFileSync(script, ['stop', coturn.GC_COTURN_DIR], { timeout: 10_000 });
});

describe('a call through TURN', () => {
  it('relay-only on both sides: the call connects over relay candidates and decodes video', T, async () => {
    const { alice, bob } = pages;
    await alice.startDm('bob');
    await calls(alice).start();
    await calls(bob).incoming().waitFor(WAIT);
    await calls(bob).accept();
    for (const who of [alice, bob]) {
      const [side] = await calls(who).decoding(1, { minFrames: 10, timeoutMs: 45_000 });
      assert.equal(side.policy, 'relay');
      assert.deepEqual(side.pair, { local: 'relay', remote: 'relay' }, 'only relay candidates carry the call');
      // The TURN server came from the video service, with a short-lived REST credential.
      const turn = side.iceServers.find((s) => s.username);
      assert.ok(turn, JSON.stringify(side.iceServers));
      assert.match(turn.username, /^\d+:[0-9a-f]{24}$/);
      assert.ok([turn.urls].flat().some((u) => u.includes(`127.0.0.1:${coturn.GC_COTURN_PORT}`)));
    }
    await calls(alice).hangUp();
    await calls(bob).view().waitFor({ state: 'detached', ...WAIT });
  });

  it('the relay dies mid-call and comes back: both sides restart ICE and the call decodes again', T, async () => {
    const { alice, bob } = pages;
    const sides = [alice, bob];
    const earlier = await Promise.all(sides.map(async (who) => (await calls(who).stats()).length));
    await calls(alice).start();
    await calls(bob).incoming().waitFor(WAIT);
    await calls(bob).accept();
    const before = [];
    for (const who of sides) before.push((await calls(who).decoding(1, { minFrames: 10, timeoutMs: 45_000 }))[0]);

    // The only path is gone: consent checks go unanswered and both connections notice.
    process.kill(Number(coturn.GC_COTURN_PID), 'SIGKILL');
    for (const who of sides) {
      await waitFor(async () => (await calls(who).live())[0]?.connection !== 'connected', {
        timeoutMs: 30_000, intervalMs: 100, what: 'the connection to notice the relay is gone',
      });
    }
    coturn = startCoturn(coturn.GC_COTURN_DIR); // same port and secret: the credentials still work

    // Restarted (a fresh ufrag), connected again over the relay, frames flowing again; the call
    // itself never ended.
    for (const [i, who] of sides.entries()) {
      const side = await waitFor(
        async () => {
          const [s] = await calls(who).live();
          const v = s?.video[0];
          return s && s.connection === 'connected' && s.ufrag !== before[i].ufrag &&
            v && v.framesDecoded > before[i].video[0].framesDecoded + 10 ? s : null;
        },
        { timeoutMs: 60_000, intervalMs: 200, what: 'the call to come back after an ICE restart' },
      );
      assert.deepEqual(side.pair, { local: 'relay', remote: 'relay' });
      assert.equal((await calls(who).stats()).length, earlier[i] + 1, 'the same connection, not a new one');
    }
    await calls(alice).hangUp();
    await calls(bob).view().waitFor({ state: 'detached', ...WAIT });
  });
});
