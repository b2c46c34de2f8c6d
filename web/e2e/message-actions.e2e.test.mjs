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
import { ChatPage, launchChromium, openSignedIn } from './pages.mjs';

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
  const page = await openSignedIn(browser, server.baseUrl, who, path);
  await page.byTest('me-username').waitFor(WAIT);
  return page;
}

/**
 * Sends `bodies` as `who` through one WebSocket without waiting for each ack (the server
 * commits them in batches), and returns when the last one is acknowledged.
 */
async function seed(who, conversationId, bodies) {
  const ws = await connectWs(server, { token: who.token });
  const tag = Math.random().toString(36).slice(2, 8);
  bodies.forEach((body, i) =>
    ws.send({ type: 'send', clientMsgId: `seed-${tag}-${i}`, conversationId, body, msgType: 'text' }),
  );
  await ws.next((f) => f.type === 'ack' && f.clientMsgId === `seed-${tag}-${bodies.length - 1}`, 120_000);
  await ws.close();
}
const numbered = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);

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
    assert.equal(await reply.getByTestId('message-author').textContent(), 'bob', 'the peer is named');
    assert.equal(await reply.getByTestId('reply-preview').textContent(), original);

    // Far enough down that the original is no longer loaded on a fresh page, a reply to it.
    await seed(alice, cid, numbered('filler', 130));
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

  it('a delete leaves a tombstone in place on both sides, and its replies say so', T, async () => {
    const original = 'Hello Bob, the launch plan is ready';
    // Alice is at the bottom: the quote of the late reply takes her up to the original.
    await aliceUi.message('Back to the plan: shipping Friday').getByTestId('reply-quote').click();
    await aliceUi.page.locator('[data-testid="message"][data-seq="1"][data-highlighted]').waitFor(WAIT);
    await act(aliceUi, original, 'action-delete');
    await aliceUi.byTest('delete-dialog').waitFor(WAIT);
    await aliceUi.byTest('delete-confirm').click();
    for (const ui of [aliceUi, bobUi]) {
      const tomb = ui.page.locator('[data-testid="message"][data-seq="1"]');
      await tomb.getByTestId('message-deleted').waitFor(WAIT);
      assert.equal(await tomb.getByTestId('message-body').count(), 0);
      assert.equal(await tomb.getByTestId('reaction-chip').count(), 0, 'reactions go with it');
    }
    // Bob reads the window around it: the reply just below now quotes a deleted message.
    await bobUi.message('Great, reading it now').getByText('Original message was deleted').waitFor(WAIT);
    await aliceUi.message('Great, reading it now').getByText('Original message was deleted').waitFor(WAIT);
    await aliceUi.shot('message-deleted');
    await aliceUi.byTest('jump-to-latest').click();
    await aliceUi.message('Back to the plan: shipping Friday').getByText('Original message was deleted').waitFor(WAIT);
    // Only the author (or a group admin) is offered the delete.
    await bobUi.message('Great, reading it now').hover();
    assert.equal(await bobUi.message('Great, reading it now').getByTestId('action-delete').count(), 1);
    const someoneElses = bobUi.page.locator('[data-testid="message"][data-seq="2"]');
    await someoneElses.hover();
    assert.equal(await someoneElses.getByTestId('action-delete').count(), 0);
  });

  it('search finds a message and opens its conversation at it', T, async () => {
    const hit = await postMessage(server, alice, cid, 'The quokka budget is approved for Q3');
    await seed(alice, cid, numbered('more filler', 60));
    await waitFor(
      async () => (await api(server, 'GET', '/api/search?q=quokka', { token: bob.token })).json?.results?.length === 1,
      { timeoutMs: 15_000, what: 'the search index' },
    );
    await bobUi.page.goto(`${server.baseUrl}/`);
    await bobUi.byTest('conversation-item').first().waitFor(WAIT);
    await bobUi.page.keyboard.press('Control+k');
    await bobUi.byTest('search-input').fill('quokk');
    const result = bobUi.byTest('search-result').filter({ hasText: 'budget' });
    await result.waitFor(WAIT);
    assert.deepEqual(await result.locator('mark').allTextContents(), ['quokk']);
    assert.equal(await result.getByTestId('search-snippet').textContent(), hit.body);
    await bobUi.shot('message-search');
    await result.click();
    await bobUi.byTest('search-panel').waitFor({ state: 'detached', ...WAIT });
    await bobUi.byTest('conversation-header').filter({ hasText: 'alice' }).waitFor(WAIT);
    const target = bobUi.page.locator(`[data-testid="message"][data-seq="${hit.seq}"][data-highlighted]`);
    await target.waitFor(WAIT);
    assert.equal(await target.getByTestId('message-body').textContent(), hit.body);
  });

  it('mute keeps a conversation out of the title and of notifications', T, async () => {
    // A tab of bob's that records desktop notifications instead of showing them.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies([{ name: 'gc_token', value: bob.token, url: server.baseUrl }]);
    await context.addInitScript(() => {
      window.__notes = [];
      window.Notification = class {
        static permission = 'granted';
        static requestPermission() {
          return Promise.resolve('granted');
        }
        constructor(title, opts) {
          window.__notes.push({ title, body: opts?.body });
        }
        close() {}
      };
    });
    // Bob's other tab would read the conversation (and clear the count) if it stayed open there.
    await bobUi.page.goto(`${server.baseUrl}/`);
    const tab = await ChatPage.open(context, server.baseUrl, '/');
    await tab.conversationItem('alice').waitFor(WAIT);
    const notes = () => tab.page.evaluate(() => window.__notes);

    await postMessage(server, alice, cid, 'ping while nothing is open');
    await waitFor(async () => (await notes()).length === 1, { what: 'a desktop notification' });
    assert.deepEqual(await notes(), [{ title: 'alice', body: 'ping while nothing is open' }]);
    await waitFor(async () => /^\(\d+\) GopherChat$/.test(await tab.page.title()), { what: 'a count in the title' });
    // The page's own metadata title may be written again after the count (a late render): the
    // count comes back.
    await tab.page.evaluate(() => {
      document.title = 'GopherChat';
    });
    await waitFor(async () => /^\(\d+\) GopherChat$/.test(await tab.page.title()), { what: 'the count back in the title' });

    await tab.openConversation('alice');
    await tab.byTest('notification-menu').click();
    await tab.byTest('mute-toggle').click();
    assert.equal(await tab.byTest('mute-toggle').getAttribute('aria-checked'), 'true');
    await tab.page.keyboard.press('Escape');
    await tab.page.goto(`${server.baseUrl}/`); // the choice is kept on this device
    await tab.conversationItem('alice').waitFor(WAIT);
    await postMessage(server, alice, cid, 'ping while muted');
    await tab.conversationItem('alice').getByTestId('conversation-preview').filter({ hasText: 'ping while muted' }).waitFor(WAIT);
    assert.equal(await tab.page.title(), 'GopherChat', 'a muted conversation is not counted');
    assert.deepEqual(await notes(), [], 'and not announced');
    assert.deepEqual(unexpected(tab.errors), []);
    await context.close();
  });

  it('a group admin may delete a member’s message', T, async () => {
    const created = await api(server, 'POST', '/api/groups', { token: alice.token, body: { name: 'Launch crew' } });
    assert.equal(created.status, 201, created.text);
    const groupId = created.json.group.id;
    const added = await api(server, 'POST', `/api/groups/${groupId}/members`, { token: alice.token, body: { userId: bob.user.id } });
    assert.equal(added.status, 200, added.text);
    const gcid = `grp_${groupId}`;
    const spam = await postMessage(server, bob, gcid, 'buy cheap watches');
    await aliceUi.page.goto(`${server.baseUrl}/?c=${gcid}`);
    const row = aliceUi.message('buy cheap watches');
    await row.getByTestId('message-author').filter({ hasText: 'bob' }).waitFor(WAIT); // named, though no DM peer
    await row.hover();
    await row.getByTestId('action-delete').click();
    await aliceUi.byTest('delete-dialog').getByText('every member of the group').waitFor(WAIT);
    await aliceUi.byTest('delete-confirm').click();
    await aliceUi.page.locator(`[data-testid="message"][data-seq="${spam.seq}"]`).getByTestId('message-deleted').waitFor(WAIT);
    const page = await api(server, 'GET', `/api/conversations/${gcid}/messages`, { token: bob.token });
    assert.equal(page.json.messages.find((m) => m.id === spam.id).metadata.deleted, true);
  });
});

