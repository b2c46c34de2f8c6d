// Read receipts that survive a reload: GET /api/conversations/:cid/reads answers the other
// participants' read markers (docs/api.md, Read receipts), for participants only, and hides
// what a block hides from the live `read` events.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { api, assertError, register, connectWs, closeAllWs, postMessage, dmId, uniqueName } from './lib/client.mjs';

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
const users = async (n) => Promise.all(Array.from({ length: n }, () => register(server)));
const read = async (who, cid, seq) => {
  const res = await call(who, 'POST', `/api/conversations/${cid}/read`, { seq });
  assert.equal(res.status, 204, res.text);
};
/** The reads `who` gets, as {userId: seq}; asserts the response's shape on the way. */
async function readsOf(who, cid) {
  const res = await call(who, 'GET', `/api/conversations/${cid}/reads`);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(Object.keys(res.json), ['reads']);
  const out = {};
  for (const r of res.json.reads) {
    assert.deepEqual(Object.keys(r).sort(), ['seq', 'userId']);
    assert.ok(Number.isInteger(r.seq) && r.seq > 0, `seq ${r.seq}`);
    assert.ok(!(r.userId in out), `${r.userId} listed once`);
    out[r.userId] = r.seq;
  }
  return out;
}

async function groupOf(admin, members) {
  const res = await call(admin, 'POST', '/api/groups', { name: uniqueName('g') });
  assert.equal(res.status, 201, res.text);
  const g = res.json.group;
  for (const m of members) {
    const add = await call(admin, 'POST', `/api/groups/${g.id}/members`, { userId: m.user.id });
    assert.equal(add.status, 200, add.text);
  }
  return g;
}

