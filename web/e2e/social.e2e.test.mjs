// End to end, the social side: three people in three browser contexts against the real
// server. Friend requests answered live, presence, typing, receipts (✓/✓✓, "Seen by N", also
// after a reload), a group created with a
// member who gets its messages and system notes live, a rename, an invite and a kick, public
// groups found and joined, and a block that closes a DM. Saves screenshots of these screens.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot } from '../../tests/integration/lib/server.mjs';
import { register, waitFor } from '../../tests/integration/lib/client.mjs';
import { ChatPage, launchChromium } from './pages.mjs';
import { social } from './social-pages.mjs';

const webRoot = process.env.GC_WEB_ROOT ?? join(repoRoot, 'web', 'out');
const WAIT = { timeout: 15_000 };
const T = { timeout: 90_000 };
// Short, so that "offline" shows within the test's patience; the rule is the same at 5 s.
const PRESENCE_GRACE_MS = 500;

// The sign-in page asks /api/auth/me first; its 401 is how it learns nobody is signed in.
const unexpected = (errors) => errors.filter((e) => !/status of 401/.test(e));

/** The receipt on one of my messages in `state`: sent (✓), read (✓✓, DMs) or seen (groups). */
const receipt = (chat, body, state) => chat.message(body).locator(`[data-testid="receipt"][data-state="${state}"]`);

let server;
let browser;
const ctx = {};
let alice; // ChatPage
let bob;
let carol;

