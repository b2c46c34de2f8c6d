// The reader's notification choices on this device: muted conversations and the sound. The
// contract has no server field for either, so they live in localStorage, per user.
import { createStore } from 'zustand/vanilla';

export interface NotificationPrefs {
  muted: Record<string, true>;
  sound: boolean;
}

export interface NotificationPrefsState extends NotificationPrefs {
  toggleMute(cid: string): void;
  setSound(on: boolean): void;
}

const key = (userId: string) => `gopherchat.notifications.${userId}`;

export function loadPrefs(storage: Storage, userId: string): NotificationPrefs {
  try {
    const raw = JSON.parse(storage.getItem(key(userId)) ?? 'null') as Partial<NotificationPrefs> | null;
    const muted: Record<string, true> = {};
    if (raw?.muted && typeof raw.muted === 'object') {
      for (const [cid, on] of Object.entries(raw.muted)) if (on === true) muted[cid] = true;
    }
    return { muted, sound: raw?.sound !== false };
  } catch {
    return { muted: {}, sound: true };
  }
}

export function createNotificationPrefsStore(storage: Storage, userId: string) {
  const store = createStore<NotificationPrefsState>()((set) => ({
    ...loadPrefs(storage, userId),
    toggleMute: (cid) =>
      set((s) => {
        const muted = { ...s.muted };
        if (muted[cid]) delete muted[cid];
        else muted[cid] = true;
        return { muted };
      }),
    setSound: (sound) => set({ sound }),
  }));
  store.subscribe(({ muted, sound }) => {
    try {
      storage.setItem(key(userId), JSON.stringify({ muted, sound }));
    } catch {
      /* private mode or full: the choice lasts this session */
    }
  });
  return store;
}

export type NotificationPrefsStore = ReturnType<typeof createNotificationPrefsStore>;
