// Groups: create, discover, join, leave, invite, kick, roles, maxMembers, group conversations
// (fan-out, history, read markers), system messages, group-updated events, and outsiders.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import {
  api, assertError, register, connectWs, closeAllWs, postMessage, uniqueName, HEX24, RFC3339_MS_Z,
} from './lib/client.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  closeAllWs();
  await server?.cleanup();
});

const T = { timeout: 30_000 };
const call = (who, method, path, body) => api(server, method, path, { token: who.token, body });
const cidOf = (g) => `grp_${g.id}`;
const memberIds = (g) => g.members.map((m) => m.userID);
const roleOf = (g, who) => g.members.find((m) => m.userID === who.user.id)?.role;
const users = async (n) => Promise.all(Array.from({ length: n }, () => register(server)));

async function createGroup(who, body = {}) {
  const res = await call(who, 'POST', '/api/groups', { name: uniqueName('g'), ...body });
  assert.equal(res.status, 201, res.text);
  return res.json.group;
}

async function ok(res, status = 200) {
  assert.equal(res.status, status, res.text);
  return res.json;
}

async function history(who, g, query = '') {
  return (await ok(await call(who, 'GET', `/api/conversations/${cidOf(g)}/messages${query}`))).messages;
}

const isMessage = (cid, pred = () => true) => (f) => f.type === 'message' && f.message.conversationId === cid && pred(f.message);
const isSystem = (g, event) => isMessage(cidOf(g), (m) => m.type === 'system' && m.metadata.event === event);
const isGroupUpdate = (g) => (f) => f.type === 'group-updated' && f.group.id === g.id;

/** A group with `admin` as creator and the others added by the admin. */
async function groupWith(admin, others, body = {}) {
  const g = await createGroup(admin, body);
  for (const o of others) await ok(await call(admin, 'POST', `/api/groups/${g.id}/members`, { userId: o.user.id }));
  return (await ok(await call(admin, 'GET', `/api/groups/${g.id}`))).group;
}

