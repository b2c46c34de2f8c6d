// End to end, calls: real Chromium contexts with the fake camera and microphone place calls
// through the UI against the real chat server and video service. Two people in a DM connect
// and decode each other's video (getStats framesDecoded), see each other's mute, share a
// screen (the same receiver track keeps decoding at the screen's size, with no new offer),
// and hang up (connections closed on both sides, the call's end in the conversation). A
// declined and a cancelled call leave their notes; three people in a group all see each other.
// Bob's browser is a 360 px phone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServerWithVideo, repoRoot } from '../../tests/integration/lib/server.mjs';
import { waitFor } from '../../tests/integration/lib/client.mjs';
import { launchChromium } from './pages.mjs';
import { social } from './social-pages.mjs';
import { calls, signedInCaller } from './call-pages.mjs';

const webRoot = process.env.GC_WEB_ROOT ?? join(repoRoot, 'web', 'out');
const WAIT = { timeout: 20_000 };
const T = { timeout: 120_000 };
// The sign-in page asks /api/auth/me first; its 401 is how it learns nobody is signed in.
const unexpected = (errors) => errors.filter((e) => !/status of 401/.test(e));

let server;
let video;
let browser;
const users = {};
const pages = {};

before(async () => {
  assert.ok(existsSync(join(webRoot, 'index.html')), `no built web client in ${webRoot}: make build`);
  ({ server, video } = await startServerWithVideo({ serverArgs: ['--web-root', webRoot] }));
  browser = await launchChromium();
  const viewports = { alice: { width: 1280, height: 800 }, bob: { width: 360, height: 740 }, carol: { width: 1024, height: 700 } };
  for (const who of ['alice', 'bob', 'carol']) {
    ({ chat: pages[who], user: users[who] } = await signedInCaller(browser, server, who, { viewport: viewports[who] }));
  }
});

after(async () => {
  await browser?.close();
  await video?.cleanup();
  await server?.cleanup();
});

