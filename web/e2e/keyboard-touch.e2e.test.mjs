// End to end: the keyboard contract of the composer and the edit box (Enter sends, Shift+Enter
// adds a line, ↑ in an empty composer edits one's last message, Esc cancels an edit, and the
// focus comes back to the composer), and the touch contract of the message list (a long press
// opens a message's actions) on a phone-width touch screen. Chromium against the real server.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot } from '../../tests/integration/lib/server.mjs';
import { dmId, postMessage, register, waitFor } from '../../tests/integration/lib/client.mjs';
import { DESKTOP, launchChromium, openSignedIn } from './pages.mjs';

const webRoot = process.env.GC_WEB_ROOT ?? join(repoRoot, 'web', 'out');
const WAIT = { timeout: 15_000 };
const T = { timeout: 90_000 };

// The sign-in check answers 401 before a session exists; nothing else may log an error.
const unexpected = (errors) => errors.filter((e) => !/status of 401/.test(e));

let server;
let browser;
let alice; // {user, token, …} from the API
let bob;
let cid;
let aliceUi; // ChatPage, desktop

async function signedInPage(who, path, contextOptions) {
  const page = await openSignedIn(browser, server.baseUrl, who, path, contextOptions);
  await page.byTest('composer').waitFor(WAIT); // the conversation is open (on a phone too)
  return page;
}

/** The edit box, once it is open on the message that had this body (it replaces the body). */
async function editBoxOf(ui, body) {
  const id = await ui.message(body).getAttribute('data-message-id');
  return ui.page.locator(`[data-testid="message"][data-message-id="${id}"] [data-testid="edit-box"]`);
}

/** The conversation as the server has it, in seq order. */
async function serverMessages() {
  const res = await aliceUi.api(`/api/conversations/${cid}/messages?limit=100`);
  assert.equal(res.status, 200);
  return res.json.messages;
}
/** [{body, edited}] in seq order. */
const serverHistory = async () => (await serverMessages()).map((m) => ({ body: m.body, edited: m.metadata.edited }));

const focusedTestId = (ui) => ui.page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
const waitForFocus = (ui, testId) =>
  waitFor(async () => (await focusedTestId(ui)) === testId, { timeoutMs: 15_000, what: `focus on ${testId}` });