describe('creating', () => {
  it('201 {group}: the creator is admin, defaults, the contract shape, a created message', T, async () => {
    const [alice] = await users(1);
    const res = await call(alice, 'POST', '/api/groups', { name: '  Book club  ', description: 'we read' });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(Object.keys(res.json), ['group']);
    const g = res.json.group;
    assert.deepEqual(Object.keys(g).sort(), ['avatar', 'createdAt', 'description', 'id', 'members', 'name', 'settings', 'updatedAt']);
    assert.match(g.id, HEX24);
    assert.equal(g.name, 'Book club', 'the name is trimmed');
    assert.equal(g.description, 'we read');
    assert.equal(g.avatar, '');
    assert.deepEqual(g.settings, { isPublic: false, allowInvites: false, maxMembers: 1000 });
    assert.match(g.createdAt, RFC3339_MS_Z);
    assert.match(g.updatedAt, RFC3339_MS_Z);
    assert.equal(g.members.length, 1);
    assert.deepEqual(Object.keys(g.members[0]).sort(), ['joinedAt', 'role', 'userID']);
    assert.equal(g.members[0].userID, alice.user.id);
    assert.equal(g.members[0].role, 'admin');
    assert.match(g.members[0].joinedAt, RFC3339_MS_Z);

    assert.deepEqual((await ok(await call(alice, 'GET', `/api/groups/${g.id}`))).group, g);
    // The conversation exists at once, with the creation as its first (system) message.
    const [created] = await history(alice, g);
    assert.equal(created.seq, 1);
    assert.equal(created.type, 'system');
    assert.equal(created.to, g.id);
    assert.equal(created.from, alice.user.id);
    assert.equal(created.metadata.event, 'group-created');
    const list = (await ok(await call(alice, 'GET', '/api/conversations'))).conversations;
    const entry = list.find((c) => c.id === cidOf(g));
    assert.ok(entry, `the group is in the creator's conversation list: ${JSON.stringify(list)}`);
    assert.equal(entry.kind, 'group');
    assert.deepEqual(entry.group, g);
    assert.equal(entry.lastSeq, 1);
    assert.equal(entry.peer, undefined);
  });

  it('settings and avatar as given; body fields that are not settable are ignored', T, async () => {
    const [alice, bob] = await users(2);
    const g = await createGroup(alice, {
      avatar: 'https://example.test/a.png',
      settings: { isPublic: true, allowInvites: true, maxMembers: 2 },
      id: '0'.repeat(24),
      members: [{ userID: bob.user.id, role: 'admin' }],
      createdAt: '2000-01-01T00:00:00.000Z',
    });
    assert.notEqual(g.id, '0'.repeat(24));
    assert.deepEqual(memberIds(g), [alice.user.id]);
    assert.notEqual(g.createdAt, '2000-01-01T00:00:00.000Z');
    assert.equal(g.avatar, 'https://example.test/a.png');
    assert.deepEqual(g.settings, { isPublic: true, allowInvites: true, maxMembers: 2 });
  });

  it('rejects bad input with 400 naming the field', T, async () => {
    const [alice] = await users(1);
    const bad = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 42 }, 'name'],
      [{ name: 'a\nb' }, 'name'],
      [{ name: 'ok', description: 'd'.repeat(1001) }, 'description'],
      [{ name: 'ok', avatar: 'javascript:alert(1)' }, 'avatar'],
      [{ name: 'ok', settings: 'public' }, 'settings'],
      [{ name: 'ok', settings: { isPublic: 'yes' } }, 'settings.isPublic'],
      [{ name: 'ok', settings: { allowInvites: 1 } }, 'settings.allowInvites'],
      [{ name: 'ok', settings: { maxMembers: 1 } }, 'settings.maxMembers'],
      [{ name: 'ok', settings: { maxMembers: 10001 } }, 'settings.maxMembers'],
      [{ name: 'ok', settings: { maxMembers: 2.5 } }, 'settings.maxMembers'],
      [{ name: 'ok', settings: { maxMembers: '5' } }, 'settings.maxMembers'],
      [{ name: 'ok', settings: { maxMembers: 2 ** 64 } }, 'settings.maxMembers'],
    ];
    for (const [body, field] of bad) {
      assertError(await call(alice, 'POST', '/api/groups', body), 400, 'invalid_request', { field });
    }
    // 100 characters (not bytes) is the limit.
    assert.equal((await createGroup(alice, { name: 'é'.repeat(100) })).name, 'é'.repeat(100));
    assertError(await api(server, 'POST', '/api/groups', { body: { name: 'x' } }), 401, 'unauthorized');
    assertError(
      await api(server, 'POST', '/api/groups', { token: alice.token, rawBody: '{"name":"x"}', headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_type',
    );
    assert.equal((await ok(await call(alice, 'GET', '/api/groups/mine'))).groups.length, 1, 'nothing else was created');
  });
});