describe('a conversation of 10,000 messages', { concurrency: false }, () => {
  let dave;
  let bigCid;
  let page;
  const rowsInDom = () => page.byTest('message').count();

  before(async () => {
    dave = await register(server, { username: 'dave' });
    bigCid = dmId(dave, bob);
    const bodies = numbered('bulk', BIG);
    bodies[41] = 'bulk 42 has the needle in it';
    await seed(dave, bigCid, bodies);
  });

  it('keeps only a window of rows in the DOM and scrolls back to the first message', { timeout: 150_000 }, async () => {
    page = await signedInPage(bob, `/?c=${bigCid}`);
    await page.message(`bulk ${BIG}`).waitFor(WAIT);
    const scroller = page.byTest('message-scroller');
    assert.ok((await rowsInDom()) < 100, `rows in the DOM: ${await rowsInDom()}`);

    // Scroll to the top again and again: each time an older page is prepended and the place
    // is kept, until the beginning.
    let most = 0;
    await waitFor(
      async () => {
        await scroller.evaluate((el) => el.scrollTo(0, 0));
        most = Math.max(most, await rowsInDom());
        return (await page.byTest('history-start').count()) > 0;
      },
      { timeoutMs: 120_000, intervalMs: 30, what: 'the start of the history' },
    );
    await page.message('bulk 1').waitFor(WAIT);
    assert.ok(most < 100, `at most ${most} rows in the DOM while scrolling 10,000 messages`);
    const loaded = await page.page.evaluate(() => document.querySelector('[data-testid="message-list"]').style.paddingBottom);
    assert.ok(parseFloat(loaded) > 100_000, `the rows below are spacer, not DOM (${loaded})`);
  });

  it('up in the history, a new message raises a button instead of moving the reader', T, async () => {
    const scroller = page.byTest('message-scroller');
    const before = await scroller.evaluate((el) => el.scrollTop);
    await postMessage(server, dave, bigCid, 'live while bob reads old messages');
    await page.byTest('jump-to-latest').filter({ hasText: '1 new message' }).waitFor(WAIT);
    assert.equal(await scroller.evaluate((el) => el.scrollTop), before, 'the reader stays put');
    await page.page.mouse.move(150, 500); // over the sidebar: no row hovered in the picture
    await page.shot('message-list-long');
    await page.byTest('jump-to-latest').click();
    await page.message('live while bob reads old messages').waitFor(WAIT);
    await waitFor(async () => scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2), {
      what: 'the bottom',
    });
    // At the bottom, the next one arrives in view.
    await postMessage(server, dave, bigCid, 'and another one');
    await page.message('and another one').waitFor(WAIT);
    await waitFor(async () => scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2), {
      what: 'still at the bottom',
    });
    assert.equal(await page.byTest('jump-to-latest').count(), 0);
  });

  it('a search hit deep in the history opens a window around it', T, async () => {
    await waitFor(
      async () => (await api(server, 'GET', `/api/search?q=needle&conversationId=${bigCid}`, { token: bob.token })).json?.results?.length === 1,
      { timeoutMs: 30_000, what: 'the search index to reach the needle' },
    );
    await page.page.reload();
    await page.message('and another one').waitFor(WAIT);
    await page.byTest('open-search').click();
    await page.byTest('search-scope-here').click();
    await page.byTest('search-input').fill('needle');
    await page.byTest('search-result').first().click();
    const target = page.page.locator('[data-testid="message"][data-seq="42"][data-highlighted]');
    await target.waitFor(WAIT);
    assert.ok((await rowsInDom()) < 100);
    // The window does not reach the newest: the button leads back.
    await page.byTest('jump-to-latest').click();
    await page.message('and another one').waitFor(WAIT);
    assert.deepEqual(unexpected(page.errors), []);
  });
});
