'use client';
import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useSocial, useSocialEngine } from '@/components/social-provider';

/** id → username for these users, fetching the ones not known yet. */
export function useUserNames(ids: string[]): Map<string, string> {
  const engine = useSocialEngine();
  const key = ids.join(',');
  useEffect(() => {
    if (key) engine.ensureUsers(key.split(','));
  }, [engine, key]);
  const names = useSocial(useShallow((s) => ids.map((id) => s.users[id]?.username ?? '')));
  return useMemo(() => {
    const map = new Map<string, string>();
    ids.forEach((id, i) => {
      if (names[i]) map.set(id, names[i] as string);
    });
    return map;
  }, [key, names]);
}

const NO_IDS: string[] = [];

/** One username by id (fetched when unknown); `fallback` until it arrives. */
export function useUserName(id: string | undefined, fallback = 'Someone'): string {
  const ids = useMemo(() => (id ? [id] : NO_IDS), [id]);
  return useUserNames(ids).get(id ?? '') ?? fallback;
}