describe('finding groups', () => {
  it('discover lists public groups only, searches names, pages newest first', T, async () => {
    const [alice, bob] = await users(2);
    const tag = uniqueName('tag').toLowerCase();
    const pub1 = await createGroup(alice, { name: `${tag} Hiking`, settings: { isPublic: true } });
    const priv = await createGroup(alice, { name: `${tag} hiking secret` });
    const pub2 = await createGroup(bob, { name: `${tag} Climbing`, settings: { isPublic: true } });
    const found = (await ok(await call(bob, 'GET', `/api/groups?public=true&q=${tag}`))).groups;
    assert.deepEqual(found.map((g) => g.id), [pub2.id, pub1.id]);
    assert.ok(!found.some((g) => g.id === priv.id), 'a private group is never discovered');
    assert.deepEqual(found[1], pub1, 'discovered groups are whole group objects');
    const hiking = (await ok(await call(bob, 'GET', `/api/groups?q=${tag.toUpperCase()}%20HIK`))).groups;
    assert.deepEqual(hiking.map((g) => g.id), [pub1.id]);
    const page1 = (await ok(await call(bob, 'GET', `/api/groups?public=true&q=${tag}&limit=1`))).groups;
    assert.deepEqual(page1.map((g) => g.id), [pub2.id]);
    const page2 = (await ok(await call(bob, 'GET', `/api/groups?public=true&q=${tag}&limit=1&before=${pub2.id}`))).groups;
    assert.deepEqual(page2.map((g) => g.id), [pub1.id]);
    assert.deepEqual((await ok(await call(bob, 'GET', `/api/groups?q=${tag}%25`))).groups, [], 'no wildcards');

    assertError(await call(bob, 'GET', '/api/groups?public=false'), 400, 'invalid_request', { field: 'public' });
    assertError(await call(bob, 'GET', '/api/groups?limit=0'), 400, 'invalid_request', { field: 'limit' });
    assertError(await call(bob, 'GET', '/api/groups?limit=101'), 400, 'invalid_request', { field: 'limit' });
    assertError(await call(bob, 'GET', '/api/groups?before=xyz'), 400, 'invalid_request', { field: 'before' });
  });

  it('mine lists exactly my groups, private ones included', T, async () => {
    const [alice, bob] = await users(2);
    const a1 = await createGroup(alice);
    const a2 = await createGroup(alice, { settings: { isPublic: true } });
    const b1 = await createGroup(bob);
    assert.deepEqual((await ok(await call(alice, 'GET', '/api/groups/mine'))).groups.map((g) => g.id), [a2.id, a1.id]);
    assert.deepEqual((await ok(await call(bob, 'GET', '/api/groups/mine'))).groups.map((g) => g.id), [b1.id]);
  });

  it('GET /api/groups/:id: members and anyone for a public group; 403 private, 404 unknown', T, async () => {
    const [alice, outsider] = await users(2);
    const priv = await createGroup(alice);
    const pub = await createGroup(alice, { settings: { isPublic: true } });
    assert.deepEqual((await ok(await call(outsider, 'GET', `/api/groups/${pub.id}`))).group, pub);
    const denied = await call(outsider, 'GET', `/api/groups/${priv.id}`);
    assertError(denied, 403, 'forbidden');
    assert.ok(!denied.text.includes(priv.name), 'no data of the private group');
    assertError(await call(outsider, 'GET', `/api/groups/${'0'.repeat(24)}`), 404, 'not_found');
    assertError(await call(outsider, 'GET', '/api/groups/nope'), 404, 'not_found');
  });
});

