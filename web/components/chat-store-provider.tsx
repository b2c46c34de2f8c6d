'use client';
// One chat store per signed-in session, made when the provider mounts (never a module-global
// store: two tabs, two users in tests, and a sign-out all get fresh state). It starts with the
// conversation list asked for with the session check when that has arrived (lib/early-requests.ts).
import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { seedChatStore } from '@/lib/early-requests';
import { createChatStore, type ChatState, type ChatStore } from '@/stores/chat-store';
import type { User } from '@/lib/types';

const ChatStoreContext = createContext<ChatStore | null>(null);

export function ChatStoreProvider({ me, children }: { me: User; children: ReactNode }) {
  const [store] = useState(() => {
    const created = createChatStore({ me });
    seedChatStore(created);
    return created;
  });
  return <ChatStoreContext.Provider value={store}>{children}</ChatStoreContext.Provider>;
}

export function useChatStoreApi(): ChatStore {
  const store = useContext(ChatStoreContext);
  if (!store) throw new Error('useChat must be used inside <ChatStoreProvider>');
  return store;
}

/** Subscribes to one slice: select stable values (or derive with useMemo) to avoid re-renders. */
export function useChat<T>(selector: (s: ChatState) => T): T {
  return useStore(useChatStoreApi(), selector);
}
