// Edits with history, deletes as tombstones, reactions and replies: REST routes, the
// `message-updated` events, and who may do what.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { api, assertError, register, dmId, connectWs, RFC3339_MS_Z } from './lib/client.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.cleanup();
});

const T = { timeout: 30_000 };
const post = (who, cid, body) =>
  api(server, 'POST', `/api/conversations/${cid}/messages`, { token: who.token, body });
const page = (who, cid) => api(server, 'GET', `/api/conversations/${cid}/messages`, { token: who.token });
const edit = (who, id, body) => api(server, 'PATCH', `/api/messages/${id}`, { token: who.token, body: { body } });
const del = (who, id) => api(server, 'DELETE', `/api/messages/${id}`, { token: who.token });
const react = (who, id, emoji) =>
  api(server, 'POST', `/api/messages/${id}/reactions`, { token: who.token, body: { emoji } });
const unreact = (who, id, emoji) =>
  api(server, 'DELETE', `/api/messages/${id}/reactions/${encodeURIComponent(emoji)}`, { token: who.token });
const history = (who, id) => api(server, 'GET', `/api/messages/${id}/history`, { token: who.token });

// Two users with a conversation and one message from the first; a third user outside it.
async function scene(body = 'original text') {
  const [a, b, outsider] = [await register(server), await register(server), await register(server)];
  const cid = dmId(a, b);
  const res = await post(a, cid, { body });
  assert.equal(res.status, 201, res.text);
  return { a, b, outsider, cid, message: res.json.message };
}

describe('edits', () => {
  it('the author edits; both sides get message-updated; history keeps every version', T, async () => {
    const { a, b, cid, message } = await scene('first');
    const aWs = await connectWs(server, { token: a.token });
    const bWs = await connectWs(server, { token: b.token });
    const r1 = await edit(a, message.id, '  second  ');
    assert.equal(r1.status, 200, r1.text);
    assert.equal(r1.json.message.body, 'second', 'the body is trimmed like a send');
    assert.equal(r1.json.message.metadata.edited, true);
    assert.match(r1.json.message.metadata.editedAt, RFC3339_MS_Z);
    assert.equal(r1.json.message.seq, message.seq, 'an edit keeps the seq');
    for (const ws of [aWs, bWs]) {
      const ev = await ws.next((f) => f.type === 'message-updated');
      assert.deepEqual(ev.message, r1.json.message);
    }
    assert.equal((await edit(a, message.id, 'third')).status, 200);
    const h = await history(b, message.id);
    assert.equal(h.status, 200, h.text);
    assert.deepEqual(h.json.versions.map((v) => v.body), ['first', 'second', 'third']);
    assert.equal(h.json.versions[0].createdAt, message.createdAt);
    for (const v of h.json.versions) assert.match(v.createdAt, RFC3339_MS_Z);
    const list = await page(b, cid);
    assert.equal(list.json.messages[0].body, 'third');
    assert.equal(list.json.messages[0].metadata.edited, true);
  });

  it('only the author edits: the peer 403, an outsider 404 with no data', T, async () => {
    const { b, outsider, message } = await scene();
    assertError(await edit(b, message.id, 'hijack'), 403, 'forbidden');
    const res = await edit(outsider, message.id, 'hijack');
    assertError(res, 404, 'not_found');
    assert.ok(!res.text.includes('original text'));
    assertError(await history(outsider, message.id), 404, 'not_found');
    assertError(await edit(b, '0123456789abcdef01234567', 'x'), 404, 'not_found');
    assertError(await edit(b, 'not-an-id', 'x'), 404, 'not_found');
  });

  it('bad bodies are 400 naming the field', T, async () => {
    const { a, message } = await scene();
    assertError(await edit(a, message.id, '   '), 400, 'invalid_request', { field: 'body' });
    assertError(await edit(a, message.id, 'x'.repeat(4001)), 400, 'invalid_request', { field: 'body' });
    const wrongType = await api(server, 'PATCH', `/api/messages/${message.id}`, { token: a.token, body: { body: 5 } });
    assertError(wrongType, 400, 'invalid_request', { field: 'body' });
  });
});