describe('membership', () => {
  it('join a public group → member; system message and group-updated to the members', T, async () => {
    const [alice, bob] = await users(2);
    const g = await createGroup(alice, { settings: { isPublic: true } });
    const aliceWs = await connectWs(server, { token: alice.token });
    const bobWs = await connectWs(server, { token: bob.token });
    const joined = (await ok(await call(bob, 'POST', `/api/groups/${g.id}/join`))).group;
    assert.deepEqual(memberIds(joined), [alice.user.id, bob.user.id]);
    assert.equal(roleOf(joined, bob), 'member');
    for (const ws of [aliceWs, bobWs]) {
      const sys = await ws.next(isSystem(g, 'member-joined'));
      assert.equal(sys.message.metadata.userId, bob.user.id);
      assert.equal(sys.message.from, bob.user.id);
      assert.equal(sys.message.seq, 2);
      assert.match(sys.message.body, new RegExp(bob.username));
      const upd = await ws.next(isGroupUpdate(g));
      assert.deepEqual(upd.group, joined);
      assert.ok(!ws.queue.some(isGroupUpdate(g)), 'one group-updated per change');
    }
    // Joining again changes nothing.
    assert.deepEqual((await ok(await call(bob, 'POST', `/api/groups/${g.id}/join`))).group, joined);
    await aliceWs.assertNoFrame(isGroupUpdate(g), 'a second join is not announced');
    assert.equal((await history(bob, g)).length, 2);
  });

  it('join a private group → 403; an unknown one → 404', T, async () => {
    const [alice, bob] = await users(2);
    const g = await createGroup(alice);
    assertError(await call(bob, 'POST', `/api/groups/${g.id}/join`), 403, 'forbidden');
    assertError(await call(bob, 'POST', `/api/groups/${'0'.repeat(24)}/join`), 404, 'not_found');
    assert.deepEqual(memberIds((await ok(await call(alice, 'GET', `/api/groups/${g.id}`))).group), [alice.user.id]);
  });

  it('leave: 204, the leaver is told and stops receiving; the rest get member-left', T, async () => {
    const [alice, bob, carol] = await users(3);
    const g = await groupWith(alice, [bob, carol]);
    const bobWs = await connectWs(server, { token: bob.token });
    const carolWs = await connectWs(server, { token: carol.token });
    assert.equal((await call(bob, 'POST', `/api/groups/${g.id}/leave`)).status, 204);
    const told = await bobWs.next(isGroupUpdate(g));
    assert.deepEqual(memberIds(told.group), [alice.user.id, carol.user.id]);
    const left = await carolWs.next(isSystem(g, 'member-left'));
    assert.equal(left.message.metadata.userId, bob.user.id);
    await carolWs.next(isGroupUpdate(g));
    await postMessage(server, alice, cidOf(g), 'after bob left');
    await carolWs.next(isMessage(cidOf(g), (m) => m.body === 'after bob left'));
    await bobWs.assertNoFrame(isMessage(cidOf(g)), 'a member who left receives nothing more');
    assertError(await call(bob, 'GET', `/api/conversations/${cidOf(g)}/messages`), 403, 'forbidden');
    assertError(await call(bob, 'POST', `/api/conversations/${cidOf(g)}/messages`, { body: 'still here?' }), 403, 'forbidden');
    const list = (await ok(await call(bob, 'GET', '/api/conversations'))).conversations;
    assert.ok(!list.some((c) => c.id === cidOf(g)), 'the group left the leaver\'s conversation list');
    assert.ok(!(await ok(await call(bob, 'GET', '/api/groups/mine'))).groups.some((x) => x.id === g.id));
    assertError(await call(bob, 'POST', `/api/groups/${g.id}/leave`), 403, 'forbidden');
  });

  it('the last admin leaving promotes the oldest member; the last member leaving deletes the group', T, async () => {
    const [alice, bob, carol] = await users(3);
    const g = await groupWith(alice, [bob, carol]);
    const carolWs = await connectWs(server, { token: carol.token });
    assert.equal((await call(alice, 'POST', `/api/groups/${g.id}/leave`)).status, 204);
    await carolWs.next(isSystem(g, 'member-left'));
    const promoted = await carolWs.next(isSystem(g, 'role-changed'));
    assert.equal(promoted.message.metadata.userId, bob.user.id);
    assert.equal(promoted.message.metadata.role, 'admin');
    assert.equal(promoted.message.metadata.reason, 'last-admin-left');
    const after1 = (await ok(await call(bob, 'GET', `/api/groups/${g.id}`))).group;
    assert.deepEqual(after1.members.map((m) => [m.userID, m.role]), [[bob.user.id, 'admin'], [carol.user.id, 'member']]);
    // Bob is admin now: he can kick.
    await ok(await call(bob, 'DELETE', `/api/groups/${g.id}/members/${carol.user.id}`));
    // Removing oneself is leaving; the last one out deletes the group and hears it go empty.
    const bobWs = await connectWs(server, { token: bob.token });
    assert.equal((await call(bob, 'DELETE', `/api/groups/${g.id}/members/${bob.user.id}`)).status, 204);
    const last = await bobWs.next(isGroupUpdate(g));
    assert.deepEqual(last.group.members, []);
    assertError(await call(bob, 'GET', `/api/groups/${g.id}`), 404, 'not_found');
    assertError(await call(bob, 'GET', `/api/conversations/${cidOf(g)}/messages`), 404, 'not_found');
    assertError(await call(bob, 'POST', `/api/groups/${g.id}/join`), 404, 'not_found');
  });

  it('invites: admin always; members only with allowInvites; outsiders never', T, async () => {
    const [alice, bob, carol, dave, erin] = await users(5);
    const closed = await groupWith(alice, [bob]);
    assertError(await call(bob, 'POST', `/api/groups/${closed.id}/members`, { userId: carol.user.id }), 403, 'forbidden');
    assertError(await call(erin, 'POST', `/api/groups/${closed.id}/members`, { userId: erin.user.id }), 403, 'forbidden');
    const added = (await ok(await call(alice, 'POST', `/api/groups/${closed.id}/members`, { userId: carol.user.id }))).group;
    assert.deepEqual(memberIds(added), [alice.user.id, bob.user.id, carol.user.id]);
    assertError(await call(alice, 'POST', `/api/groups/${closed.id}/members`, { userId: carol.user.id }), 409, 'already_member');
    assertError(await call(alice, 'POST', `/api/groups/${closed.id}/members`, { userId: '0'.repeat(24) }), 404, 'not_found');
    assertError(await call(alice, 'POST', `/api/groups/${closed.id}/members`, { userId: 'nope' }), 404, 'not_found');
    assertError(await call(alice, 'POST', `/api/groups/${closed.id}/members`, {}), 400, 'invalid_request', { field: 'userId' });

    const open = await groupWith(alice, [bob], { settings: { allowInvites: true } });
    const daveWs = await connectWs(server, { token: dave.token });
    const invited = (await ok(await call(bob, 'POST', `/api/groups/${open.id}/members`, { userId: dave.user.id }))).group;
    assert.equal(roleOf(invited, dave), 'member');
    const sys = await daveWs.next(isSystem(open, 'member-added'));
    assert.equal(sys.message.metadata.userId, dave.user.id);
    assert.equal(sys.message.metadata.actorId, bob.user.id);
    assert.deepEqual((await daveWs.next(isGroupUpdate(open))).group, invited);
    // The new member can post at once (WebSocket and REST) and read the history.
    const ack = await daveWs.sendMessage(cidOf(open), 'hi all');
    assert.equal(ack.message.to, open.id);
    await postMessage(server, dave, cidOf(open), 'hi again');
    assert.ok((await history(dave, open)).some((m) => m.body === 'hi all'));
    assertError(await call(erin, 'POST', `/api/groups/${open.id}/members`, { userId: erin.user.id }), 403, 'forbidden');
    // Members cannot forge system messages.
    assertError(await call(dave, 'POST', `/api/conversations/${cidOf(open)}/messages`, { body: 'x', type: 'system' }), 400, 'invalid_request', { field: 'type' });
  });

  it('admin-only routes are 403 for members and outsiders', T, async () => {
    const [alice, bob, carol, outsider] = await users(4);
    const g = await groupWith(alice, [bob, carol], { settings: { isPublic: true } });
    for (const who of [bob, outsider]) {
      assertError(await call(who, 'PATCH', `/api/groups/${g.id}`, { name: 'mine now' }), 403, 'forbidden');
      assertError(await call(who, 'DELETE', `/api/groups/${g.id}/members/${carol.user.id}`), 403, 'forbidden');
      assertError(await call(who, 'PATCH', `/api/groups/${g.id}/members/${carol.user.id}`, { role: 'admin' }), 403, 'forbidden');
      assertError(await call(who, 'PATCH', `/api/groups/${g.id}/members/${who.user.id}`, { role: 'admin' }), 403, 'forbidden');
    }
    const now = (await ok(await call(alice, 'GET', `/api/groups/${g.id}`))).group;
    assert.deepEqual(now, g, 'nothing changed');
  });

  it('kick: the kicked member is told, stops receiving, cannot post or read from that moment', T, async () => {
    const [alice, bob, carol] = await users(3);
    const g = await groupWith(alice, [bob, carol]);
    const bobWs = await connectWs(server, { token: bob.token });
    const carolWs = await connectWs(server, { token: carol.token });
    await bobWs.sendMessage(cidOf(g), 'before the kick');
    const kicked = (await ok(await call(alice, 'DELETE', `/api/groups/${g.id}/members/${bob.user.id}`))).group;
    assert.deepEqual(memberIds(kicked), [alice.user.id, carol.user.id]);
    // Bob hears that he is out; carol gets the system message then the update.
    assert.deepEqual((await bobWs.next(isGroupUpdate(g))).group, kicked);
    const sys = await carolWs.next(isSystem(g, 'member-removed'));
    assert.equal(sys.message.metadata.userId, bob.user.id);
    assert.equal(sys.message.metadata.actorId, alice.user.id);
    await carolWs.next(isGroupUpdate(g));
    // From now on: nothing reaches bob, and nothing from bob gets in.
    const carolAck = await carolWs.sendMessage(cidOf(g), 'after the kick');
    await bobWs.assertNoFrame(isMessage(cidOf(g)), 'a kicked member receives nothing more');
    await assert.rejects(bobWs.sendMessage(cidOf(g), 'let me back'), (err) => {
      assert.equal(err.frame.code, 'forbidden');
      return true;
    });
    assertError(await call(bob, 'POST', `/api/conversations/${cidOf(g)}/messages`, { body: 'rest?' }), 403, 'forbidden');
    const page = await call(bob, 'GET', `/api/conversations/${cidOf(g)}/messages`);
    assertError(page, 403, 'forbidden');
    assert.ok(!page.text.includes('after the kick'));
    assertError(await call(bob, 'POST', `/api/conversations/${cidOf(g)}/read`, { seq: carolAck.message.seq }), 403, 'forbidden');
    assertError(await call(bob, 'GET', `/api/groups/${g.id}`), 403, 'forbidden');
    const bodies = (await history(alice, g)).map((m) => m.body);
    assert.ok(!bodies.includes('let me back') && !bodies.includes('rest?'), 'nothing of bob after the kick');
    assertError(await call(alice, 'DELETE', `/api/groups/${g.id}/members/${bob.user.id}`), 404, 'not_found');
    // Bob may be added back, and then receives again.
    await ok(await call(alice, 'POST', `/api/groups/${g.id}/members`, { userId: bob.user.id }));
    await carolWs.sendMessage(cidOf(g), 'welcome back');
    await bobWs.next(isMessage(cidOf(g), (m) => m.body === 'welcome back'));
  });

  it('role change: admin promotes and demotes; the last admin cannot be demoted', T, async () => {
    const [alice, bob] = await users(2);
    const g = await groupWith(alice, [bob]);
    const bobWs = await connectWs(server, { token: bob.token });
    assertError(await call(alice, 'PATCH', `/api/groups/${g.id}/members/${alice.user.id}`, { role: 'member' }), 409, 'last_admin');
    assertError(await call(alice, 'PATCH', `/api/groups/${g.id}/members/${bob.user.id}`, { role: 'owner' }), 400, 'invalid_request', { field: 'role' });
    assertError(await call(alice, 'PATCH', `/api/groups/${g.id}/members/${bob.user.id}`, {}), 400, 'invalid_request', { field: 'role' });
    assertError(await call(alice, 'PATCH', `/api/groups/${g.id}/members/${'0'.repeat(24)}`, { role: 'admin' }), 404, 'not_found');
    const promoted = (await ok(await call(alice, 'PATCH', `/api/groups/${g.id}/members/${bob.user.id}`, { role: 'admin' }))).group;
    assert.equal(roleOf(promoted, bob), 'admin');
    const sys = await bobWs.next(isSystem(g, 'role-changed'));
    assert.deepEqual([sys.message.metadata.userId, sys.message.metadata.role], [bob.user.id, 'admin']);
    assert.deepEqual((await bobWs.next(isGroupUpdate(g))).group, promoted);
    // Now bob is an admin: he may demote alice, who then loses admin rights.
    const demoted = (await ok(await call(bob, 'PATCH', `/api/groups/${g.id}/members/${alice.user.id}`, { role: 'member' }))).group;
    assert.equal(roleOf(demoted, alice), 'member');
    assertError(await call(alice, 'PATCH', `/api/groups/${g.id}`, { name: 'x' }), 403, 'forbidden');
  });

  it('maxMembers is enforced: 409 group_full on join and add; the cap cannot go below the count', T, async () => {
    const [alice, bob, carol] = await users(3);
    const g = await createGroup(alice, { settings: { isPublic: true, maxMembers: 2 } });
    await ok(await call(bob, 'POST', `/api/groups/${g.id}/join`));
    assertError(await call(carol, 'POST', `/api/groups/${g.id}/join`), 409, 'group_full');
    assertError(await call(alice, 'POST', `/api/groups/${g.id}/members`, { userId: carol.user.id }), 409, 'group_full');
    assertError(await call(alice, 'PATCH', `/api/groups/${g.id}`, { settings: { maxMembers: 1 } }), 400, 'invalid_request', { field: 'settings.maxMembers' });
    assert.equal((await ok(await call(alice, 'GET', `/api/groups/${g.id}`))).group.members.length, 2);
    // Raised, there is room again.
    await ok(await call(alice, 'PATCH', `/api/groups/${g.id}`, { settings: { maxMembers: 3 } }));
    await ok(await call(carol, 'POST', `/api/groups/${g.id}/join`));
    // Racing joins for the last seats: exactly the seats left are given.
    const g2 = await createGroup(alice, { settings: { isPublic: true, maxMembers: 3 } });
    const racers = await users(6);
    const results = await Promise.all(racers.map((r) => call(r, 'POST', `/api/groups/${g2.id}/join`)));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 409, 409, 409, 409]);
    assert.equal((await ok(await call(alice, 'GET', `/api/groups/${g2.id}`))).group.members.length, 3);
  });

  it('PATCH: a rename is a system message; other changes only a group-updated', T, async () => {
    const [alice, bob] = await users(2);
    const g = await groupWith(alice, [bob]);
    const bobWs = await connectWs(server, { token: bob.token });
    const renamed = (await ok(await call(alice, 'PATCH', `/api/groups/${g.id}`, { name: 'New name' }))).group;
    assert.equal(renamed.name, 'New name');
    assert.ok(Date.parse(renamed.updatedAt) >= Date.parse(g.updatedAt));
    const sys = await bobWs.next(isSystem(g, 'group-renamed'));
    assert.equal(sys.message.metadata.name, 'New name');
    assert.equal(sys.message.metadata.previousName, g.name);
    assert.deepEqual((await bobWs.next(isGroupUpdate(g))).group, renamed);

    const patched = (await ok(await call(alice, 'PATCH', `/api/groups/${g.id}`, {
      description: 'about us', settings: { allowInvites: true },
    }))).group;
    assert.equal(patched.description, 'about us');
    assert.deepEqual(patched.settings, { isPublic: false, allowInvites: true, maxMembers: 1000 });
    assert.deepEqual((await bobWs.next(isGroupUpdate(g))).group, patched);
    await bobWs.assertNoFrame(isMessage(cidOf(g)), 'no system message for a description change');
    assertError(await call(alice, 'PATCH', `/api/groups/${g.id}`, { name: '' }), 400, 'invalid_request', { field: 'name' });
    assertError(await call(alice, 'PATCH', `/api/groups/${'0'.repeat(24)}`, { name: 'x' }), 404, 'not_found');
  });
});

