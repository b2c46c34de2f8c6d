'use client';
// Username-prefix search (GET /api/users?q=), debounced; the last answer wins.
import { useEffect, useState } from 'react';
import { api } from '@/lib/api';
import type { User } from '@/lib/types';

export type SearchState = 'idle' | 'loading' | 'done' | 'error';

export function useUserSearch(q: string, limit = 8): { results: User[]; state: SearchState } {
  const [results, setResults] = useState<User[]>([]);
  const [state, setState] = useState<SearchState>('idle');
  useEffect(() => {
    const term = q.trim();
    if (!term) {
      setResults([]);
      setState('idle');
      return;
    }
    setState('loading');
    let live = true;
    const t = setTimeout(() => {
      api
        .searchUsers(term, limit)
        .then(({ users }) => {
          if (!live) return;
          setResults(users);
          setState('done');
        })
        .catch(() => live && setState('error'));
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [q, limit]);
  return { results, state };
}