describe('deletes', () => {
  it('leave a tombstone in place: no body, history or reactions; both sides told', T, async () => {
    const { a, b, cid, message } = await scene('regrettable');
    await edit(a, message.id, 'more regrettable');
    await react(b, message.id, '😬');
    const bWs = await connectWs(server, { token: b.token });
    const res = await del(a, message.id);
    assert.equal(res.status, 200, res.text);
    const gone = res.json.message;
    assert.equal(gone.body, '');
    assert.equal(gone.metadata.deleted, true);
    assert.deepEqual(gone.metadata.reactions, []);
    assert.equal(gone.seq, message.seq);
    const ev = await bWs.next((f) => f.type === 'message-updated');
    assert.deepEqual(ev.message, gone);
    const list = await page(b, cid);
    assert.equal(list.json.messages.length, 1, 'the tombstone keeps its place');
    assert.ok(!list.text.includes('regrettable'), 'no trace of the text in the page');
    const h = await history(b, message.id);
    assert.equal(h.status, 200);
    assert.deepEqual(h.json.versions, []);
    assert.equal((await del(a, message.id)).status, 200, 'deleting twice is fine');
    assertError(await edit(a, message.id, 'back'), 409, 'message_deleted');
    assertError(await react(b, message.id, '👍'), 409, 'message_deleted');
  });

  it('only the author deletes (in a DM); outsiders 404', T, async () => {
    const { b, outsider, message } = await scene();
    assertError(await del(b, message.id), 403, 'forbidden');
    assertError(await del(outsider, message.id), 404, 'not_found');
  });
});

describe('reactions', () => {
  it('aggregate per emoji with the users, in order; add and remove are idempotent', T, async () => {
    const { a, b, message } = await scene();
    const aWs = await connectWs(server, { token: a.token });
    assert.equal((await react(b, message.id, '👍')).status, 200);
    assert.equal((await react(a, message.id, '🎉')).status, 200);
    assert.equal((await react(a, message.id, '👍')).status, 200);
    const again = await react(a, message.id, '👍');
    assert.deepEqual(again.json.message.metadata.reactions, [
      { emoji: '👍', users: [b.user.id, a.user.id] },
      { emoji: '🎉', users: [a.user.id] },
    ]);
    const removed = await unreact(b, message.id, '👍');
    assert.equal(removed.status, 200, removed.text);
    // Emojis are ordered by their oldest remaining reaction: 🎉 (a) is now older than 👍 (a).
    assert.deepEqual(removed.json.message.metadata.reactions, [
      { emoji: '🎉', users: [a.user.id] },
      { emoji: '👍', users: [a.user.id] },
    ]);
    assert.equal((await unreact(b, message.id, '👍')).status, 200, 'removing what is not there is fine');
    // a's socket saw every change, the last one being the state above.
    let last;
    for (let i = 0; i < 5; i++) last = await aWs.next((f) => f.type === 'message-updated');
    assert.deepEqual(last.message, removed.json.message);
  });

  it('refuses outsiders and bad emojis', T, async () => {
    const { b, outsider, message } = await scene();
    assertError(await react(outsider, message.id, '👍'), 404, 'not_found');
    assertError(await react(b, message.id, ''), 400, 'invalid_request', { field: 'emoji' });
    assertError(await react(b, message.id, 'two words'), 400, 'invalid_request', { field: 'emoji' });
    assertError(await react(b, message.id, 'x'.repeat(65)), 400, 'invalid_request', { field: 'emoji' });
    const badUtf8 = await api(server, 'DELETE', `/api/messages/${message.id}/reactions/%FF`, { token: b.token });
    assertError(badUtf8, 400, 'invalid_request', { field: 'emoji' });
  });
});

