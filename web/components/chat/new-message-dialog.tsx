'use client';
// Find a person by username prefix and open the DM with them (dm_<idA>_<idB>, sorted).
// A modal like the others (components/ui/dialog.tsx): focus, Tab, Esc and the backdrop.
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { dmId } from '@/lib/conversation-id';
import { useUserSearch } from '@/hooks/use-user-search';
import type { User } from '@/lib/types';
import { useChat, useChatStoreApi } from '@/components/chat-store-provider';
import { Avatar } from '@/components/ui/avatar';
import { Dialog } from '@/components/ui/dialog';
import { SearchIcon } from '@/components/ui/icons';

export function NewMessageDialog({ onClose, onPicked }: { onClose(): void; onPicked(id: string): void }) {
  const store = useChatStoreApi();
  const me = useChat((s) => s.me);
  const [q, setQ] = useState('');
  const { results, state } = useUserSearch(q, 10);
  const [cursor, setCursor] = useState(0);
  useEffect(() => setCursor(0), [results]);
  const listId = useId();

  function pick(user: User) {
    if (!me) return;
    const id = dmId(me.id, user.id);
    store.getState().openDraft(id, user);
    onPicked(id);
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setCursor((c) => Math.min(c + 1, results.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setCursor((c) => Math.max(c - 1, 0));
    } else if (e.key === 'Enter' && results[cursor]) {
      e.preventDefault();
      pick(results[cursor]);
    }
  }

  return (
    <Dialog title="New message" onClose={onClose} testId="new-message-dialog">
      <div onKeyDown={onKeyDown}>
        <div className="relative px-4 py-3">
          <SearchIcon
            width={16}
            height={16}
            className="pointer-events-none absolute top-1/2 left-7 -translate-y-1/2 text-zinc-400"
          />
          <input
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Search people by username"
            aria-label="Search people by username"
            role="combobox"
            aria-expanded={results.length > 0}
            aria-controls={listId}
            aria-activedescendant={results[cursor] ? `${listId}-${cursor}` : undefined}
            data-testid="user-search"
            data-autofocus
            className="h-10 w-full rounded-lg border border-zinc-200 bg-zinc-50 pr-3 pl-9 text-sm outline-none focus:border-accent-500 focus:ring-3 focus:ring-accent-500/20 dark:border-zinc-700 dark:bg-zinc-950"
          />
        </div>
        <ul id={listId} role="listbox" aria-label="People" className="max-h-72 overflow-y-auto px-2 pb-2">
          {results.map((u, i) => (
            <li
              key={u.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === cursor}
              data-testid="user-result"
              onMouseEnter={() => setCursor(i)}
              onClick={() => pick(u)}
              className={`flex cursor-pointer items-center gap-3 rounded-lg px-2.5 py-2 text-sm ${
                i === cursor ? 'bg-accent-600/10 dark:bg-accent-400/15' : ''
              }`}
            >
              <Avatar name={u.username} size={28} />
              <span className="font-medium">{u.username}</span>
              {u.id === me?.id && <span className="text-xs text-zinc-500">you</span>}
            </li>
          ))}
          {state === 'done' && results.length === 0 && (
            <li className="px-3 py-6 text-center text-sm text-zinc-500">Nobody by that name.</li>
          )}
          {state === 'error' && (
            <li className="px-3 py-6 text-center text-sm text-red-600">Search failed. Try again.</li>
          )}
          {state === 'idle' && (
            <li className="px-3 py-6 text-center text-sm text-zinc-500">
              Type a username to find someone.
            </li>
          )}
        </ul>
      </div>
    </Dialog>
  );
}
