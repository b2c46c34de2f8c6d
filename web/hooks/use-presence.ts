'use client';
import { useSocial } from '@/components/social-provider';
import type { Presence } from '@/lib/social-types';

/** A friend's presence; undefined for anyone else (the server tells friends only). */
export function usePresence(userId: string | undefined): Presence | undefined {
  return useSocial((s) => (userId ? s.presence[userId] : undefined));
}
