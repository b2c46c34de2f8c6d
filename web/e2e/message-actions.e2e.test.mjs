// End to end: the message features in Chromium against the real server. Two people in two
// browser contexts edit (live, "edited", history), react (live toggles), reply (quote, jump to
// the original), delete (a tombstone on both sides), search (a hit opens in context), mute,
// and scroll a conversation of 10,000 messages with only a window of rows in the DOM.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot } from '../../tests/integration/lib/server.mjs';
import { api, connectWs, dmId, postMessage, register, waitFor } from '../../tests/integration/lib/client.mjs';
import { ChatPage, launchChromium } from './pages.mjs';

const webRoot = process.env.GC_WEB_ROOT ?? join(repoRoot, 'web', 'out');
const WAIT = { timeout: 15_000 };
const T = { timeout: 90_000 };
const BIG = 10_000;

// The sign-in check answers 401 before a session exists; nothing else may log an error.
const unexpected = (errors) => errors.filter((e) => !/status of 401/.test(e));

let server;
let browser;
let alice; // {user, token, …} from the API
let bob;
let aliceUi; // ChatPage
let bobUi;
let cid;

async function signedInPage(who, path) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await context.addCookies([{ name: 'gc_token', value: who.token, url: server.baseUrl }]);
  const page = await ChatPage.open(context, server.baseUrl, path);
  await page.byTest('me-username').waitFor(WAIT);
  return page;
}

/** The row of the message with this body (sent), and its hover toolbar. */
const row = (ui, body) => ui.message(body);
async function act(ui, body, action) {
  const r = row(ui, body);
  await r.hover();
  await r.getByTestId(action).click();
}

