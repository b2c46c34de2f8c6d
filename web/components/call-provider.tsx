'use client';
// The call store and CallController of the signed-in session, made when the provider mounts
// (like components/chat-store-provider.tsx): no module-global store.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { CallController } from '@/client/call-controller';
import { createRoom, fetchClientConfig } from '@/client/video-api';
import { request } from '@/lib/api';
import type { Message } from '@/lib/types';
import { createCallStore, type CallState, type CallStore } from '@/stores/call-store';
import { useChatStoreApi } from './chat-store-provider';

const CallContext = createContext<{ store: CallStore; controller: CallController } | null>(null);

export function CallProvider({ children }: { children: ReactNode }) {
  const chat = useChatStoreApi();
  const [value] = useState(() => {
    const store = createCallStore();
    const controller = new CallController(chat, store, {
      fetchConfig: fetchClientConfig,
      createRoom,
      postMessage: (cid, body) =>
        request<{ message: Message }>('POST', `/api/conversations/${encodeURIComponent(cid)}/messages`, body),
      now: () => Date.now(),
      newClientMsgId: () => `call-${crypto.randomUUID()}`,
    });
    return { store, controller };
  });
  useEffect(() => {
    value.controller.start();
    return () => value.controller.stop();
  }, [value]);
  return <CallContext.Provider value={value}>{children}</CallContext.Provider>;
}

function useCallContext() {
  const v = useContext(CallContext);
  if (!v) throw new Error('calls used outside <CallProvider>');
  return v;
}

export const useCallStoreApi = (): CallStore => useCallContext().store;
export const useCallController = (): CallController => useCallContext().controller;
/** Subscribes to one slice of the call store (select stable values). */
export function useCall<T>(selector: (s: CallState) => T): T {
  return useStore(useCallContext().store, selector);
}
