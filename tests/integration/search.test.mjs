// Full-text search: only the user's own conversations, substrings and CJK text, ranking,
// paging, snippets, edits and deletes followed by the index.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { api, assertError, register, dmId, waitFor } from './lib/client.mjs';

let server;
let alice;
let bob;
let carol; // talks to alice only; bob must never see her conversation
before(async () => {
  server = await startServer();
  [alice, bob, carol] = [await register(server), await register(server), await register(server)];
});
after(async () => {
  await server?.cleanup();
});

const T = { timeout: 30_000 };
const post = async (who, cid, body, extra = {}) => {
  const res = await api(server, 'POST', `/api/conversations/${cid}/messages`, { token: who.token, body: { body, ...extra } });
  assert.equal(res.status, 201, res.text);
  return res.json.message;
};
const search = (who, params) => {
  const qs = new URLSearchParams(params).toString();
  return api(server, 'GET', `/api/search?${qs}`, { token: who.token });
};
const ids = (res) => res.json.results.map((r) => r.message.id);
// The index follows the store a fraction of a second behind: wait until a search sees `id`
// (or, with present=false, stops seeing it).
async function indexed(who, params, id, present = true) {
  return waitFor(async () => {
    const res = await search(who, params);
    assert.equal(res.status, 200, res.text);
    return ids(res).includes(id) === present ? res : null;
  }, { timeoutMs: 15_000, what: `search ${JSON.stringify(params)} ${present ? 'finds' : 'drops'} ${id}` });
}

