'use client';
// The per-session stores of the message features (composer and list UI state, notification
// choices, usernames) and the MessageActions bound to the chat store, made when a session
// starts, like components/chat-store-provider.tsx.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { MessageActions } from '@/client/message-actions';
import { createMessageUiStore, type MessageUiState, type MessageUiStore } from '@/stores/message-ui-store';
import {
  createNotificationPrefsStore,
  type NotificationPrefsState,
  type NotificationPrefsStore,
} from '@/stores/notification-prefs-store';
import { createUserNamesStore, type UserNamesState, type UserNamesStore } from '@/stores/user-names-store';
import { useChatStoreApi } from './chat-store-provider';

interface Features {
  ui: MessageUiStore;
  prefs: NotificationPrefsStore;
  names: UserNamesStore;
  actions: MessageActions;
}

const FeaturesContext = createContext<Features | null>(null);

export function MessageFeaturesProvider({ children }: { children: ReactNode }) {
  const chat = useChatStoreApi();
  const [features] = useState<Features>(() => {
    const me = chat.getState().me;
    const names = createUserNamesStore();
    if (me) names.getState().remember([me]);
    return {
      ui: createMessageUiStore(),
      prefs: createNotificationPrefsStore(window.localStorage, me?.id ?? 'anonymous'),
      names,
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
export const useUserNamesApi = () => useFeatures().names;
export const useMessageActions = () => useFeatures().actions;

/** A username by id (fetched once when unknown); `fallback` until it arrives. */
export function useUserName(id: string | undefined, fallback = 'Someone'): string {
  const names = useFeatures().names;
  const name = useStore(names, (s) => (id ? s.names[id] : undefined));
  useEffect(() => {
    if (id && !name) names.getState().resolve(id);
  }, [id, name, names]);
  return name ?? fallback;
}
