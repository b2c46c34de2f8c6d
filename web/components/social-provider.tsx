'use client';
// The social store and engine of the signed-in session, next to the chat ones: made when the
// provider mounts, started with the ChatEngine's socket, stopped on sign-out.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { SocialEngine } from '@/client/social-engine';
import { createSocialStore, type SocialState, type SocialStore } from '@/stores/social-store';
import { useChatStoreApi } from './chat-store-provider';
import { useEngine } from './chat-engine-provider';

const SocialContext = createContext<{ store: SocialStore; engine: SocialEngine } | null>(null);

export function SocialProvider({ children }: { children: ReactNode }) {
  const chatStore = useChatStoreApi();
  const chat = useEngine();
  const [value] = useState(() => {
    const me = chatStore.getState().me;
    const store = createSocialStore(me?.id ?? '');
    if (me) store.getState().rememberUsers([me]);
    return { store, engine: new SocialEngine(chat, chatStore, store) };
  });
  useEffect(() => {
    value.engine.start();
    return () => value.engine.stop();
  }, [value]);
  return <SocialContext.Provider value={value}>{children}</SocialContext.Provider>;
}

function useSocialContext() {
  const v = useContext(SocialContext);
  if (!v) throw new Error('useSocial must be used inside <SocialProvider>');
  return v;
}

export function useSocialEngine(): SocialEngine {
  return useSocialContext().engine;
}

export function useSocialStoreApi(): SocialStore {
  return useSocialContext().store;
}

/** Subscribes to one slice of the social store (select stable values). */
export function useSocial<T>(selector: (s: SocialState) => T): T {
  return useStore(useSocialContext().store, selector);
}
