// Friends, blocks, presence, typing and read receipts: every rule, positive and negative.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import {
  api, assertError, register, connectWs, closeAllWs, dmId, postMessage, waitFor, HEX24, RFC3339_MS_Z,
} from './lib/client.mjs';

// A short grace keeps the offline tests quick; the default (5 s) is the same code.
const GRACE_MS = 2000;
let server;
before(async () => {
  server = await startServer({ args: ['--presence-grace-ms', String(GRACE_MS)] });
});
after(async () => {
  closeAllWs();
  await server?.cleanup();
});

const T = { timeout: 30_000 };
const users = (n) => Promise.all(Array.from({ length: n }, () => register(server)));
const ws = (who) => connectWs(server, { token: who.token });
const request = (from, to) =>
  api(server, 'POST', '/api/friends/requests', { token: from.token, body: { userId: typeof to === 'string' ? to : to.user.id } });
const answer = (who, id, verb) => api(server, 'POST', `/api/friends/requests/${id}/${verb}`, { token: who.token });
const friends = async (who) => {
  const r = await api(server, 'GET', '/api/friends', { token: who.token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const unfriend = (who, other) => api(server, 'DELETE', `/api/friends/${other.user.id}`, { token: who.token });
const block = (who, other) => api(server, 'POST', `/api/users/${other.user.id}/block`, { token: who.token });
const unblock = (who, other) => api(server, 'DELETE', `/api/users/${other.user.id}/block`, { token: who.token });
const userAs = async (viewer, subject) => {
  const r = await api(server, 'GET', `/api/users/${subject.user.id}`, { token: viewer.token });
  assert.equal(r.status, 200, r.text);
  return r.json.user;
};
const ofUser = (type, who) => (f) => f.type === type && f.userId === who.user.id;
const friendEvent = (type, id) => (f) => f.type === type && f.friendship?.id === id;

async function befriend(a, b) {
  const r = await request(a, b);
  assert.equal(r.status, 201, r.text);
  const ok = await answer(b, r.json.friendship.id, 'accept');
  assert.equal(ok.status, 200, ok.text);
  return ok.json.friendship;
}

function assertFriendship(f, { requester, recipient, status }) {
  assert.deepEqual(Object.keys(f).sort(), ['createdAt', 'id', 'recipient', 'requester', 'status', 'updatedAt']);
  assert.match(f.id, HEX24);
  assert.equal(f.requester, requester.user.id);
  assert.equal(f.recipient, recipient.user.id);
  assert.equal(f.status, status);
  assert.match(f.createdAt, RFC3339_MS_Z);
  assert.match(f.updatedAt, RFC3339_MS_Z);
}

describe('friend requests', () => {
  it('request → 201 pending, accept → 200 accepted; events reach every connection of both', T, async () => {
    const [a, b] = await users(2);
    const [a1, a2, b1] = [await ws(a), await ws(a), await ws(b)];
    const r = await request(a, b);
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(Object.keys(r.json), ['friendship']);
    const f = r.json.friendship;
    assertFriendship(f, { requester: a, recipient: b, status: 'pending' });
    for (const c of [a1, a2, b1]) {
      const e = await c.next(friendEvent('friend-request', f.id));
      assert.deepEqual(e.friendship, f);
    }
    const fa = await friends(a);
    const fb = await friends(b);
    assert.deepEqual(fa.friends, []);
    assert.deepEqual(fa.incoming, []);
    assert.deepEqual(fa.outgoing.map((x) => [x.id, x.status, x.user.id]), [[f.id, 'pending', b.user.id]]);
    assert.deepEqual(fb.outgoing, []);
    assert.deepEqual(fb.incoming.map((x) => [x.id, x.requester, x.user.id, x.user.username]), [[f.id, a.user.id, a.user.id, a.username]]);
    assert.equal(fb.incoming[0].user.email, undefined, 'no email of another user');

    assertError(await request(a, b), 409, 'already_requested');
    const ok = await answer(b, f.id, 'accept');
    assert.equal(ok.status, 200, ok.text);
    assertFriendship(ok.json.friendship, { requester: a, recipient: b, status: 'accepted' });
    assert.equal(ok.json.friendship.id, f.id);
    assert.equal(ok.json.friendship.createdAt, f.createdAt);
    for (const c of [a1, a2, b1]) {
      const e = await c.next(friendEvent('friend-accepted', f.id));
      assert.equal(e.friendship.status, 'accepted');
    }
    assert.deepEqual((await friends(a)).friends.map((u) => u.id), [b.user.id]);
    assert.deepEqual((await friends(b)).friends.map((u) => u.id), [a.user.id]);
    assert.deepEqual((await friends(b)).incoming, []);
    assertError(await request(a, b), 409, 'already_friends');
    assertError(await request(b, a), 409, 'already_friends');
    assertError(await answer(b, f.id, 'accept'), 409, 'not_pending');
  });

  it('crossing requests: asking someone who already asked you accepts both (200)', T, async () => {
    const [a, b] = await users(2);
    const [a1, b1] = [await ws(a), await ws(b)];
    const first = await request(a, b);
    assert.equal(first.status, 201);
    const cross = await request(b, a);
    assert.equal(cross.status, 200, cross.text);
    assertFriendship(cross.json.friendship, { requester: a, recipient: b, status: 'accepted' });
    assert.equal(cross.json.friendship.id, first.json.friendship.id);
    for (const c of [a1, b1]) await c.next(friendEvent('friend-accepted', first.json.friendship.id));
    assert.deepEqual((await friends(a)).friends.map((u) => u.id), [b.user.id]);
    assert.deepEqual((await friends(b)).outgoing, []);
  });

  it('bad requests: yourself 400, unknown user 404, bad body 400, no token 401', T, async () => {
    const [a] = await users(1);
    assertError(await request(a, a), 400, 'invalid_request', { field: 'userId' });
    assertError(await request(a, '0123456789abcdef01234567'), 404, 'not_found');
    assertError(await request(a, 'nope'), 404, 'not_found');
    assertError(await api(server, 'POST', '/api/friends/requests', { token: a.token, body: {} }), 400, 'invalid_request', { field: 'userId' });
    assertError(await api(server, 'POST', '/api/friends/requests', { token: a.token, body: { userId: 42 } }), 400, 'invalid_request', { field: 'userId' });
    assertError(await api(server, 'POST', '/api/friends/requests', { body: { userId: a.user.id } }), 401, 'unauthorized');
    assertError(await api(server, 'GET', '/api/friends'), 401, 'unauthorized');
    assertError(await answer(a, '0123456789abcdef01234567', 'accept'), 404, 'not_found');
    assertError(await answer(a, 'x', 'reject'), 404, 'not_found');
  });

  it('only the recipient answers: requester 403, outsider 404; reject is told to the recipient only', T, async () => {
    const [a, b, c] = await users(3);
    const [a1, b1, b2] = [await ws(a), await ws(b), await ws(b)];
    const f = (await request(a, b)).json.friendship;
    assertError(await answer(a, f.id, 'accept'), 403, 'forbidden');
    assertError(await answer(a, f.id, 'reject'), 403, 'forbidden');
    assertError(await answer(c, f.id, 'accept'), 404, 'not_found');
    const r = await answer(b, f.id, 'reject');
    assert.equal(r.status, 200, r.text);
    assertFriendship(r.json.friendship, { requester: a, recipient: b, status: 'rejected' });
    for (const x of [b1, b2]) assert.equal((await x.next(friendEvent('friend-rejected', f.id))).friendship.status, 'rejected');
    await a1.assertNoFrame((x) => x.type === 'friend-rejected', 'the requester is not told of a rejection');
    await a1.assertNoFrame((x) => x.type === 'friend-accepted', 'nothing was accepted');
    assertError(await answer(b, f.id, 'accept'), 409, 'not_pending');
    assert.deepEqual((await friends(b)).incoming, []);
    assert.deepEqual((await friends(a)).outgoing, []);
    assert.deepEqual((await friends(a)).friends, []);
    // A new request replaces the rejected one.
    const again = await request(a, b);
    assert.equal(again.status, 201, again.text);
    assert.notEqual(again.json.friendship.id, f.id);
  });

  it('unfriend → 204 and friend-removed to both; a pending request can be withdrawn; none → 404', T, async () => {
    const [a, b, c] = await users(3);
    const [a1, b1] = [await ws(a), await ws(b)];
    await befriend(a, b);
    const r = await unfriend(b, a);
    assert.equal(r.status, 204, r.text);
    assert.equal((await a1.next('friend-removed')).userId, b.user.id);
    assert.equal((await b1.next('friend-removed')).userId, a.user.id);
    assert.deepEqual((await friends(a)).friends, []);
    assert.deepEqual((await friends(b)).friends, []);
    assertError(await unfriend(b, a), 404, 'not_found');
    assertError(await unfriend(a, c), 404, 'not_found');
    assertError(await api(server, 'DELETE', '/api/friends/zzz', { token: a.token }), 404, 'not_found');
    // Withdrawing a request.
    await request(a, c);
    assert.equal((await unfriend(a, c)).status, 204);
    assert.deepEqual((await friends(c)).incoming, []);
    assert.equal((await request(c, a)).status, 201, 'a fresh request, not a crossing one');
  });
});

describe('blocks', () => {
  it('in a group, the blocker receives nothing the blocked member says; others still do', T, async () => {
    const [owner, blocker, blocked, other] = await users(4);
    const created = await api(server, 'POST', '/api/groups', { token: owner.token, body: { name: 'shared room' } });
    assert.equal(created.status, 201, created.text);
    const gid = created.json.group.id;
    for (const m of [blocker, blocked, other]) {
      const r = await api(server, 'POST', `/api/groups/${gid}/members`, { token: owner.token, body: { userId: m.user.id } });
      assert.equal(r.status, 200, r.text);
    }
    assert.equal((await block(blocker, blocked)).status, 204);
    const [blockerWs, otherWs] = [await ws(blocker), await ws(other)];
    const said = await postMessage(server, blocked, `grp_${gid}`, 'you cannot hear me');
    const seen = await otherWs.next((f) => f.type === 'message' && f.message.id === said.id);
    assert.equal(seen.message.body, 'you cannot hear me');
    await blockerWs.assertNoFrame((f) => f.type === 'message' && f.message.id === said.id,
      'the blocker must not receive the blocked member’s message');
    // Everyone else's messages still reach the blocker.
    const fine = await postMessage(server, other, `grp_${gid}`, 'hello all');
    await blockerWs.next((f) => f.type === 'message' && f.message.id === fine.id);
    // Nor does the blocked member's message reach the blocker another way: not in the history,
    // the unread count, the conversation's last message, search, or as a later change.
    const historyIds = async (who) => {
      const r = await api(server, 'GET', `/api/conversations/grp_${gid}/messages`, { token: who.token });
      assert.equal(r.status, 200, r.text);
      return r.json.messages.filter((m) => m.type !== 'system').map((m) => m.id);
    };
    assert.deepEqual(await historyIds(blocker), [fine.id]);
    assert.deepEqual(await historyIds(other), [said.id, fine.id]);
    const resync = await api(server, 'GET', `/api/conversations/grp_${gid}/messages?after=0`, { token: blocker.token });
    assert.ok(!resync.json.messages.some((m) => m.id === said.id), 'a resync page leaves it out too');
    const listed = async (who) => {
      const r = await api(server, 'GET', '/api/conversations', { token: who.token });
      assert.equal(r.status, 200, r.text);
      return r.json.conversations.find((c) => c.id === `grp_${gid}`);
    };
    // The blocker has read nothing and sent nothing: every message of the group they can see
    // is unread (the system notes of the joins and 'hello all'), the blocked one is not.
    const visible = await api(server, 'GET', `/api/conversations/grp_${gid}/messages`, { token: blocker.token });
    const forBlocker = await listed(blocker);
    assert.equal(forBlocker.unread, visible.json.messages.length);
    assert.equal(forBlocker.lastMessage.id, fine.id);
    assert.equal((await listed(other)).lastMessage.id, fine.id);
    const edited = await api(server, 'PATCH', `/api/messages/${said.id}`, { token: blocked.token, body: { body: 'you still cannot hear me' } });
    assert.equal(edited.status, 200, edited.text);
    await otherWs.next((f) => f.type === 'message-updated' && f.message.id === said.id);
    await blockerWs.assertNoFrame((f) => f.type === 'message-updated' && f.message.id === said.id,
      'the blocker must not receive a change to the blocked member’s message');
    const found = await waitFor(async () => {
      const r = await api(server, 'GET', '/api/search?q=still+cannot+hear', { token: other.token });
      return r.json?.results?.some((x) => x.message.id === said.id) ? r : null;
    }, { timeoutMs: 15_000, what: 'the edit indexed' });
    assert.ok(found);
    const hidden = await api(server, 'GET', '/api/search?q=still+cannot+hear', { token: blocker.token });
    assert.equal(hidden.status, 200, hidden.text);
    assert.deepEqual(hidden.json.results, []);
    // After an unblock, they hear each other again, and the history shows what was said.
    assert.equal((await unblock(blocker, blocked)).status, 204);
    const again = await postMessage(server, blocked, `grp_${gid}`, 'back again');
    await blockerWs.next((f) => f.type === 'message' && f.message.id === again.id);
    assert.deepEqual(await historyIds(blocker), [said.id, fine.id, again.id]);
  });

  it('a block ends the friendship and stops DMs and requests both ways (403 blocked); unblock restores', T, async () => {
    const [a, b] = await users(2);
    const cid = dmId(a, b);
    await befriend(a, b);
    const earlier = await postMessage(server, a, cid, 'before the block');
    const [a1, b1] = [await ws(a), await ws(b)];

    assert.equal((await block(b, a)).status, 204);
    assert.equal((await a1.next('friend-removed')).userId, b.user.id);
    assert.deepEqual((await friends(a)).friends, []);
    assert.deepEqual((await friends(b)).friends, []);
    assert.deepEqual((await friends(b)).blocked.map((u) => u.id), [a.user.id]);
    assert.deepEqual((await friends(a)).blocked, []);

    // The blocked user cannot DM the blocker, over REST or the WebSocket...
    const post = (who, body) => api(server, 'POST', `/api/conversations/${cid}/messages`, { token: who.token, body: { body } });
    assertError(await post(a, 'let me in'), 403, 'blocked');
    a1.send({ type: 'send', clientMsgId: 'blocked-1', conversationId: cid, body: 'hello?', msgType: 'text' });
    const e = await a1.next('error');
    assert.deepEqual([e.code, e.ref], ['blocked', 'blocked-1']);
    // ...nor can the blocker DM the blocked user: a block is mutual for DMs.
    assertError(await post(b, 'one last word'), 403, 'blocked');
    b1.send({ type: 'send', clientMsgId: 'blocked-2', conversationId: cid, body: 'hm', msgType: 'text' });
    assert.equal((await b1.next('error')).code, 'blocked');
    await b1.assertNoFrame((x) => x.type === 'message', 'a message across the block');
    // Friend requests, both ways.
    assertError(await request(a, b), 403, 'blocked');
    assertError(await request(b, a), 403, 'blocked');
    // Typing is a write too.
    a1.send({ type: 'typing', conversationId: cid, state: 'start' });
    assert.equal((await a1.next('error')).code, 'blocked');
    await b1.assertNoFrame((x) => x.type === 'typing', 'typing across the block');
    // Reactions and edits are writes into the DM too; its history stays visible.
    const react = await api(server, 'POST', `/api/messages/${earlier.id}/reactions`, { token: b.token, body: { emoji: '👍' } });
    assertError(react, 403, 'blocked');
    const edit = await api(server, 'PATCH', `/api/messages/${earlier.id}`, { token: a.token, body: { body: 'edited' } });
    assertError(edit, 403, 'blocked');
    const versions = await api(server, 'GET', `/api/messages/${earlier.id}/history`, { token: b.token });
    assert.equal(versions.status, 200, versions.text);
    // The history stays readable for both.
    for (const who of [a, b]) {
      const h = await api(server, 'GET', `/api/conversations/${cid}/messages`, { token: who.token });
      assert.equal(h.status, 200, h.text);
      assert.deepEqual(h.json.messages.map((m) => m.body), ['before the block']);
    }
    // Idempotent.
    assert.equal((await block(b, a)).status, 204);

    assert.equal((await unblock(b, a)).status, 204);
    assert.equal((await unblock(b, a)).status, 204, 'unblocking twice is fine');
    assert.equal((await post(a, 'hello again')).status, 201);
    assert.equal((await b1.next((x) => x.type === 'message')).message.body, 'hello again');
    assert.equal((await request(a, b)).status, 201);
    assert.deepEqual((await friends(b)).blocked, []);
  });

  it('only the blocker can lift a block', T, async () => {
    const [a, b] = await users(2);
    const dm = (who) => api(server, 'POST', `/api/conversations/${dmId(a, b)}/messages`, { token: who.token, body: { body: 'x' } });
    assert.equal((await block(a, b)).status, 204);
    assert.equal((await unblock(b, a)).status, 204, 'b blocked nobody: nothing to lift');
    assertError(await dm(b), 403, 'blocked');
    assert.equal((await unblock(a, b)).status, 204);
    assert.equal((await dm(b)).status, 201);
  });

  it('bad block targets: yourself 400, unknown 404', T, async () => {
    const [a] = await users(1);
    assertError(await block(a, a), 400, 'invalid_request');
    assertError(await api(server, 'POST', '/api/users/0123456789abcdef01234567/block', { token: a.token }), 404, 'not_found');
    assertError(await api(server, 'DELETE', '/api/users/nope/block', { token: a.token }), 404, 'not_found');
    assertError(await api(server, 'POST', `/api/users/${a.user.id}/block`), 401, 'unauthorized');
  });

  it('a blocked user no longer sees the blocker\'s presence', T, async () => {
    const [a, b] = await users(2);
    await befriend(a, b);
    const a1 = await ws(a);
    const b1 = await ws(b);
    assert.equal((await a1.next(ofUser('presence', b))).status, 'online');
    assert.equal((await userAs(a, b)).status, 'online');
    assert.equal((await block(b, a)).status, 204);
    b1.send({ type: 'presence', status: 'away' });
    await b1.sync();
    await a1.assertNoFrame(ofUser('presence', b), 'presence across a block');
    const seen = await userAs(a, b);
    assert.equal(seen.status, 'offline');
    assert.equal(seen.lastSeen, null);
  });
});

describe('presence', () => {
  it('online, away, offline with lastSeen, aggregated over connections, to friends only', T, async () => {
    const [a, b, c] = await users(3);
    await befriend(a, b);
    const b1 = await ws(b);
    const c1 = await ws(c);
    const before = Date.now();
    const a1 = await ws(a);
    const on = await b1.next(ofUser('presence', a));
    assert.deepEqual(Object.keys(on).sort(), ['lastSeen', 'status', 'type', 'userId']);
    assert.equal(on.status, 'online');
    assert.match(on.lastSeen, RFC3339_MS_Z);
    assert.equal((await userAs(b, a)).status, 'online');
    assert.equal((await userAs(c, a)).status, 'offline', 'presence is for friends');
    assert.equal((await userAs(a, a)).status, 'online');

    a1.send({ type: 'presence', status: 'away' });
    assert.equal((await b1.next(ofUser('presence', a))).status, 'away');
    assert.equal((await userAs(b, a)).status, 'away');
    // A second connection that is at the keyboard makes the user online again.
    const a2 = await ws(a);
    assert.equal((await b1.next(ofUser('presence', a))).status, 'online');
    a2.send({ type: 'presence', status: 'away' });
    assert.equal((await b1.next(ofUser('presence', a))).status, 'away');
    // One of two away connections closing changes nothing.
    await a2.close();
    await a1.sync();
    await b1.assertNoFrame(ofUser('presence', a), 'a change while another connection stays');
    a1.send({ type: 'presence', status: 'sleepy' });
    const bad = await a1.next('error');
    assert.equal(bad.code, 'invalid_request');
    assert.match(bad.message, /status/);

    await a1.close();
    const off = await b1.next(ofUser('presence', a), GRACE_MS + 5000);
    assert.equal(off.status, 'offline');
    const lastSeen = Date.parse(off.lastSeen);
    assert.ok(lastSeen >= before - 1000 && lastSeen <= Date.now(), off.lastSeen);
    const seen = await userAs(b, a);
    assert.equal(seen.status, 'offline');
    assert.equal(seen.lastSeen, off.lastSeen);
    await c1.assertNoFrame((x) => x.type === 'presence', 'presence to a stranger');
  });

  it('a reconnect within the grace period does not flap offline/online', T, async () => {
    const [a, b] = await users(2);
    await befriend(a, b);
    const b1 = await ws(b);
    const seen = [];
    b1.tap((f) => {
      if (f.type === 'presence' && f.userId === a.user.id) seen.push(f.status);
    });
    const first = await ws(a);
    await b1.next(ofUser('presence', a));
    await first.close();
    const second = await ws(a); // well within the grace
    await second.sync();
    await second.close();
    // The offline of the last close comes one grace later; one from the first close would
    // have come before it.
    await b1.next((f) => f.type === 'presence' && f.userId === a.user.id && f.status === 'offline', GRACE_MS + 5000);
    assert.deepEqual(seen, ['online', 'offline']);
  });

  it('new friends are told each other\'s presence when the request is accepted', T, async () => {
    const [a, b] = await users(2);
    const a1 = await ws(a);
    const b1 = await ws(b);
    await a1.assertNoFrame(ofUser('presence', b), 'presence before being friends');
    await befriend(a, b);
    assert.equal((await a1.next(ofUser('presence', b))).status, 'online');
    assert.equal((await b1.next(ofUser('presence', a))).status, 'online');
  });
});

describe('typing', () => {
  it('relayed to the other participant\'s connections, throttled, stopped on disconnect', T, async () => {
    const [a, b, c] = await users(3);
    const cid = dmId(a, b);
    const [a1, b1, b2, c1] = [await ws(a), await ws(b), await ws(b), await ws(c)];
    await postMessage(server, b, cid, 'hi'); // both known to the server's caches
    a1.send({ type: 'typing', conversationId: cid, state: 'start' });
    for (const x of [b1, b2]) {
      const t = await x.next('typing');
      assert.deepEqual(t, { type: 'typing', conversationId: cid, userId: a.user.id, state: 'start' });
    }
    // A second start within the throttle interval is not relayed; a stop is.
    a1.send({ type: 'typing', conversationId: cid, state: 'start' });
    a1.send({ type: 'typing', conversationId: cid, state: 'stop' });
    assert.equal((await b1.next('typing')).state, 'stop', 'the repeated start was throttled');
    assert.equal((await b2.next('typing')).state, 'stop');
    // A stop with nothing showing is not relayed either.
    a1.send({ type: 'typing', conversationId: cid, state: 'stop' });
    await a1.sync();
    await b1.assertNoFrame('typing', 'a stop without a start');
    await a1.assertNoFrame('typing', 'typing echoed to its sender');

    // An outsider gets an error and nobody hears it.
    c1.send({ type: 'typing', conversationId: cid, state: 'start' });
    assert.equal((await c1.next('error')).code, 'forbidden');
    await b1.assertNoFrame((x) => x.type === 'typing' && x.userId === c.user.id, 'outsider typing relayed');
    await a1.assertNoFrame((x) => x.type === 'typing', 'outsider typing relayed');

    // After a stop, a new start goes through at once; a connection that closes mid-sentence
    // sends its stop.
    a1.send({ type: 'typing', conversationId: cid, state: 'start' });
    assert.equal((await b1.next('typing')).state, 'start');
    a1.terminate();
    const stop = await b1.next('typing');
    assert.deepEqual([stop.userId, stop.state], [a.user.id, 'stop']);
  });
});

describe('read receipts', () => {
  it('WS and REST reads reach the other participant and the reader\'s other connections; unread stays exact', T, async () => {
    const [a, b, c] = await users(3);
    const cid = dmId(a, b);
    for (const body of ['one', 'two', 'three']) await postMessage(server, a, cid, body);
    const [a1, b1, b2] = [await ws(a), await ws(b), await ws(b)];
    const unread = async (who) => {
      const r = await api(server, 'GET', '/api/conversations', { token: who.token });
      return r.json.conversations.find((x) => x.id === cid).unread;
    };
    assert.equal(await unread(b), 3);

    b1.send({ type: 'read', conversationId: cid, seq: 2 });
    for (const x of [a1, b2]) {
      const r = await x.next('read');
      assert.deepEqual(r, { type: 'read', conversationId: cid, userId: b.user.id, seq: 2 });
    }
    await b1.assertNoFrame('read', 'the reading connection is not told what it read');
    assert.equal(await unread(b), 1, 'read on one device counts on all');
    assert.equal(await unread(a), 0);

    const rest = await api(server, 'POST', `/api/conversations/${cid}/read`, { token: b.token, body: { seq: 3 } });
    assert.equal(rest.status, 204, rest.text);
    for (const x of [a1, b1, b2]) assert.equal((await x.next('read')).seq, 3);
    assert.equal(await unread(b), 0);

    // A new message is unread again, exactly one.
    await postMessage(server, a, cid, 'four');
    assert.equal(await unread(b), 1);
    // Outsiders cannot mark or hear.
    const c1 = await ws(c);
    c1.send({ type: 'read', conversationId: cid, seq: 4 });
    assert.equal((await c1.next('error')).code, 'forbidden');
    assertError(await api(server, 'POST', `/api/conversations/${cid}/read`, { token: c.token, body: { seq: 4 } }), 403, 'forbidden');
    await a1.assertNoFrame((x) => x.type === 'read' && x.userId === c.user.id, 'an outsider\'s read');
  });
});

describe('after a restart', () => {
  it('friendships, blocks and lastSeen come back from the store', T, async () => {
    const [a, b, c, d] = await users(4);
    await befriend(a, b);
    await befriend(d, b);
    assert.equal((await block(a, c)).status, 204);
    await ws(d); // still connected when the server stops
    const b1 = await ws(b);
    const a1 = await ws(a);
    await b1.next(ofUser('presence', a));
    await a1.close();
    const off = await b1.next(ofUser('presence', a), GRACE_MS + 5000);
    assert.equal(off.status, 'offline');
    b1.terminate();

    const stopping = Date.now();
    assert.equal(await server.stop(), 0, 'a clean drain');
    await server.start();
    const seen = await userAs(b, a);
    assert.deepEqual([seen.status, seen.lastSeen], ['offline', off.lastSeen]);
    // The drain stored when the users still connected were last seen.
    const seenD = await userAs(b, d);
    assert.equal(seenD.status, 'offline');
    assert.match(seenD.lastSeen ?? '', RFC3339_MS_Z);
    assert.ok(Date.parse(seenD.lastSeen) >= stopping - 1000, seenD.lastSeen);
    assert.deepEqual((await friends(a)).friends.map((u) => u.id), [b.user.id]);
    assert.deepEqual((await friends(a)).blocked.map((u) => u.id), [c.user.id]);
    // The in-memory graph was reloaded: the block and the friendship still act.
    const dm = await api(server, 'POST', `/api/conversations/${dmId(a, c)}/messages`, { token: c.token, body: { body: 'x' } });
    assertError(dm, 403, 'blocked');
    const b2 = await ws(b);
    await ws(a);
    assert.equal((await b2.next(ofUser('presence', a))).status, 'online');
  });
});
