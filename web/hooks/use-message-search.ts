'use client';
// The search panel's state: the query (debounced), its scope and sort, the hits so far and
// the cursor for more. A newer query drops the answers of older ones.
import { useCallback, useEffect, useRef, useState } from 'react';
import { appendHits, searchMessages, type SearchSort } from '@/client/search-client';
import type { SearchHit } from '@/lib/types';

const DEBOUNCE_MS = 200;
const PAGE = 20;

export type SearchStatus = 'idle' | 'loading' | 'done' | 'error';

export function useMessageSearch(q: string, conversationId: string | undefined, sort: SearchSort) {
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [status, setStatus] = useState<SearchStatus>('idle');
  const generation = useRef(0);
  const loadingMore = useRef(false);
  const term = q.trim();

  useEffect(() => {
    const gen = ++generation.current;
    setHits([]);
    setNext(null);
    if (!term) {
      setStatus('idle');
      return;
    }
    setStatus('loading');
    const t = setTimeout(() => {
      searchMessages({ q: term, conversationId, sort, limit: PAGE })
        .then((page) => {
          if (gen !== generation.current) return;
          setHits(page.hits);
          setNext(page.next);
          setStatus('done');
        })
        .catch(() => gen === generation.current && setStatus('error'));
    }, DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [term, conversationId, sort]);

  const loadMore = useCallback(() => {
    if (!next || loadingMore.current || status !== 'done') return;
    const gen = generation.current;
    loadingMore.current = true;
    searchMessages({ q: term, conversationId, sort, before: next, limit: PAGE })
      .then((page) => {
        if (gen !== generation.current) return;
        setHits((shown) => appendHits(shown, page.hits));
        setNext(page.next);
      })
      .catch(() => gen === generation.current && setStatus('error'))
      .finally(() => {
        loadingMore.current = false;
      });
  }, [next, status, term, conversationId, sort]);

  return { hits, hasMore: next !== null, status, loadMore };
}
