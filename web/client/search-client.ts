// GET /api/search: one page of hits and the opaque cursor for the next (docs/api.md, Search).
import { request } from '@/lib/api';
import type { Message, SearchHit, SnippetPart } from '@/lib/types';

export type SearchSort = 'relevance' | 'recent';

export interface SearchQuery {
  q: string;
  /** Only this conversation; all of the caller's when absent. */
  conversationId?: string;
  sort: SearchSort;
  /** The `next` of the previous page. */
  before?: string | null;
  limit?: number;
}

export interface SearchPage {
  hits: SearchHit[];
  next: string | null;
}

export const SEARCH_MAX_CHARS = 200;

export function searchUrl({ q, conversationId, sort, before, limit = 20 }: SearchQuery): string {
  const p = new URLSearchParams({ q, sort, limit: String(limit) });
  if (conversationId) p.set('conversationId', conversationId);
  if (before) p.set('before', before);
  return `/api/search?${p}`;
}

/**
 * Checks the answer's shape and drops what a client cannot show (a hit without a message or
 * seq); a snippet missing from a hit falls back to the whole body, unhighlighted.
 */
export function parseSearchPage(json: unknown): SearchPage {
  const o = (json ?? {}) as { results?: unknown; next?: unknown };
  const hits: SearchHit[] = [];
  for (const r of Array.isArray(o.results) ? o.results : []) {
    const m = (r as { message?: Message })?.message;
    if (!m || typeof m.id !== 'string' || typeof m.conversationId !== 'string' || typeof m.seq !== 'number') continue;
    const raw = (r as { snippet?: unknown }).snippet;
    const snippet: SnippetPart[] = Array.isArray(raw)
      ? raw
          .filter((p): p is SnippetPart => !!p && typeof (p as SnippetPart).text === 'string')
          .map((p) => ({ text: p.text, match: p.match === true }))
      : [{ text: m.body, match: false }];
    hits.push({ message: m, snippet });
  }
  return { hits, next: typeof o.next === 'string' && o.next ? o.next : null };
}

export async function searchMessages(query: SearchQuery): Promise<SearchPage> {
  return parseSearchPage(await request<unknown>('GET', searchUrl(query)));
}

/** Appends a page, dropping hits already shown (a message edited between pages may move). */
export function appendHits(shown: SearchHit[], page: SearchHit[]): SearchHit[] {
  const seen = new Set(shown.map((h) => h.message.id));
  return [...shown, ...page.filter((h) => !seen.has(h.message.id))];
}
