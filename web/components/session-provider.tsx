'use client';
// Who is signed in, from GET /api/auth/me (the HttpOnly cookie is the session, so a reload
// keeps it). 'loading' until the first answer, and, when signed in, until the conversation list
// asked for with it has arrived too (at most LIST_WAIT_MS more): the signed-in tree then
// renders once with the list instead of once empty and again with it (docs/performance.md).
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api } from '@/lib/api';
import { checkSession, prefetchConversations, prefetchSettled } from '@/lib/early-requests';
import type { User } from '@/lib/types';

type Session =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'signed-in'; user: User };

interface SessionApi {
  session: Session;
  signedIn(user: User): void;
  signOut(): Promise<void>;
  /** The server ended the session: forget it without calling logout. */
  ended(): void;
}

const SessionContext = createContext<SessionApi | null>(null);

/** Normally the list arrives with the session check; a slow one is not waited for longer. */
const LIST_WAIT_MS = 300;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    prefetchConversations();
    checkSession()
      .then(async ({ user }) => {
        await prefetchSettled(LIST_WAIT_MS);
        if (live) setSession({ status: 'signed-in', user });
      })
      .catch(() => live && setSession({ status: 'anonymous' }));
    return () => {
      live = false;
    };
  }, []);
  const signedIn = useCallback((user: User) => setSession({ status: 'signed-in', user }), []);
  const ended = useCallback(() => setSession({ status: 'anonymous' }), []);
  const signOut = useCallback(async () => {
    if (session.status === 'signed-in') {
      // Unsent messages stay on this device only while someone is signed in on it.
      window.localStorage.removeItem(`gopherchat.outbox.${session.user.id}`);
    }
    await api.logout().catch(() => {});
    setSession({ status: 'anonymous' });
  }, [session]);
  return (
    <SessionContext.Provider value={{ session, signedIn, signOut, ended }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionApi {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession must be used inside <SessionProvider>');
  return s;
}