before(async () => {
  assert.ok(existsSync(join(webRoot, 'index.html')), `no built web client in ${webRoot}: make build`);
  server = await startServer({ args: ['--web-root', webRoot, '--presence-grace-ms', String(PRESENCE_GRACE_MS)] });
  browser = await launchChromium();
  for (const who of ['alice', 'bob', 'carol']) {
    ctx[who] = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  }
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

describe('friends, presence, typing and receipts', { concurrency: false }, () => {
  it('a friend request is sent, shows up live with a badge, and is accepted live', T, async () => {
    // Signed up through the API (the sign-up screen has its own suite): the session cookie
    // goes into each browser context.
    [alice, bob, carol] = await Promise.all(
      ['alice', 'bob', 'carol'].map(async (who) => {
        const { token } = await register(server, { username: who });
        await ctx[who].addCookies([{ name: 'gc_token', value: token, url: server.baseUrl, httpOnly: true, sameSite: 'Lax' }]);
        const chat = await ChatPage.open(ctx[who], server.baseUrl, '/');
        await chat.byTest('me-username').filter({ hasText: who }).waitFor(WAIT);
        return chat;
      }),
    );
    await social(alice).sendFriendRequest('bob');
    // Bob did nothing: the badge appears by itself.
    await bob.byTest('friend-requests-badge').filter({ hasText: '1' }).waitFor(WAIT);
    // Alice's pending list has it as sent.
    await alice.byTest('tab-pending').click();
    await alice.byTest('outgoing-request').filter({ hasText: 'bob' }).waitFor(WAIT);

    await social(bob).openFriends(); // opens on "Pending" while requests wait
    const request = bob.byTest('incoming-request').filter({ hasText: 'alice' });
    await request.waitFor(WAIT);
    await bob.shot('friend-request');
    await request.getByTestId('accept-request').click();
    await bob.byTest('friend-requests-badge').waitFor({ state: 'detached', ...WAIT });

    // Alice's open panel moves bob from "Sent" to her friends, online.
    await alice.byTest('outgoing-request').waitFor({ state: 'detached', ...WAIT });
    await alice.byTest('tab-friends').click();
    const row = social(alice).friendRow('bob');
    await row.getByTestId('person-status').filter({ hasText: 'Online' }).waitFor(WAIT);
    await alice.shot('friends');
    await social(alice).closeDialog();
    await social(bob).closeDialog();
  });

  it('a request can be withdrawn (live for the other side) or declined', T, async () => {
    await social(carol).sendFriendRequest('bob');
    await bob.byTest('friend-requests-badge').filter({ hasText: '1' }).waitFor(WAIT);
    await carol.byTest('tab-pending').click();
    await carol.byTest('outgoing-request').filter({ hasText: 'bob' }).getByTestId('cancel-request').click();
    await carol.byTest('outgoing-request').waitFor({ state: 'detached', ...WAIT });
    await bob.byTest('friend-requests-badge').waitFor({ state: 'detached', ...WAIT });

    await carol.byTest('tab-add').click();
    await carol.byTest('add-friend-search').fill('alice');
    await carol.byTest('add-friend-result').filter({ hasText: 'alice' }).getByTestId('send-request').click();
    await social(alice).openFriends();
    const request = alice.byTest('incoming-request').filter({ hasText: 'carol' });
    await request.getByTestId('reject-request').click();
    await request.waitFor({ state: 'detached', ...WAIT });
    await alice.byTest('friend-requests-badge').waitFor({ state: 'detached', ...WAIT });
    await social(alice).closeDialog();
    await social(carol).closeDialog();
  });

  it('typing shows for the peer and stops when the message lands; ✓ turns ✓✓ with the read', T, async () => {
    await alice.startDm('bob');
    await alice.send('Are you there?');
    await alice.waitForSent('Are you there?');
    // Acknowledged by the server, not read yet: one check, labelled for screen readers.
    await receipt(alice, 'Are you there?', 'sent').waitFor(WAIT);
    assert.equal(await receipt(alice, 'Are you there?', 'sent').getAttribute('aria-label'), 'Sent');
    await bob.openConversation('alice');
    await bob.message('Are you there?').waitFor(WAIT);
    // Bob had it open at the bottom: alice's message is read.
    await receipt(alice, 'Are you there?', 'read').waitFor(WAIT);
    assert.equal(await receipt(alice, 'Are you there?', 'read').getAttribute('aria-label'), 'Read');
    // A screen reader on the focused row hears it too: the receipt describes the row.
    const describedBy = await alice.message('Are you there?').getAttribute('aria-describedby');
    assert.equal(await alice.page.locator(`[id="${describedBy}"]`).getAttribute('aria-label'), 'Read');
    // Receipts are on one's own messages only.
    assert.equal(await bob.message('Are you there?').getByTestId('receipt').count(), 0);

    // A presence dot on the friend in the sidebar and the header.
    assert.equal(await alice.byTest('conversation-subtitle').textContent(), 'Online');

    await alice.byTest('composer').pressSequentially('Yes, one moment', { delay: 20 });
    const typing = bob.byTest('typing-indicator');
    await typing.filter({ hasText: 'alice is typing…' }).waitFor(WAIT);
    await bob.conversationItem('alice').getByTestId('conversation-typing').filter({ hasText: 'typing…' }).waitFor(WAIT);
    await bob.shot('typing');
    await alice.byTest('composer').press('Enter');
    await bob.message('Yes, one moment').waitFor(WAIT);
    await typing.waitFor({ state: 'detached', ...WAIT });

    // Bob has the conversation open at the bottom: the new message is read too.
    await alice.waitForSent('Yes, one moment');
    await receipt(alice, 'Yes, one moment', 'read').waitFor(WAIT);
    await alice.shot('seen');

    // A reload forgets the live `read` events: the receipts come back from the server.
    await alice.page.reload();
    await receipt(alice, 'Yes, one moment', 'read').waitFor(WAIT);
    await receipt(alice, 'Are you there?', 'read').waitFor(WAIT);
  });

  it('presence: a friend who leaves is offline with a "last seen"', T, async () => {
    await bob.page.close();
    await alice.byTest('conversation-subtitle').filter({ hasText: /Last seen/ }).waitFor(WAIT);
    bob = await ChatPage.open(ctx.bob, server.baseUrl, '/');
    await bob.byTest('me-username').waitFor(WAIT);
    await alice.byTest('conversation-subtitle').filter({ hasText: 'Online' }).waitFor(WAIT);
  });
});

describe('groups', { concurrency: false }, () => {
  it('a group created with a member: it appears live for him, with the system note', T, async () => {
    await social(alice).createGroup('Weekend trip', { members: ['bob'], screenshot: 'create-group' });
    await social(alice).systemNote('alice added bob').waitFor(WAIT);
    await alice.send('Mountains or the sea?');
    await alice.waitForSent('Mountains or the sea?');

    // Bob's sidebar gets the group with its name and an unread badge, live.
    const item = bob.conversationItem('Weekend trip');
    await item.getByTestId('unread-badge').waitFor(WAIT);
    await bob.openConversation('Weekend trip');
    await bob.message('Mountains or the sea?').waitFor(WAIT);
    await social(bob).systemNote('alice added bob').waitFor(WAIT);
    assert.equal(await bob.message('Mountains or the sea?').getByTestId('message-author').textContent(), 'alice');
    await bob.send('Mountains!');
    await alice.message('Mountains!').waitFor(WAIT);
    // Bob, at the bottom of the group, reads alice's next message as it lands.
    await alice.send('Mountains it is.');
    const seen = receipt(alice, 'Mountains it is.', 'seen');
    await seen.filter({ hasText: 'Seen by 1' }).waitFor(WAIT);
    assert.equal(await seen.getAttribute('title'), 'Seen by bob');
    await seen.click(); // who: a popover with the names
    assert.deepEqual(await alice.byTest('seen-by-name').allTextContents(), ['bob']);
    await alice.shot('group-seen-by');
    await alice.page.keyboard.press('Escape');
    await alice.byTest('seen-by-list').waitFor({ state: 'detached', ...WAIT });
  });

  it('an admin adds a member, renames the group; everyone follows live', T, async () => {
    await social(alice).openGroupInfo();
    await social(alice).addMember('carol');
    assert.equal(await social(alice).member('alice').getAttribute('data-role'), 'admin');
    // Bob is alice's friend: his presence shows in the member list; carol's is not hers to see.
    await social(alice).member('bob').getByTestId('person-status').filter({ hasText: 'Online' }).waitFor(WAIT);
    assert.equal(await social(alice).member('carol').getByTestId('person-status').count(), 0);
    await alice.shot('group-info');
    // A member's card, over the panel; Esc closes the card only.
    await social(alice).member('carol').getByTestId('member-card').click();
    await alice.byTest('user-card').getByTestId('user-card-status').filter({ hasText: 'Not a friend' }).waitFor(WAIT);
    await alice.byTest('user-card').getByTestId('card-add-friend').waitFor(WAIT);
    await alice.page.keyboard.press('Escape');
    await alice.byTest('user-card').waitFor({ state: 'detached', ...WAIT });
    assert.equal(await alice.byTest('group-info').count(), 1, 'the panel under the card stays');

    // Carol sees the group appear and the note that she was added.
    await carol.openConversation('Weekend trip');
    await social(carol).systemNote('alice added carol').waitFor(WAIT);
    // Reading it, she joins the count; after a reload, the server's markers say the same.
    await receipt(alice, 'Mountains it is.', 'seen').filter({ hasText: 'Seen by 2' }).waitFor(WAIT);
    await alice.page.reload();
    await receipt(alice, 'Mountains it is.', 'seen').filter({ hasText: 'Seen by 2' }).waitFor(WAIT);
    await social(alice).openGroupInfo(); // the reload closed it
    await bob.byTest('conversation-subtitle').filter({ hasText: '3 members' }).waitFor(WAIT);

    // A rename reaches every sidebar and header, with its note.
    await alice.byTest('edit-group').click();
    await alice.byTest('group-name').fill('Mountain weekend');
    await alice.byTest('save-group').click();
    await alice.byTest('group-info-name').filter({ hasText: 'Mountain weekend' }).waitFor(WAIT);
    await social(alice).closeDialog();
    for (const who of [bob, carol]) {
      await who.byTest('conversation-header').filter({ hasText: 'Mountain weekend' }).waitFor(WAIT);
      await who.conversationItem('Mountain weekend').waitFor(WAIT);
      await social(who).systemNote('alice renamed the group to Mountain weekend').waitFor(WAIT);
    }
    await bob.shot('group-conversation');
  });

  it('a kicked member loses the conversation: read-only, with a clear note', T, async () => {
    await social(alice).openGroupInfo();
    const row = social(alice).member('carol');
    await row.getByTestId('kick-member').click(); // arms
    await row.getByTestId('kick-member').click(); // confirms
    await row.waitFor({ state: 'detached', ...WAIT });
    await social(alice).closeDialog();
    await social(alice).systemNote('alice removed carol').waitFor(WAIT);

    await carol.byTest('group-departed').filter({ hasText: 'You were removed from Mountain weekend' }).waitFor(WAIT);
    assert.equal(await carol.byTest('composer').count(), 0, 'no composer once removed');
    assert.equal(await carol.byTest('open-group-info').count(), 0);
    await carol.shot('group-removed');
    // What is said afterwards does not reach her.
    await alice.send('Only the two of us now');
    await bob.message('Only the two of us now').waitFor(WAIT);
    assert.equal(await carol.message('Only the two of us now').count(), 0);
    // She can put the conversation away.
    await carol.byTest('group-departed').getByRole('button', { name: 'Remove from list' }).click();
    await carol.conversationItem('Mountain weekend').waitFor({ state: 'detached', ...WAIT });
  });

  it('public groups are found in Discover and joined; leaving takes the group away', T, async () => {
    await social(bob).createGroup('Climbing club', { isPublic: true });
    await carol.byTest('open-groups').click();
    await carol.byTest('tab-discover').click();
    await carol.byTest('discover-search').fill('climb');
    const found = carol.byTest('discovered-group').filter({ hasText: 'Climbing club' });
    await found.waitFor(WAIT);
    await carol.shot('discover-groups');
    await found.getByTestId('join-group').click();
    await carol.byTest('conversation-header').filter({ hasText: 'Climbing club' }).waitFor(WAIT);
    await social(carol).systemNote('carol joined the group').waitFor(WAIT);
    await social(bob).openGroupInfo();
    await social(bob).member('carol').waitFor(WAIT);
    await social(bob).closeDialog();
    await social(carol).openGroupInfo();
    await carol.byTest('leave-group').click();
    await carol.byTest('leave-group').click();
    await carol.conversationItem('Climbing club').waitFor({ state: 'detached', ...WAIT });
    await social(bob).systemNote('carol left the group').waitFor(WAIT);
  });
});

describe('blocks', { concurrency: false }, () => {
  it('blocking closes the DM on both sides; unblocking from the blocked list reopens it', T, async () => {
    await bob.openConversation('alice');
    await bob.byTest('dm-actions').click();
    await bob.byTest('menu-block').click();
    await bob.byTest('dm-blocked').filter({ hasText: 'You blocked alice' }).waitFor(WAIT);
    assert.equal(await bob.byTest('composer').count(), 0);
    await bob.shot('dm-blocked');

    // Alice does not know until she tries: the server refuses her first keystrokes (typing is
    // a write too), and her composer says why instead.
    await alice.openConversation('bob');
    await alice.byTest('composer').pressSequentially('Hello?');
    await alice.byTest('dm-refused').filter({ hasText: 'You can’t send messages to bob' }).waitFor(WAIT);
    assert.equal(await alice.byTest('composer').count(), 0);
    // The block ended the friendship.
    await social(alice).openFriends();
    await alice.byTest('friend').and(alice.page.locator('[data-username="bob"]')).waitFor({ state: 'detached', ...WAIT });
    await social(alice).closeDialog();

    // In the group they share, what alice said is folded away for bob (her notes are not).
    await bob.openConversation('Mountain weekend');
    await bob.byTest('blocked-message').first().waitFor(WAIT);
    assert.equal(await bob.message('Mountains or the sea?').count(), 0);
    await social(bob).systemNote('alice renamed the group').waitFor(WAIT);
    await bob.openConversation('alice');

    // Bob unblocks from the list of blocked people (in his account menu).
    await bob.byTest('open-blocked').click();
    await bob.byTest('tab-blocked').and(bob.page.locator('[aria-selected="true"]')).waitFor(WAIT);
    await bob.byTest('blocked-user').filter({ hasText: 'alice' }).getByTestId('unblock').click();
    await bob.byTest('blocked-user').waitFor({ state: 'detached', ...WAIT });
    await social(bob).closeDialog();
    await bob.byTest('composer').waitFor(WAIT);
    await bob.send('Sorry, wrong button');
    await alice.message('Sorry, wrong button').waitFor(WAIT);
    // Her composer is back once bob's message shows he can be written to again.
    await alice.byTest('composer').waitFor(WAIT);

    for (const who of [alice, bob, carol]) assert.deepEqual(unexpected(who.errors), []);
  });
});

describe('a phone and the dark theme', { concurrency: false }, () => {
  it('the friends panel and group info fit a 360 px phone in dark mode', T, async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, colorScheme: 'dark' });
    const phone = await ChatPage.open(context, server.baseUrl, '/login/');
    await phone.signIn('alice');
    await phone.openConversation('Mountain weekend');
    await social(phone).openGroupInfo();
    await social(phone).member('bob').waitFor(WAIT);
    await phone.shot('phone-dark-group-info');
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scroll (${overflow}px)`);
    await social(phone).closeDialog();
    await waitFor(async () => (await phone.byTest('open-group-info').count()) === 1, { timeoutMs: 15_000, what: 'the header' });
    await context.close();
  });
});
