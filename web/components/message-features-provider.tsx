'use client';
// The per-session stores of the message features (composer and list UI state, notification
// choices) and the MessageActions bound to the chat store, made when a session starts, like
// components/chat-store-provider.tsx. Usernames come from the social store
// (hooks/use-user-names.ts).
import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { MessageActions } from '@/client/message-actions';
import { createMessageUiStore, type MessageUiState, type MessageUiStore } from '@/stores/message-ui-store';
import {
  createNotificationPrefsStore,
  type NotificationPrefsState,
  type NotificationPrefsStore,
} from '@/stores/notification-prefs-store';
import { useChatStoreApi } from './chat-store-provider';

interface Features {
  ui: MessageUiStore;
  prefs: NotificationPrefsStore;
  actions: MessageActions;
}

const FeaturesContext = createContext<Features | null>(null);

export function MessageFeaturesProvider({ children }: { children: ReactNode }) {
  const chat = useChatStoreApi();
  const [features] = useState<Features>(() => {
    const me = chat.getState().me;
    return {
      ui: createMessageUiStore(),
      prefs: createNotificationPrefsStore(window.localStorage, me?.id ?? 'anonymous'),
      actions: new MessageActions(chat),
    };
  });
  return <FeaturesContext.Provider value={features}>{children}</FeaturesContext.Provider>;
}

function useFeatures(): Features {
  const f = useContext(FeaturesContext);
  if (!f) throw new Error('message features used outside <MessageFeaturesProvider>');
  return f;
}

export const useMessageUiApi = () => useFeatures().ui;
export const useMessageUi = <T,>(selector: (s: MessageUiState) => T): T => useStore(useFeatures().ui, selector);
export const useNotificationPrefsApi = () => useFeatures().prefs;
export const useNotificationPrefs = <T,>(selector: (s: NotificationPrefsState) => T): T =>
  useStore(useFeatures().prefs, selector);
export const useMessageActions = () => useFeatures().actions;
