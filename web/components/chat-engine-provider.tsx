'use client';
// Starts the ChatEngine for the session's store and stops it on unmount (sign-out).
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { ChatEngine } from '@/client/chat-engine';
import { takePrefetchedConversations } from '@/lib/early-requests';
import { useChatStoreApi } from './chat-store-provider';

const EngineContext = createContext<ChatEngine | null>(null);

export function ChatEngineProvider({
  onSessionEnded,
  children,
}: {
  onSessionEnded: () => void;
  children: ReactNode;
}) {
  const store = useChatStoreApi();
  const [engine] = useState(
    () =>
      new ChatEngine(store, {
        wsUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
        storage: window.localStorage,
        onSessionEnded,
      }),
  );
  useEffect(() => {
    engine.start();
    const early = takePrefetchedConversations(store);
    if (early !== 'seeded') engine.refreshConversations(early).catch(() => {});
    const wake = () => {
      engine.reconnectNow();
      engine.markReadIfSeen();
    };
    window.addEventListener('online', wake);
    document.addEventListener('visibilitychange', wake);
    return () => {
      window.removeEventListener('online', wake);
      document.removeEventListener('visibilitychange', wake);
      engine.stop();
    };
  }, [engine, store]);
  return <EngineContext.Provider value={engine}>{children}</EngineContext.Provider>;
}

export function useEngine(): ChatEngine {
  const engine = useContext(EngineContext);
  if (!engine) throw new Error('useEngine must be used inside <ChatEngineProvider>');
  return engine;
}