describe('group conversations', () => {
  it('messages fan out to every member connection in seq order; the sender gets the ack only', T, async () => {
    const [alice, bob, carol] = await users(3);
    const g = await groupWith(alice, [bob, carol]);
    const base = (await history(alice, g)).length;
    const aliceA = await connectWs(server, { token: alice.token });
    const aliceB = await connectWs(server, { token: alice.token });
    const bobWs = await connectWs(server, { token: bob.token });
    const carolWs = await connectWs(server, { token: carol.token });
    const N = 10;
    const acks = [];
    for (let i = 1; i <= N; i++) acks.push(await aliceA.sendMessage(cidOf(g), `m${i}`));
    assert.deepEqual(acks.map((a) => a.message.seq), Array.from({ length: N }, (_, i) => base + i + 1));
    for (const a of acks) {
      assert.equal(a.message.to, g.id);
      assert.equal(a.message.from, alice.user.id);
      assert.equal(a.message.conversationId, cidOf(g));
    }
    for (const ws of [aliceB, bobWs, carolWs]) {
      const got = await ws.collect(isMessage(cidOf(g)), N);
      assert.deepEqual(got.map((f) => f.message), acks.map((a) => a.message));
    }
    await aliceA.assertNoFrame(isMessage(cidOf(g)), 'the sending connection gets no echo');
    // REST: every connection, the sender's too.
    const m = await postMessage(server, bob, cidOf(g), 'over REST');
    for (const ws of [aliceA, aliceB, bobWs, carolWs]) {
      assert.deepEqual((await ws.next(isMessage(cidOf(g), (x) => x.id === m.id))).message, m);
    }
    // The history is gap-free from 1.
    const all = await history(carol, g, '?limit=100');
    assert.deepEqual(all.map((x) => x.seq), Array.from({ length: all.length }, (_, i) => i + 1));
  });

  it('typing and read markers reach the members; unread counts in the list', T, async () => {
    const [alice, bob] = await users(2);
    const g = await groupWith(alice, [bob]);
    const bobWs = await connectWs(server, { token: bob.token });
    const aliceWs = await connectWs(server, { token: alice.token });
    aliceWs.send({ type: 'typing', conversationId: cidOf(g), state: 'start' });
    const t = await bobWs.next('typing');
    assert.deepEqual([t.conversationId, t.userId, t.state], [cidOf(g), alice.user.id, 'start']);
    await aliceWs.sendMessage(cidOf(g), 'one');
    await aliceWs.sendMessage(cidOf(g), 'two');
    const entry = (await ok(await call(bob, 'GET', '/api/conversations'))).conversations.find((c) => c.id === cidOf(g));
    assert.equal(entry.kind, 'group');
    assert.equal(entry.lastMessage.body, 'two');
    assert.ok(entry.unread >= 2, `unread ${entry.unread}`);
    assert.equal((await call(bob, 'POST', `/api/conversations/${cidOf(g)}/read`, { seq: entry.lastSeq })).status, 204);
    const r = await aliceWs.next((f) => f.type === 'read' && f.conversationId === cidOf(g));
    assert.deepEqual([r.userId, r.seq], [bob.user.id, entry.lastSeq]);
    const after1 = (await ok(await call(bob, 'GET', '/api/conversations'))).conversations.find((c) => c.id === cidOf(g));
    assert.equal(after1.unread, 0);
  });

  it('outsiders get no data anywhere: group, messages, posting, read marker, typing, list', T, async () => {
    const [alice, outsider] = await users(2);
    const priv = await createGroup(alice, { name: 'secret plans' });
    const pub = await createGroup(alice, { name: 'open plans', settings: { isPublic: true } });
    await postMessage(server, alice, cidOf(priv), 'the secret');
    await postMessage(server, alice, cidOf(pub), 'the open secret');
    const ws = await connectWs(server, { token: outsider.token });
    for (const g of [priv, pub]) {
      const page = await call(outsider, 'GET', `/api/conversations/${cidOf(g)}/messages`);
      assertError(page, 403, 'forbidden');
      assert.ok(!page.text.includes('secret'), 'no message data');
      assertError(await call(outsider, 'GET', `/api/conversations/${cidOf(g)}/messages?after=0`), 403, 'forbidden');
      assertError(await call(outsider, 'POST', `/api/conversations/${cidOf(g)}/messages`, { body: 'hi' }), 403, 'forbidden');
      assertError(await call(outsider, 'POST', `/api/conversations/${cidOf(g)}/read`, { seq: 1 }), 403, 'forbidden');
      await assert.rejects(ws.sendMessage(cidOf(g), 'let me in'), (err) => err.frame?.code === 'forbidden');
      ws.send({ type: 'typing', conversationId: cidOf(g), state: 'start' });
      assert.equal((await ws.next('error')).code, 'forbidden');
      ws.send({ type: 'read', conversationId: cidOf(g), seq: 1 });
      assert.equal((await ws.next('error')).code, 'forbidden');
    }
    await ws.assertNoFrame(isMessage(cidOf(priv)), 'nothing from the private group');
    const privGet = await call(outsider, 'GET', `/api/groups/${priv.id}`);
    assertError(privGet, 403, 'forbidden');
    assert.ok(!privGet.text.includes('secret'));
    const list = (await ok(await call(outsider, 'GET', '/api/conversations'))).conversations;
    assert.ok(!list.some((c) => c.kind === 'group'), 'no group in an outsider\'s list');
    assertError(await call(outsider, 'GET', `/api/conversations/grp_${'0'.repeat(24)}/messages`), 404, 'not_found');
    // Nothing the outsider tried was stored.
    assert.deepEqual((await history(alice, priv)).map((m) => m.body).filter((b) => b.includes('let me') || b === 'hi'), []);
  });
});

describe('restart', () => {
  it('groups, members and roles survive a restart and the cache is rebuilt from the store', T, async () => {
    const [alice, bob, carol] = await users(3);
    const g = await groupWith(alice, [bob, carol]);
    await ok(await call(alice, 'DELETE', `/api/groups/${g.id}/members/${carol.user.id}`));
    const before1 = (await ok(await call(alice, 'GET', `/api/groups/${g.id}`))).group;
    const lastSeq = (await history(alice, g)).at(-1).seq;
    await server.restart();
    assert.deepEqual((await ok(await call(alice, 'GET', `/api/groups/${g.id}`))).group, before1);
    const m = await postMessage(server, bob, cidOf(g), 'still here');
    assert.equal(m.seq, lastSeq + 1);
    assertError(await call(carol, 'POST', `/api/conversations/${cidOf(g)}/messages`, { body: 'me too' }), 403, 'forbidden');
  });
});
