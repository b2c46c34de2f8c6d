'use client';
// Find a person by username prefix and open the DM with them (dm_<idA>_<idB>, sorted).
import { m } from 'framer-motion';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { api } from '@/lib/api';
import { dmId } from '@/lib/conversation-id';
import type { User } from '@/lib/types';
import { useChat, useChatStoreApi } from '@/components/chat-store-provider';
import { Avatar } from '@/components/ui/avatar';
import { CloseIcon, SearchIcon } from '@/components/ui/icons';

export function NewMessageDialog({ onClose, onPicked }: { onClose(): void; onPicked(id: string): void }) {
  const store = useChatStoreApi();
  const me = useChat((s) => s.me);
  const [q, setQ] = useState('');
  const [results, setResults] = useState<User[]>([]);
  const [state, setState] = useState<'idle' | 'loading' | 'done' | 'error'>('idle');
  const [cursor, setCursor] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const titleId = useId();

  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    input.current?.focus();
    return () => opener?.focus();
  }, []);
  useEffect(() => {
    const term = q.trim();
    if (!term) {
      setResults([]);
      setState('idle');
      return;
    }
    setState('loading');
    let live = true;
    const t = setTimeout(() => {
      api
        .searchUsers(term, 10)
        .then(({ users }) => {
          if (!live) return;
          setResults(users);
          setCursor(0);
          setState('done');
        })
        .catch(() => live && setState('error'));
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [q]);

  function pick(user: User) {
    if (!me) return;
    const id = dmId(me.id, user.id);
    store.getState().openDraft(id, user);
    onPicked(id);
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Tab') {
      // A modal keeps focus inside: wrap around its focusable elements.
      const focusable = dialog.current?.querySelectorAll<HTMLElement>('button, input');
      if (!focusable?.length) return;
      const first = focusable[0] as HTMLElement;
      const last = focusable[focusable.length - 1] as HTMLElement;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    } else if (e.key === 'Escape') onClose();
    else if (e.key === 'ArrowDown') {
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
    <>
      <div
        className="fixed inset-0 z-40 flex items-start justify-center bg-zinc-950/40 px-4 pt-[12vh] backdrop-blur-[2px]"
        onMouseDown={(e) => e.target === e.currentTarget && onClose()}
      >
        <m.div
          ref={dialog}
          role="dialog"
          aria-modal="true"
          aria-labelledby={titleId}
          initial={{ opacity: 0, y: -8, scale: 0.98 }}
          animate={{ opacity: 1, y: 0, scale: 1 }}
          transition={{ duration: 0.16, ease: 'easeOut' }}
          className="w-full max-w-md overflow-hidden rounded-2xl border border-zinc-200 bg-white shadow-2xl dark:border-zinc-800 dark:bg-zinc-900"
          onKeyDown={onKeyDown}
        >
          <div className="flex items-center justify-between px-4 pt-4">
            <h2 id={titleId} className="text-sm font-semibold">
              New message
            </h2>
            <button
              type="button"
              onClick={onClose}
              aria-label="Close"
              className="flex h-7 w-7 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
            >
              <CloseIcon width={16} height={16} />
            </button>
          </div>
          <div className="relative px-4 py-3">
            <SearchIcon
              width={16}
              height={16}
              className="pointer-events-none absolute top-1/2 left-7 -translate-y-1/2 text-zinc-400"
            />
            <input
              ref={input}
              value={q}
              onChange={(e) => setQ(e.target.value)}
              placeholder="Search people by username"
              aria-label="Search people by username"
              role="combobox"
              aria-expanded={results.length > 0}
              aria-controls={listId}
              aria-activedescendant={results[cursor] ? `${listId}-${cursor}` : undefined}
              data-testid="user-search"
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
        </m.div>
      </div>
    </>
  );
}