describe('search', () => {
  it('finds partial words in the user’s conversations and never another’s', T, async () => {
    const mine = await post(alice, dmId(alice, bob), 'The quarterly roadmap is ready for review');
    const hers = await post(carol, dmId(alice, carol), 'roadmap secrets between alice and carol');
    const res = await indexed(bob, { q: 'oadma' }, mine.id);
    assert.ok(!ids(res).includes(hers.id), 'bob never sees a conversation he is not in');
    assert.ok(!res.text.includes('secrets'));
    const both = await indexed(alice, { q: 'roadmap' }, hers.id);
    assert.ok(ids(both).includes(mine.id), 'alice sees both of her conversations');
    const hit = res.json.results.find((r) => r.message.id === mine.id);
    assert.deepEqual(hit.snippet.filter((p) => p.match).map((p) => p.text), ['oadma']);
    assert.equal(hit.snippet.map((p) => p.text).join(''), mine.body, 'a short body is the whole snippet');
  });

  it('finds Chinese, Japanese and Korean text, including two-character words', T, async () => {
    const cid = dmId(alice, bob);
    const zh = await post(alice, cid, '我们明天在北京开会');
    const ja = await post(bob, cid, '東京に行きます');
    const ko = await post(alice, cid, '안녕하세요 반갑습니다');
    await indexed(bob, { q: '北京开会' }, zh.id);
    await indexed(bob, { q: '北京' }, zh.id); // two characters: below the trigram size
    await indexed(alice, { q: '東京に' }, ja.id);
    await indexed(alice, { q: '東京' }, ja.id);
    await indexed(bob, { q: '반갑습' }, ko.id);
  });

  it('is case-insensitive, needs every word, ranks, pages and filters by conversation', T, async () => {
    const [a, b, c] = [await register(server), await register(server), await register(server)];
    const ab = dmId(a, b);
    const ac = dmId(a, c);
    const strong = await post(a, ab, 'zebra zebra zebra crossing');
    const weak = await post(a, ab, 'a zebra among many other words in a much longer message about crossing');
    const other = await post(a, ac, 'zebra crossing in the other conversation');
    const last = await post(a, ab, 'zebra without the second word');
    await indexed(a, { q: 'zebra' }, last.id); // the index takes rows in order: all four are in
    const res = await search(a, { q: 'ZEBRA Crossing' });
    assert.deepEqual(new Set(ids(res)), new Set([strong.id, weak.id, other.id]), 'every word must match');
    assert.ok(ids(res).indexOf(strong.id) < ids(res).indexOf(weak.id), 'the denser match ranks first');
    const recent = await search(a, { q: 'zebra crossing', sort: 'recent' });
    assert.deepEqual(ids(recent), [other.id, weak.id, strong.id]);
    const onlyAb = await search(a, { q: 'zebra crossing', conversationId: ab });
    assert.deepEqual(new Set(ids(onlyAb)), new Set([strong.id, weak.id]));
    const page1 = await search(a, { q: 'zebra', sort: 'recent', limit: '2' });
    assert.equal(page1.json.results.length, 2);
    assert.equal(typeof page1.json.next, 'string');
    const page2 = await search(a, { q: 'zebra', sort: 'recent', limit: '2', before: page1.json.next });
    assert.equal(page2.json.results.length, 2);
    // A full page may have more after it: the cursor after it leads to an empty, final page.
    const page3 = await search(a, { q: 'zebra', sort: 'recent', limit: '2', before: page2.json.next });
    assert.deepEqual(page3.json.results, []);
    assert.equal(page3.json.next, null);
    assert.equal(new Set([...ids(page1), ...ids(page2)]).size, 4, 'pages do not overlap');
  });

  it('follows edits and deletes', T, async () => {
    const cid = dmId(alice, bob);
    const m = await post(alice, cid, 'the password is hunter2');
    await indexed(bob, { q: 'hunter2' }, m.id);
    const edited = await api(server, 'PATCH', `/api/messages/${m.id}`, { token: alice.token, body: { body: 'the password is rotated' } });
    assert.equal(edited.status, 200, edited.text);
    await indexed(bob, { q: 'rotated' }, m.id);
    await indexed(bob, { q: 'hunter2' }, m.id, false);
    assert.equal((await api(server, 'DELETE', `/api/messages/${m.id}`, { token: alice.token })).status, 200);
    await indexed(bob, { q: 'rotated' }, m.id, false);
  });

  it('a long body gives a snippet around the first match with ellipses', T, async () => {
    const body = `${'lorem ipsum '.repeat(30)}NEEDLE${' dolor sit amet'.repeat(30)}`;
    const m = await post(alice, dmId(alice, bob), body);
    const res = await indexed(alice, { q: 'needle' }, m.id);
    const parts = res.json.results.find((r) => r.message.id === m.id).snippet;
    const text = parts.map((p) => p.text).join('');
    assert.ok(text.startsWith('…') && text.endsWith('…'), text);
    assert.ok(text.length < 260, `snippet length ${text.length}`);
    assert.deepEqual(parts.filter((p) => p.match).map((p) => p.text), ['NEEDLE']);
  });

  it('rejects bad queries and outsiders of a conversation', T, async () => {
    assertError(await search(alice, {}), 400, 'invalid_request', { field: 'q' });
    assertError(await search(alice, { q: '   ' }), 400, 'invalid_request', { field: 'q' });
    assertError(await search(alice, { q: 'x'.repeat(201) }), 400, 'invalid_request', { field: 'q' });
    assertError(await search(alice, { q: 'a b c d e f g h i' }), 400, 'invalid_request', { field: 'q' });
    assertError(await search(alice, { q: 'ok', limit: '0' }), 400, 'invalid_request', { field: 'limit' });
    assertError(await search(alice, { q: 'ok', before: 'garbage' }), 400, 'invalid_request', { field: 'before' });
    assertError(await search(alice, { q: 'ok', sort: 'sideways' }), 400, 'invalid_request', { field: 'sort' });
    assertError(await search(bob, { q: 'roadmap', conversationId: dmId(alice, carol) }), 403, 'forbidden');
    const res = await api(server, 'GET', '/api/search?q=roadmap');
    assertError(res, 401, 'unauthorized');
  });
});
