'use client';
// Runs a server action from a button: one at a time, with its error kept for an alert line.
import { useCallback, useState } from 'react';
import { ApiError } from '@/lib/api';

export function useAction(): {
  busy: boolean;
  error: string | null;
  run(fn: () => Promise<unknown>): Promise<boolean>;
  clear(): void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(describeError(e));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}

/** A sentence for a person, from the server's error codes (docs/api.md). */
export function describeError(e: unknown): string {
  if (!(e instanceof ApiError)) return 'Something went wrong. Try again.';
  switch (e.code) {
    case 'blocked':
      return 'Not possible: one of you has blocked the other.';
    case 'group_full':
      return 'The group is full.';
    case 'last_admin':
      return 'A group needs at least one admin: make someone else admin first.';
    case 'already_member':
      return 'Already a member.';
    case 'already_friends':
      return 'You are already friends.';
    case 'already_requested':
      return 'You already sent a request.';
    case 'forbidden':
      return 'You are not allowed to do that.';
    case 'rate_limited':
      return 'Too many requests; wait a moment and try again.';
    case 'network':
      return 'Cannot reach the server.';
    default:
      return e.message.charAt(0).toUpperCase() + e.message.slice(1);
  }
}