describe('GET /api/conversations/:cid/reads', () => {
  it('a DM: the peer’s marker as it moves, never one’s own', T, async () => {
    const [alice, bob] = await users(2);
    const cid = dmId(alice, bob);
    assert.deepEqual(await readsOf(alice, cid), {}, 'no message yet: nobody read anything');
    for (let i = 1; i <= 3; i++) await postMessage(server, alice, cid, `m${i}`);
    assert.deepEqual(await readsOf(alice, cid), {}, 'bob has not read');
    // Sending moved alice's own marker: bob sees it, she does not see herself.
    assert.deepEqual(await readsOf(bob, cid), { [alice.user.id]: 3 });
    await read(bob, cid, 2);
    assert.deepEqual(await readsOf(alice, cid), { [bob.user.id]: 2 });
    // Over the WebSocket, as the web client reads: once alice is told live, a reload agrees.
    const [aliceWs, bobWs] = await Promise.all([connectWs(server, { token: alice.token }), connectWs(server, { token: bob.token })]);
    bobWs.send({ type: 'read', conversationId: cid, seq: 3 });
    await aliceWs.next((f) => f.type === 'read' && f.userId === bob.user.id && f.seq === 3);
    assert.deepEqual(await readsOf(alice, cid), { [bob.user.id]: 3 });
    // The marker only moves forward.
    await read(bob, cid, 1);
    assert.deepEqual(await readsOf(alice, cid), { [bob.user.id]: 3 });
  });

  it('a group: every other member’s marker after reads by two of them', T, async () => {
    const [alice, bob, carol, dave] = await users(4);
    const g = await groupOf(alice, [bob, carol, dave]);
    const cid = `grp_${g.id}`;
    const first = await postMessage(server, alice, cid, 'one');
    await postMessage(server, alice, cid, 'two');
    const last = await postMessage(server, alice, cid, 'three');
    await read(bob, cid, first.seq);
    await read(carol, cid, last.seq);
    // dave never read: left out. Alice's own marker is not hers to be told.
    assert.deepEqual(await readsOf(alice, cid), { [bob.user.id]: first.seq, [carol.user.id]: last.seq });
    assert.deepEqual(await readsOf(dave, cid), {
      [alice.user.id]: last.seq,
      [bob.user.id]: first.seq,
      [carol.user.id]: last.seq,
    });
    const listed = (await call(dave, 'GET', `/api/conversations/${cid}/reads`)).json.reads.map((r) => r.userId);
    assert.deepEqual(listed, [alice, bob, carol].map((u) => u.user.id), 'in member order, oldest first');

    // A kicked member is no longer a participant: refused, and no longer listed.
    const kick = await call(alice, 'DELETE', `/api/groups/${g.id}/members/${carol.user.id}`);
    assert.equal(kick.status, 200, kick.text);
    assertError(await call(carol, 'GET', `/api/conversations/${cid}/reads`), 403, 'forbidden');
    assert.deepEqual(await readsOf(alice, cid), { [bob.user.id]: first.seq });
  });

  it('outsiders get what the other conversation routes give them, and no data', T, async () => {
    const [alice, bob, eve] = await users(3);
    const dm = dmId(alice, bob);
    await postMessage(server, alice, dm, 'private');
    await read(bob, dm, 1);
    const g = await groupOf(alice, [bob]);
    const grp = `grp_${g.id}`;
    await read(bob, grp, 1);
    for (const cid of [dm, grp]) {
      const res = await call(eve, 'GET', `/api/conversations/${cid}/reads`);
      assertError(res, 403, 'forbidden');
      assert.ok(!('reads' in res.json) && !res.text.includes(bob.user.id), 'nothing of the markers');
      // The same answer as reading the messages.
      assertError(await call(eve, 'GET', `/api/conversations/${cid}/messages`), 403, 'forbidden');
    }
    for (const cid of [`grp_${'0'.repeat(24)}`, dmId(alice.user.id, 'f'.repeat(24)), 'nope']) {
      assertError(await call(alice, 'GET', `/api/conversations/${cid}/reads`), 404, 'not_found');
    }
    assertError(await api(server, 'GET', `/api/conversations/${dm}/reads`), 401, 'unauthorized');
  });

  it('a block: nothing across a DM block; in a group only the blocker stops seeing', T, async () => {
    const [alice, bob, carol] = await users(3);
    const dm = dmId(alice, bob);
    await postMessage(server, alice, dm, 'hi');
    await read(bob, dm, 1);
    assert.deepEqual(await readsOf(alice, dm), { [bob.user.id]: 1 });
    const g = await groupOf(alice, [bob, carol]);
    const grp = `grp_${g.id}`;
    const m = await postMessage(server, carol, grp, 'hello all');
    await read(bob, grp, m.seq);
    await read(alice, grp, m.seq);

    const block = await call(alice, 'POST', `/api/users/${bob.user.id}/block`);
    assert.equal(block.status, 204, block.text);
    // A DM block is mutual: neither side is told the other's marker (as live receipts stop).
    assert.deepEqual(await readsOf(alice, dm), {});
    assert.deepEqual(await readsOf(bob, dm), {});
    // In the group alice no longer sees bob's marker; bob (who blocked nobody) still sees hers.
    assert.deepEqual(await readsOf(alice, grp), { [carol.user.id]: m.seq });
    assert.deepEqual(await readsOf(bob, grp), { [alice.user.id]: m.seq, [carol.user.id]: m.seq });

    // Live: bob's next read reaches carol and not alice (proved by carol's read, which
    // reaches alice after it on the same path).
    const aliceWs = await connectWs(server, { token: alice.token });
    const carolWs = await connectWs(server, { token: carol.token });
    const m2 = await postMessage(server, carol, grp, 'again');
    await read(bob, grp, m2.seq);
    await carolWs.next((f) => f.type === 'read' && f.userId === bob.user.id && f.seq === m2.seq);
    await read(carol, grp, m2.seq);
    await aliceWs.next((f) => f.type === 'read' && f.userId === carol.user.id && f.seq === m2.seq);
    await aliceWs.assertNoFrame((f) => f.type === 'read' && f.userId === bob.user.id, 'bob’s read reached alice');

    // Unblocking shows it again.
    const unblock = await call(alice, 'DELETE', `/api/users/${bob.user.id}/block`);
    assert.equal(unblock.status, 204, unblock.text);
    assert.deepEqual(await readsOf(alice, grp), { [bob.user.id]: m2.seq, [carol.user.id]: m2.seq });
    assert.deepEqual(await readsOf(alice, dm), { [bob.user.id]: 1 });
  });
});