describe('replies', () => {
  it('carry a preview of the original over WebSocket and REST', T, async () => {
    const { a, b, cid, message } = await scene('what time is the meeting?');
    const bWs = await connectWs(server, { token: b.token });
    const aWs = await connectWs(server, { token: a.token });
    bWs.send({ type: 'send', clientMsgId: 'r-1', conversationId: cid, body: 'at ten', replyTo: message.id });
    const ack = await bWs.next('ack');
    const replyTo = ack.message.metadata.replyTo;
    assert.deepEqual(replyTo, {
      id: message.id, from: a.user.id, seq: message.seq, preview: 'what time is the meeting?', deleted: false,
    });
    const seen = await aWs.next('message');
    assert.deepEqual(seen.message.metadata.replyTo, replyTo);
    const rest = await post(a, cid, { body: 'thanks', replyTo: ack.message.id });
    assert.equal(rest.status, 201, rest.text);
    assert.equal(rest.json.message.metadata.replyTo.preview, 'at ten');
  });

  it('a long original is cut to a short preview', T, async () => {
    const { a, cid, message } = await scene(`line one\n${'é'.repeat(300)}`);
    const res = await post(a, cid, { body: 'self reply', replyTo: message.id });
    const preview = res.json.message.metadata.replyTo.preview;
    assert.ok(!preview.includes('\n'), 'newlines become spaces');
    assert.ok(preview.endsWith('…'));
    assert.ok([...preview].length <= 141, `preview length ${[...preview].length}`);
  });

  it('a deleted original shows as deleted in its replies, without its text', T, async () => {
    const { a, b, cid, message } = await scene('secret plan');
    const reply = await post(b, cid, { body: 'agreed', replyTo: message.id });
    await del(a, message.id);
    const list = await page(b, cid);
    const stored = list.json.messages.find((m) => m.id === reply.json.message.id);
    assert.equal(stored.metadata.replyTo.deleted, true);
    assert.equal(stored.metadata.replyTo.preview, '');
    assert.ok(!list.text.includes('secret plan'));
    assertError(await post(b, cid, { body: 'late', replyTo: message.id }), 409, 'message_deleted');
  });

  it('refuses replies to messages of other conversations, with no trace and no gap', T, async () => {
    const { a, b, cid } = await scene();
    const other = await scene('elsewhere');
    assertError(await post(a, cid, { body: 'x', replyTo: other.message.id }), 400, 'invalid_request', { field: 'replyTo' });
    assertError(await post(a, cid, { body: 'x', replyTo: 'nope' }), 400, 'invalid_request', { field: 'replyTo' });
    const ws = await connectWs(server, { token: b.token });
    ws.send({ type: 'send', clientMsgId: 'bad-reply', conversationId: cid, body: 'x', replyTo: other.message.id });
    const err = await ws.next('error');
    assert.equal(err.code, 'invalid_request');
    assert.equal(err.ref, 'bad-reply');
    const next = await post(a, cid, { body: 'after' });
    assert.equal(next.json.message.seq, 2, 'refused replies took no seq');
  });
});

describe('in groups', () => {
  it('an admin deletes anyone’s message; a member deletes only their own; nobody edits another’s', T, async () => {
    const [admin, member] = [await register(server), await register(server)];
    const created = await api(server, 'POST', '/api/groups', { token: admin.token, body: { name: 'moderated' } });
    assert.equal(created.status, 201, created.text);
    const gid = created.json.group.id;
    const added = await api(server, 'POST', `/api/groups/${gid}/members`, {
      token: admin.token, body: { userId: member.user.id },
    });
    assert.equal(added.status, 200, added.text);
    const cid = `grp_${gid}`;
    const fromMember = (await post(member, cid, { body: 'spam' })).json.message;
    const fromAdmin = (await post(admin, cid, { body: 'rules' })).json.message;
    assertError(await del(member, fromAdmin.id), 403, 'forbidden');
    assertError(await edit(admin, fromMember.id, 'rewritten'), 403, 'forbidden');
    const ws = await connectWs(server, { token: member.token });
    const res = await del(admin, fromMember.id);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.message.metadata.deleted, true);
    const ev = await ws.next((f) => f.type === 'message-updated');
    assert.equal(ev.message.id, fromMember.id);
    assert.equal((await react(member, fromAdmin.id, '✅')).status, 200, 'members react');
  });
});