before(async () => {
  assert.ok(existsSync(join(webRoot, 'index.html')), `no built web client in ${webRoot}: make build`);
  server = await startServer({ args: ['--web-root', webRoot] });
  browser = await launchChromium();
  alice = await register(server, { username: 'alice' });
  bob = await register(server, { username: 'bob' });
  cid = dmId(alice, bob);
  aliceUi = await signedInPage(alice, `/?c=${cid}`, DESKTOP);
  await aliceUi.byTest('history-start').waitFor(WAIT); // the empty conversation has loaded
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

describe('the keyboard', { concurrency: false }, () => {
  it('Enter sends; Shift+Enter adds a line and sends nothing; a blank Enter sends nothing', T, async () => {
    const { page } = aliceUi;
    const box = aliceUi.byTest('composer');
    await waitForFocus(aliceUi, 'composer'); // ready to type on a wide screen
    await page.keyboard.type('first line');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('second line');
    assert.equal(await box.inputValue(), 'first line\nsecond line');
    assert.equal(await aliceUi.byTest('message').count(), 0, 'Shift+Enter sent nothing');

    await page.keyboard.press('Enter');
    await aliceUi.waitForSent('first line\nsecond line');
    assert.equal(await box.inputValue(), '', 'the composer is emptied');
    assert.equal(await focusedTestId(aliceUi), 'composer', 'and keeps the focus');

    await page.keyboard.type('   ');
    await page.keyboard.press('Enter');
    await page.keyboard.type('then this');
    await page.keyboard.press('Enter');
    await aliceUi.waitForSent('then this');
    assert.deepEqual(await serverHistory(), [
      { body: 'first line\nsecond line', edited: false },
      { body: 'then this', edited: false },
    ]);
  });

  it('↑ in an empty composer edits my last message, even under a newer one of the peer; Enter saves', T, async () => {
    const { page } = aliceUi;
    await postMessage(server, bob, cid, 'a newer one from bob');
    await aliceUi.message('a newer one from bob').waitFor(WAIT);
    await aliceUi.byTest('composer').focus();

    // With text in the composer, ↑ is only the caret's.
    await page.keyboard.type('draft');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.type('!');
    await waitFor(async () => (await aliceUi.byTest('composer').inputValue()).length === 6, { what: 'the keys typed' });
    assert.equal(await aliceUi.byTest('edit-box').count(), 0, '↑ with a draft edits nothing');
    await aliceUi.byTest('composer').fill('');

    const box = await editBoxOf(aliceUi, 'then this');
    await page.keyboard.press('ArrowUp');
    await box.waitFor(WAIT);
    assert.equal(await box.inputValue(), 'then this');
    await waitForFocus(aliceUi, 'edit-box');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('then that');
    await page.keyboard.press('Enter');
    await aliceUi.message('then that').getByTestId('edited-label').waitFor(WAIT);
    await waitForFocus(aliceUi, 'composer'); // back where the person was typing
    assert.deepEqual((await serverHistory()).slice(1, 2), [{ body: 'then that', edited: true }]);
  });

  it('Esc cancels an edit: nothing changes, on screen or on the server', T, async () => {
    const { page } = aliceUi;
    const before = await serverHistory();
    const box = await editBoxOf(aliceUi, 'then that');
    await page.keyboard.press('ArrowUp'); // the composer has the focus back from the last edit
    await box.waitFor(WAIT);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('never saved');
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'detached', ...WAIT });
    await aliceUi.message('then that').waitFor(WAIT);
    assert.equal(await aliceUi.message('never saved').count(), 0);
    await waitForFocus(aliceUi, 'composer');
    assert.deepEqual(await serverHistory(), before);
    const id = (await aliceUi.message('then that').getAttribute('data-message-id')) ?? '';
    const history = await aliceUi.api(`/api/messages/${id}/history`);
    assert.deepEqual(history.json.versions.map((v) => v.body), ['then this', 'then that']);
    assert.deepEqual(unexpected(aliceUi.errors), []);
  });
});

describe('a touch screen', { concurrency: false }, () => {
  it('on a 360 px phone, a long press on a message opens its actions', T, async () => {
    const phone = await signedInPage(bob, `/?c=${cid}`, {
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const row = phone.message('then that');
    await row.waitFor(WAIT);
    assert.equal(await row.getByTestId('message-toolbar').count(), 0, 'no actions before the press');

    // Playwright has taps but no long press: hold a finger down through the DevTools protocol,
    // and see the actions open while it is still down (a tap would only open them on release).
    // Every click from here on, by what it landed on.
    await phone.page.evaluate(() => {
      window.__clicks = [];
      document.addEventListener('click', (e) => window.__clicks.push(e.target.closest('[data-testid]')?.dataset.testid), true);
    });
    const box = await row.boundingBox();
    const finger = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
    const cdp = await phone.page.context().newCDPSession(phone.page);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [finger] });
    await row.getByTestId('message-toolbar').waitFor(WAIT);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await phone.shot('phone-message-actions');

    // They stay open after the finger lifts, and work by touch: reply from them.
    await row.getByTestId('action-reply').tap();
    await phone.byTest('reply-bar').waitFor(WAIT);
    assert.equal(await phone.byTest('reply-bar').getByTestId('reply-preview').textContent(), 'then that');
    // Lifting the finger clicked nothing (the toolbar may open under it): the one click was
    // the tap on Reply.
    assert.deepEqual(await phone.page.evaluate(() => window.__clicks), ['action-reply']);
    assert.equal(await row.getByTestId('reaction-chip').count(), 0, 'no reaction from the long press');
    const id = await row.getAttribute('data-message-id');
    const onServer = (await serverMessages()).find((m) => m.id === id);
    assert.deepEqual(onServer.metadata.reactions, []);
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scroll (${overflow}px)`);
    assert.deepEqual(unexpected(phone.errors), []);
    await phone.page.context().close();
  });
});