before(async () => {
  assert.ok(existsSync(join(webRoot, 'index.html')), `no built web client in ${webRoot}: make build`);
  server = await startServer({ args: ['--web-root', webRoot] });
  browser = await launchChromium();
  alice = await register(server, { username: 'alice' });
  bob = await register(server, { username: 'bob' });
  cid = dmId(alice, bob);
  await postMessage(server, alice, cid, 'Hello Bob, the launch plan is ready');
  aliceUi = await signedInPage(alice, `/?c=${cid}`);
  bobUi = await signedInPage(bob, `/?c=${cid}`);
  await aliceUi.message('Hello Bob, the launch plan is ready').waitFor(WAIT);
  await bobUi.message('Hello Bob, the launch plan is ready').waitFor(WAIT);
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

describe('message actions', { concurrency: false }, () => {
  it('an edit shows live with "edited", and the history lists every version', T, async () => {
    await aliceUi.send('Lunch at 12?');
    await aliceUi.waitForSent('Lunch at 12?');
    await bobUi.message('Lunch at 12?').waitFor(WAIT);

    await act(aliceUi, 'Lunch at 12?', 'action-edit');
    const box = aliceUi.byTest('edit-box');
    assert.equal(await box.inputValue(), 'Lunch at 12?');
    await box.fill('Lunch at 1?');
    await box.press('Enter');
    await box.waitFor({ state: 'detached', ...WAIT });

    const edited = bobUi.message('Lunch at 1?');
    await edited.getByTestId('edited-label').waitFor(WAIT);
    assert.equal(await bobUi.message('Lunch at 12?').count(), 0, 'the old text is gone');
    await aliceUi.message('Lunch at 1?').getByTestId('edited-label').waitFor(WAIT);

    await edited.getByTestId('edited-label').click();
    const versions = bobUi.byTest('edit-version-body');
    await waitFor(async () => (await versions.count()) === 2, { what: 'two versions' });
    assert.deepEqual(await versions.allTextContents(), ['Lunch at 12?', 'Lunch at 1?']);
    await bobUi.shot('message-edit-history');
    await bobUi.page.keyboard.press('Escape');
    await bobUi.byTest('edit-history').waitFor({ state: 'detached', ...WAIT });

    // ↑ in the empty composer edits the last own message; Esc leaves it as it was.
    await aliceUi.byTest('composer').press('ArrowUp');
    await aliceUi.byTest('edit-box').waitFor(WAIT);
    await aliceUi.byTest('edit-box').press('Escape');
    await aliceUi.byTest('edit-box').waitFor({ state: 'detached', ...WAIT });
    await aliceUi.message('Lunch at 1?').waitFor(WAIT);
  });

  it('a reaction toggles live on both sides, with counts and who reacted', T, async () => {
    const body = 'Hello Bob, the launch plan is ready';
    await row(bobUi, body).hover();
    await row(bobUi, body).locator('[data-testid="quick-reaction"][data-emoji="👍"]').click();
    const chipFor = (ui, emoji) => row(ui, body).locator(`[data-testid="reaction-chip"][data-emoji="${emoji}"]`);
    await chipFor(aliceUi, '👍').waitFor(WAIT);
    assert.equal(await chipFor(aliceUi, '👍').getByTestId('reaction-count').textContent(), '1');
    assert.equal(await chipFor(aliceUi, '👍').getAttribute('data-mine'), null, 'not alice’s reaction');
    assert.equal(await chipFor(aliceUi, '👍').getAttribute('title'), 'bob reacted with 👍');
    assert.equal(await chipFor(bobUi, '👍').getAttribute('data-mine'), 'true');

    await chipFor(aliceUi, '👍').click(); // alice joins in
    await waitFor(async () => (await chipFor(bobUi, '👍').getByTestId('reaction-count').textContent()) === '2', {
      what: 'two 👍 on bob’s side',
    });
    assert.equal(await chipFor(bobUi, '👍').getAttribute('title'), 'You and alice reacted with 👍');

    // The picker's grid has more; bob picks 🎉 there.
    await act(bobUi, body, 'action-react');
    await bobUi.byTest('reaction-picker').locator('[data-emoji="🎉"]').click();
    await chipFor(aliceUi, '🎉').waitFor(WAIT);
    await aliceUi.shot('message-reactions');

    await chipFor(bobUi, '👍').click(); // bob takes his back
    await waitFor(async () => (await chipFor(aliceUi, '👍').getByTestId('reaction-count').textContent()) === '1', {
      what: 'one 👍 on alice’s side',
    });
    await chipFor(bobUi, '🎉').click();
    await chipFor(aliceUi, '🎉').waitFor({ state: 'detached', ...WAIT });
  });

  it('a reply quotes its original; clicking the quote jumps back to it', T, async () => {
    const original = 'Hello Bob, the launch plan is ready';
    // Esc drops a started reply.
    await act(bobUi, original, 'action-reply');
    await bobUi.byTest('reply-bar').waitFor(WAIT);
    await bobUi.byTest('composer').press('Escape');
    await bobUi.byTest('reply-bar').waitFor({ state: 'detached', ...WAIT });

    await act(bobUi, original, 'action-reply');
    assert.equal(await bobUi.byTest('reply-bar').getByTestId('reply-preview').textContent(), original);
    await bobUi.send('Great, reading it now');
    await bobUi.byTest('reply-bar').waitFor({ state: 'detached', ...WAIT });
    const reply = aliceUi.message('Great, reading it now');
    await reply.getByTestId('reply-quote').waitFor(WAIT);
    assert.equal(await reply.getByTestId('reply-preview').textContent(), original);

    // Far enough down that the original is no longer loaded on a fresh page, a reply to it.
    for (let i = 1; i <= 130; i++) await postMessage(server, alice, cid, `filler ${i}`);
    const first = (await api(server, 'GET', `/api/conversations/${cid}/messages?after=0&limit=1`, { token: bob.token })).json.messages[0];
    assert.equal(first.body, original);
    await postMessage(server, bob, cid, 'Back to the plan: shipping Friday', { replyTo: first.id });
    await bobUi.page.reload();
    const late = bobUi.message('Back to the plan: shipping Friday');
    await late.getByTestId('reply-quote').waitFor(WAIT);
    assert.equal(await bobUi.page.locator('[data-testid="message"][data-seq="1"]').count(), 0, 'not loaded yet');
    await late.getByTestId('reply-quote').click();
    const target = bobUi.page.locator('[data-testid="message"][data-seq="1"][data-highlighted]');
    await target.waitFor(WAIT);
    assert.equal(await target.getByTestId('message-body').textContent(), original);
    assert.ok(await target.isVisible(), 'the original is on screen');
  });
});
