// Usernames by id, for authors, reaction tooltips and quotes in groups and search results,
// where the conversation list does not name everyone. Unknown ids are fetched once.
import { createStore } from 'zustand/vanilla';
import { request } from '@/lib/api';
import type { User } from '@/lib/types';

export interface UserNamesState {
  names: Record<string, string>;
  remember(users: Array<Pick<User, 'id' | 'username'>>): void;
  /** Fetches the name of `id` unless known or already asked for. */
  resolve(id: string): void;
}

export function createUserNamesStore(fetchUser = (id: string) => request<{ user: User }>('GET', `/api/users/${encodeURIComponent(id)}`)) {
  const asked = new Set<string>();
  return createStore<UserNamesState>()((set, get) => ({
    names: {},
    remember: (users) => {
      const names = get().names;
      if (users.every((u) => names[u.id] === u.username)) return;
      const next = { ...names };
      for (const u of users) next[u.id] = u.username;
      set({ names: next });
    },
    resolve: (id) => {
      if (get().names[id] || asked.has(id)) return;
      asked.add(id);
      fetchUser(id)
        .then(({ user }) => get().remember([user]))
        .catch(() => asked.delete(id));
    },
  }));
}

export type UserNamesStore = ReturnType<typeof createUserNamesStore>;
