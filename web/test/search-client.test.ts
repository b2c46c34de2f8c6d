import { describe, expect, it } from 'vitest';
import { appendHits, parseSearchPage, searchUrl } from '@/client/search-client';
import type { Message } from '@/lib/types';

const m = (id: string, seq = 1): Message => ({
  id, conversationId: 'dm_a_b', seq, from: 'a', to: 'b', body: 'the roadmap is ready', type: 'text',
  timestamp: 0, createdAt: '2026-01-01T00:00:00.000Z',
});

describe('search results', () => {
  it('keeps the snippet pieces and the cursor', () => {
    const page = parseSearchPage({
      results: [{ message: m('x'), snippet: [{ text: 'the r', match: false }, { text: 'oadma', match: true }, { text: 'p is ready', match: false }] }],
      next: 'opaque-cursor',
    });
    expect(page.next).toBe('opaque-cursor');
    expect(page.hits[0]!.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(['oadma']);
    expect(page.hits[0]!.snippet.map((p) => p.text).join('')).toBe('the roadmap is ready');
  });

  it('ends at next: null and drops what cannot be shown', () => {
    const page = parseSearchPage({
      results: [{ message: { id: 'no-seq' } }, null, { message: m('y', 3) }, { message: m('z'), snippet: [{ text: 5 }, { text: 'ok', match: 1 }] }],
      next: null,
    });
    expect(page.next).toBeNull();
    expect(page.hits.map((h) => h.message.id)).toEqual(['y', 'z']);
    expect(page.hits[0]!.snippet).toEqual([{ text: 'the roadmap is ready', match: false }]);
    expect(page.hits[1]!.snippet).toEqual([{ text: 'ok', match: false }]);
    expect(parseSearchPage(null)).toEqual({ hits: [], next: null });
  });

  it('builds the query string, scope and cursor included', () => {
    const url = new URL(searchUrl({ q: 'a b&c', conversationId: 'grp_1', sort: 'recent', before: 'cur', limit: 20 }), 'http://x');
    expect(url.pathname).toBe('/api/search');
    expect(Object.fromEntries(url.searchParams)).toEqual({ q: 'a b&c', sort: 'recent', limit: '20', conversationId: 'grp_1', before: 'cur' });
    expect(new URL(searchUrl({ q: 'x', sort: 'relevance' }), 'http://x').searchParams.has('conversationId')).toBe(false);
  });

  it('appending a page skips hits already shown', () => {
    const shown = parseSearchPage({ results: [{ message: m('a') }, { message: m('b') }], next: 'c' }).hits;
    const more = parseSearchPage({ results: [{ message: m('b') }, { message: m('c') }], next: null }).hits;
    expect(appendHits(shown, more).map((h) => h.message.id)).toEqual(['a', 'b', 'c']);
  });
});
