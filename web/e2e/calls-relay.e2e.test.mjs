// End to end, a call relayed through coturn: the video service hands out TURN credentials
// (coturn REST scheme) for coturn on loopback (scripts/coturn.sh), both browsers are
// relay-only (iceTransportPolicy 'relay'), and the call connects and decodes video over a
// relay-to-relay candidate pair. coturn is part of the set-up (scripts/setup.sh): without it
// this suite fails.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServerWithVideo, repoRoot } from '../../tests/integration/lib/server.mjs';
import { launchChromium } from './pages.mjs';
import { calls, signedInCaller } from './call-pages.mjs';

const webRoot = process.env.GC_WEB_ROOT ?? join(repoRoot, 'web', 'out');
const script = join(repoRoot, 'scripts', 'coturn.sh');
const WAIT = { timeout: 20_000 };
const T = { timeout: 120_000 };

let coturn;
let server;
let video;
let browser;
const pages = {};

before(async () => {
  assert.ok(existsSync(join(webRoot, 'index.html')), `no built web client in ${webRoot}: make build`);
  const out = execFileSync(script, ['start'], { encoding: 'utf8', timeout: 20_000 });
  coturn = Object.fromEntries([...out.matchAll(/(GC_[A-Z_]+)=('([^']*)'|(\S+))/g)].map((m) => [m[1], m[3] ?? m[4]]));
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
});