describe('calls in the web client', { concurrency: false }, () => {
  it('alice calls bob: both decode video, mute shows, screen share swaps the track, hang-up cleans up', T, async (t) => {
    const { alice, bob } = pages;
    await alice.startDm('bob');
    await calls(alice).start();
    assert.equal(await calls(alice).view().getAttribute('data-phase'), 'ringing');

    // Bob is ringing (and the invite is in the conversation's history).
    const ring = calls(bob).incoming();
    await ring.waitFor(WAIT);
    assert.match(await ring.textContent(), /alice/);
    await alice.message('Started a video call').waitFor({ state: 'attached', ...WAIT });
    await bob.shot('call-incoming');
    const accepted = Date.now();
    await calls(bob).accept();

    const [aliceSide] = await calls(alice).decoding(1);
    const [bobSide] = await calls(bob).decoding(1);
    // Call setup time (docs/performance.md), to the 200 ms of the polling.
    t.diagnostic(`call setup: accept → video decoded on both sides in ${Date.now() - accepted} ms`);
    // Without TURN configured, iceServers are empty and the pair is host to host on loopback.
    assert.equal(aliceSide.pair?.local, 'host');
    assert.equal(bobSide.pair?.local, 'host');
    await calls(alice).view().and(alice.page.locator('[data-phase="connected"]')).waitFor(WAIT);
    await alice.byTest('call-status').filter({ hasText: /^\d+:\d\d$/ }).waitFor(WAIT);

    // Media state: bob mutes; alice's tile of bob says so, and stops saying it on unmute.
    await bob.byTest('toggle-mic').click();
    const bobTile = calls(alice).tile(users.bob.user.id);
    await bobTile.getByTestId('indicator-muted').waitFor(WAIT);
    await bob.byTest('toggle-mic').click();
    await bobTile.getByTestId('indicator-muted').waitFor({ state: 'detached', ...WAIT });

    // Voice only: bob's camera goes (alice's tile of bob says so) and bob stops showing video;
    // back to video, alice decodes bob's camera again on the same connection.
    await bob.byTest('toggle-voice-only').click();
    await bobTile.getByTestId('indicator-camera-off').waitFor(WAIT);
    assert.equal(await bob.byTest('toggle-voice-only').getAttribute('aria-pressed'), 'true');
    assert.equal(await calls(bob).tile(users.alice.user.id).getByTestId('remote-video').isVisible(), false);
    await bob.byTest('toggle-voice-only').click();
    await bobTile.getByTestId('indicator-camera-off').waitFor({ state: 'detached', ...WAIT });
    await calls(bob).tile(users.alice.user.id).getByTestId('remote-video').waitFor({ state: 'visible', ...WAIT });
    const decoded = (await calls(alice).live())[0].video[0].framesDecoded;
    await waitFor(async () => (await calls(alice).live())[0].video[0].framesDecoded > decoded + 10, {
      timeoutMs: 30_000, intervalMs: 200, what: "bob's camera decoded again at alice",
    });

    // Screen share: the same receiver track at bob goes on decoding, now in the screen's shape
    // (the fake camera is 4:3, the fake screen 16:9; the encoder may scale either, but keeps
    // the shape), and no side applied another description (replaceTrack, no renegotiation).
    const shape = (v) => v.frameWidth / Math.max(1, v.frameHeight);
    const near = (v, ratio) => Math.abs(shape(v) - ratio) < 0.06;
    const before = (await calls(bob).live())[0];
    assert.ok(near(before.video[0], 4 / 3), JSON.stringify(before.video));
    const aliceBefore = (await calls(alice).live())[0];
    await alice.byTest('toggle-screen').click();
    await calls(bob).tile(users.alice.user.id).getByTestId('indicator-sharing').waitFor(WAIT);
    const shared = await waitFor(
      async () => {
        const [s] = await calls(bob).live();
        const v = s?.video.find((x) => x.track === before.video[0].track);
        return v && near(v, 16 / 9) && v.framesDecoded > before.video[0].framesDecoded + 10 ? s : null;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the screen decoded at bob' },
    );
    assert.equal(shared.video.length, 1, 'one inbound video: the track was replaced, not added');
    assert.equal(shared.remoteDescriptions, before.remoteDescriptions, 'bob applied no new description');
    assert.equal((await calls(alice).live())[0].remoteDescriptions, aliceBefore.remoteDescriptions);
    await alice.shot('call-screen-share');
    await bob.shot('call-mobile');
    await alice.byTest('toggle-screen').click(); // back to the camera
    await calls(bob).tile(users.alice.user.id).getByTestId('indicator-sharing').waitFor({ state: 'detached', ...WAIT });
    await waitFor(async () => {
      const v = (await calls(bob).live())[0]?.video[0];
      return v && near(v, 4 / 3);
    }, { timeoutMs: 30_000, intervalMs: 200, what: 'the camera back at bob' });

    // Hang-up: alice leaves; bob gets peer-left and his call ends too; every connection closed.
    await calls(alice).hangUp();
    await calls(bob).view().waitFor({ state: 'detached', ...WAIT });
    for (const who of [alice, bob]) {
      const all = await calls(who).stats();
      assert.ok(all.length >= 1);
      assert.deepEqual(all.map((s) => s.signaling), all.map(() => 'closed'), 'every connection closed');
      // The camera, microphone and screen are released.
      const tracks = await calls(who).tracks();
      assert.ok(tracks.length >= 2, tracks.join());
      assert.deepEqual(tracks.filter((t) => !t.endsWith('ended')), [], 'no capture left running');
    }
    // The call's end is in the conversation for both (alice placed it: she records it).
    for (const who of [alice, bob]) {
      if (who === bob) await bob.openConversation('alice');
      await who.byTest('system-note').filter({ hasText: /Call ended · \d+:\d\d/ }).waitFor(WAIT);
    }
    assert.deepEqual(unexpected(alice.errors), []);
    assert.deepEqual(unexpected(bob.errors), []);
  });

  it('a declined call and a call the caller gave up on are noted in the conversation', T, async () => {
    const { alice, bob } = pages;
    await calls(alice).start();
    await calls(bob).incoming().waitFor(WAIT);
    await calls(bob).decline();
    await calls(alice).view().waitFor({ state: 'detached', ...WAIT });
    await alice.byTest('call-notice').filter({ hasText: 'Call declined' }).waitFor(WAIT);
    await alice.byTest('system-note').filter({ hasText: 'Call declined' }).waitFor(WAIT);

    // Alice hangs up before bob answers: his ringing stops, both see a missed call.
    await calls(alice).start();
    await calls(bob).incoming().waitFor(WAIT);
    await calls(alice).hangUp();
    await calls(bob).incoming().waitFor({ state: 'detached', ...WAIT });
    for (const who of [alice, bob]) await who.byTest('system-note').filter({ hasText: 'Missed call' }).waitFor(WAIT);
    assert.equal((await calls(alice).live()).length, 0);
  });

  it('three people in a group call: every side decodes both others', T, async () => {
    const { alice, bob, carol } = pages;
    await social(alice).createGroup('Standup', { members: ['bob', 'carol'] });
    await calls(alice).start();
    for (const who of [bob, carol]) {
      const ring = calls(who).incoming();
      await ring.waitFor(WAIT);
      assert.match(await ring.textContent(), /Standup/);
      await calls(who).accept();
    }
    const mesh = await Promise.all([alice, bob, carol].map((who) => calls(who).decoding(2, { timeoutMs: 45_000 })));
    for (const sides of mesh) assert.equal(sides.length, 2);
    for (const who of [alice, bob, carol]) {
      await calls(who).view().getByTestId('call-tile').nth(2).waitFor(WAIT);
      assert.equal(await calls(who).view().getByTestId('call-tile').count(), 3);
    }
    await carol.shot('call-group');

    // Carol leaves: the other two keep their call, each down to one connection.
    await calls(carol).hangUp();
    for (const who of [alice, bob]) {
      await calls(who).tile(users.carol.user.id).waitFor({ state: 'detached', ...WAIT });
      await calls(who).decoding(1);
    }
    // The group's header offers her the call that is still on; she joins again.
    await carol.openConversation('Standup');
    await carol.byTest('join-call').click();
    await calls(carol).view().waitFor(WAIT);
    await calls(carol).decoding(2, { timeoutMs: 45_000 });
    await calls(carol).hangUp();
    for (const who of [alice, bob]) await calls(who).tile(users.carol.user.id).waitFor({ state: 'detached', ...WAIT });
    await calls(bob).hangUp();
    await calls(alice).view().waitFor({ state: 'detached', ...WAIT });
    await alice.byTest('system-note').filter({ hasText: /Call ended/ }).waitFor(WAIT);
    for (const who of [alice, bob, carol]) assert.equal((await calls(who).live()).length, 0);
  });
});
