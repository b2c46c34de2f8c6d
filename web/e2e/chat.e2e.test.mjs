// End to end: the built web client (web/out) served by the real server, driven in Debian's
// Chromium. Two people in two browser contexts sign up, find each other, chat both ways, read,
// survive a server restart with nothing lost or doubled, then a phone-width and a dark run.
// Saves screenshots of the main screens to docs/screenshots/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot } from '../../tests/integration/lib/server.mjs';
import { dmId, postMessage, register, waitFor } from '../../tests/integration/lib/client.mjs';
import { ChatPage, launchChromium } from './pages.mjs';

const webRoot = process.env.GC_WEB_ROOT ?? join(repoRoot, 'web', 'out');
const WAIT = { timeout: 15_000 };
const T = { timeout: 90_000 };
// Every run has a fresh data directory, so the names can stay the same (and so can the
// screenshots, but for the clock).
const ALICE = 'alice';
const BOB = 'bob';
const CAROL = 'carol';

// The sign-in page asks /api/auth/me first; its 401 is how it learns nobody is signed in.
const unexpected = (errors) => errors.filter((e) => !/status of 401/.test(e));

let server;
let browser;
let alice; // ChatPage
let bob;
let aliceContext;
let bobContext;

before(async () => {
  assert.ok(existsSync(join(webRoot, 'index.html')), `no built web client in ${webRoot}: make build`);
  server = await startServer({ args: ['--web-root', webRoot] });
  browser = await launchChromium();
  const desktop = { viewport: { width: 1280, height: 800 }, colorScheme: 'light' };
  aliceContext = await browser.newContext(desktop);
  bobContext = await browser.newContext(desktop);
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

describe('two people chatting', { concurrency: false }, () => {
  it('sign up, and the session survives a reload', T, async () => {
    alice = await ChatPage.open(aliceContext, server.baseUrl, '/login/');
    await alice.page.getByRole('heading', { name: 'Welcome back' }).waitFor(WAIT);
    await alice.shot('sign-in');
    await alice.signUp(ALICE, { screenshot: 'sign-up' });
    bob = await ChatPage.open(bobContext, server.baseUrl, '/');
    await bob.page.waitForURL('**/login/', WAIT); // not signed in: sent to the sign-in page
    await bob.signUp(BOB);
    await alice.page.reload();
    await alice.byTest('me-username').filter({ hasText: ALICE }).waitFor(WAIT);
  });

  it('alice finds bob and they chat both ways in real time', T, async () => {
    await alice.startDm(BOB, { screenshot: 'new-message' });
    await alice.send('Hi Bob! The notes are at https://example.test/notes.');
    await alice.waitForSent('Hi Bob! The notes are at https://example.test/notes.');

    // Bob was not looking: the conversation appears with an unread badge.
    const item = bob.conversationItem(ALICE);
    await item.getByTestId('unread-badge').filter({ hasText: '1' }).waitFor(WAIT);
    await assert.doesNotReject(
      item.getByTestId('conversation-preview').filter({ hasText: 'Hi Bob!' }).waitFor(WAIT),
    );
    assert.equal(await bob.page.title(), '(1) GopherChat');
    await bob.shot('conversations-unread');

    // Opening it reads it: the badge goes, and the server's marker moved.
    await bob.openConversation(ALICE);
    await bob.message('Hi Bob! The notes are at https://example.test/notes.').waitFor(WAIT);
    await waitFor(
      async () => (await bob.api('/api/conversations')).json.conversations[0]?.unread === 0,
      { timeoutMs: 15_000, what: "bob's read marker" },
    );
    const link = bob.page.getByRole('link', { name: 'https://example.test/notes' });
    assert.equal(await link.getAttribute('href'), 'https://example.test/notes');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer nofollow');

    // Shift+Enter is a new line, Enter sends.
    const box = bob.byTest('composer');
    await box.fill('Thanks!');
    await box.press('Shift+Enter');
    await box.pressSequentially('Reading them now.');
    await box.press('Enter');
    await alice.message('Thanks!\nReading them now.').waitFor(WAIT);
    await bob.waitForSent('Thanks!\nReading them now.');

    // A body is text, never HTML.
    const evil = '<img src=x onerror="window.__pwned=1"><b>bold?</b>';
    await alice.send(evil);
    await bob.message(evil).waitFor(WAIT);
    assert.equal(await bob.page.evaluate(() => window.__pwned), undefined);
    assert.equal(await bob.page.locator('[data-testid="message-body"] img').count(), 0);

    // Grouping: alice's two messages in a row show her name once.
    assert.equal(await alice.byTest('day-separator').count(), 1);
    await alice.send('One more thing: lunch at noon?');
    await bob.message('One more thing: lunch at noon?').waitFor(WAIT);
    await alice.shot('conversation');
    await bob.shot('conversation-bob');
  });

  it('a refused send is marked failed; Retry resends it with the same clientMsgId', T, async () => {
    // A second tab of alice's whose WebSocket passes through the test: the first `send` is
    // answered with an error frame instead of reaching the server, the rest pass through.
    const page = await aliceContext.newPage();
    const sends = [];
    await page.routeWebSocket(/\/ws$/, (ws) => {
      const upstream = ws.connectToServer();
      ws.onMessage((text) => {
        const frame = JSON.parse(String(text));
        if (frame.type === 'send') sends.push(frame.clientMsgId);
        if (frame.type === 'send' && sends.length === 1) {
          ws.send(JSON.stringify({ type: 'error', code: 'unavailable', message: 'try again later', ref: frame.clientMsgId }));
        } else {
          upstream.send(text);
        }
      });
    });
    const tab = new ChatPage(page, server.baseUrl);
    const cid = (await alice.api('/api/conversations')).json.conversations[0].id;
    await page.goto(`${server.baseUrl}/?c=${cid}`);
    await tab.byTest('composer').waitFor(WAIT);
    await tab.send('this one needs a retry');
    const failed = tab.message('this one needs a retry').and(page.locator('[data-status="failed"]'));
    await failed.getByText('Not sent: try again later').waitFor(WAIT);
    await failed.getByTestId('message-retry').click();
    await tab.waitForSent('this one needs a retry');
    await bob.message('this one needs a retry').waitFor(WAIT);
    assert.equal(sends.length, 2);
    assert.equal(sends[0], sends[1], 'the retry reuses the clientMsgId');
    assert.equal(await bob.message('this one needs a retry').count(), 1);
    await page.close();
  });

  it('an unknown conversation says so instead of loading forever', T, async () => {
    const me = (await alice.api('/api/auth/me')).json.user.id;
    const ghost = 'f'.repeat(24);
    const cid = me < ghost ? `dm_${me}_${ghost}` : `dm_${ghost}_${me}`;
    const page = await aliceContext.newPage();
    await page.goto(`${server.baseUrl}/?c=${cid}`);
    await page.getByTestId('conversation-unavailable').waitFor(WAIT);
    await page.close();
  });

  it('a server restart mid-conversation loses nothing and doubles nothing', T, async () => {
    await alice.send('before restart 1');
    await alice.send('before restart 2');
    await alice.waitForSent('before restart 2');
    await bob.message('before restart 2').waitFor(WAIT);

    await server.stop(); // SIGTERM: drains, closes sockets with 1001
    await alice.byTest('connection-status').waitFor(WAIT);
    await bob.byTest('connection-status').waitFor(WAIT);

    // Typed during the outage: pending, and alice's survives closing the tab.
    await bob.send('during outage from bob');
    await alice.send('during outage from alice');
    await bob.message('during outage from bob').and(bob.page.locator('[data-status="pending"]')).waitFor(WAIT);
    await alice.message('during outage from alice').and(alice.page.locator('[data-status="pending"]')).waitFor(WAIT);
    await alice.shot('sending-offline');
    const saved = await alice.page.evaluate(() =>
      Object.entries(localStorage).filter(([k]) => k.startsWith('gopherchat.outbox.')).map(([, v]) => v).join(),
    );
    assert.match(saved, /during outage from alice/);
    const url = alice.page.url();
    await alice.page.close();

    await server.restart({ samePort: true });
    alice = await ChatPage.open(aliceContext, server.baseUrl, new URL(url).pathname + new URL(url).search);

    await bob.waitForSent('during outage from bob');
    await alice.waitForSent('during outage from alice');
    await bob.message('during outage from alice').waitFor(WAIT);
    await alice.message('during outage from bob').waitFor(WAIT);
    await alice.send('after restart from alice');
    await bob.send('after restart from bob');
    await bob.message('after restart from alice').waitFor(WAIT);
    await alice.message('after restart from bob').waitFor(WAIT);
    await alice.waitForSent('after restart from alice');
    await bob.waitForSent('after restart from bob');

    const [a, b, fromServer] = await Promise.all([
      alice.messages(),
      bob.messages(),
      alice.api(`/api/conversations`).then(async (r) => {
        const cid = r.json.conversations[0].id;
        return (await alice.api(`/api/conversations/${cid}/messages?limit=100`)).json.messages;
      }),
    ]);
    const expected = fromServer.map((m) => ({ seq: m.seq, status: 'sent', body: m.body }));
    assert.deepEqual(expected.map((m) => m.seq), expected.map((_, i) => i + 1), 'server seqs are 1..n');
    assert.deepEqual(a, expected, "alice's screen is the server's history, once each");
    assert.deepEqual(b, expected, "bob's screen is the server's history, once each");
    for (const body of ['during outage from alice', 'during outage from bob', 'before restart 2']) {
      assert.equal(fromServer.filter((m) => m.body === body).length, 1, body);
    }
  });

  it('scrolls back through a long history page by page', T, async () => {
    // carol (made through the API) has written bob 120 messages.
    const carol = await register(server, { username: CAROL });
    const bobId = (await bob.api('/api/auth/me')).json.user.id;
    const cid = dmId(carol.user.id, bobId);
    for (let i = 1; i <= 120; i++) await postMessage(server, carol, cid, `history ${i}`);
    await bob.conversationItem(CAROL).getByTestId('unread-badge').filter({ hasText: '99+' }).waitFor(WAIT);

    const page = await ChatPage.open(bobContext, server.baseUrl, `/?c=${cid}`);
    await page.message('history 120').waitFor(WAIT);
    assert.equal(await page.message('history 1').count(), 0, 'only the newest page at first');
    const scroller = page.byTest('message-scroller');
    await waitFor(
      async () => {
        await scroller.evaluate((el) => el.scrollTo(0, 0));
        return (await page.byTest('history-start').count()) > 0;
      },
      { timeoutMs: 15_000, what: 'the start of the history' },
    );
    // The list is windowed (only rows near the viewport are in the DOM): walk down it and
    // check every screenful is in order with no repeat, and that together they hold every seq.
    const seen = new Set();
    for (;;) {
      const seqs = (await page.messages()).map((m) => m.seq);
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'in order on screen');
      assert.equal(new Set(seqs).size, seqs.length, 'no repeat on screen');
      seqs.forEach((q) => seen.add(q));
      const moved = await scroller.evaluate((el) => {
        const before = el.scrollTop;
        el.scrollBy(0, el.clientHeight / 2);
        return el.scrollTop !== before;
      });
      if (!moved) break;
      // The window follows the scroll: wait until its first or last row has moved on.
      const [first, last] = [seqs[0], seqs.at(-1)];
      await waitFor(
        async () => {
          const now = await page.messages();
          return now[0]?.seq !== first || now.at(-1)?.seq !== last;
        },
        { what: 'the window to move' },
      );
    }
    assert.deepEqual([...seen].sort((x, y) => x - y), Array.from({ length: 120 }, (_, i) => i + 1), 'every seq once');
    await page.page.close();
  });

  it('signs out and stays out after a reload', T, async () => {
    await bob.byTest('sign-out').click();
    await bob.page.waitForURL('**/login/', WAIT);
    await bob.page.reload();
    await bob.page.getByRole('heading', { name: 'Welcome back' }).waitFor(WAIT);
    assert.equal((await bob.api('/api/auth/me')).status, 401);
  });
});

describe('layouts', { concurrency: false }, () => {
  it('works on a 360 px phone: list, then conversation with a back button', T, async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const phone = await ChatPage.open(context, server.baseUrl, '/login/');
    await phone.signIn(BOB);
    await phone.conversationItem(ALICE).waitFor(WAIT);
    await phone.shot('phone-conversations');
    // The filter box narrows the list by name.
    await phone.byTest('conversation-filter').fill('car');
    await phone.conversationItem(ALICE).waitFor({ state: 'detached', ...WAIT });
    assert.equal(await phone.byTest('conversation-item').count(), 1);
    await phone.byTest('conversation-filter').fill('');
    await phone.openConversation(ALICE);
    assert.equal(await phone.byTest('conversation-list').isVisible(), false, 'one pane at a time');
    await phone.send('Sent from my phone');
    await phone.waitForSent('Sent from my phone');
    await phone.shot('phone-conversation');
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scroll (${overflow}px)`);
    await phone.byTest('back').click();
    await phone.byTest('conversation-list').waitFor(WAIT);
    assert.deepEqual(unexpected(phone.errors), []);
    await context.close();
  });

  it('follows a dark system theme, and the toggle overrides it', T, async (t) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    const dark = await ChatPage.open(context, server.baseUrl, '/login/');
    const isDark = () => dark.page.evaluate(() => document.documentElement.classList.contains('dark'));
    assert.equal(await isDark(), true);
    await dark.shot('dark-sign-in');
    await dark.signIn(ALICE);
    // The budget of docs/performance.md: the list visible within 1 s of a navigation.
    const started = Date.now();
    await dark.page.goto(server.baseUrl + '/');
    await dark.conversationItem(BOB).waitFor(WAIT);
    t.diagnostic(`conversation list visible ${Date.now() - started} ms after navigation`);
    await dark.openConversation(BOB);
    await dark.message('Sent from my phone').waitFor(WAIT);
    await dark.shot('dark-conversation');
    await dark.byTest('theme-toggle').click(); // system → light
    assert.equal(await isDark(), false);
    await dark.page.reload();
    await dark.byTest('me-username').waitFor(WAIT);
    assert.equal(await isDark(), false, 'the choice survives a reload');
    assert.deepEqual(unexpected(dark.errors), []);
    await context.close();
  });
});
