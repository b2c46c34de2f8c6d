'use client';
// A search box over usernames with one action per result ("Add friend", "Add", "Invite"…):
// used to add friends, to pick a new group's members and to add a member to a group.
import { useId, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { SearchIcon } from '@/components/ui/icons';
import { Avatar } from '@/components/ui/avatar';
import { useUserSearch } from '@/hooks/use-user-search';
import type { User } from '@/lib/types';

export function UserPicker({
  placeholder = 'Search people by username',
  exclude = [],
  action,
  autoFocus = false,
  clearOnAction = false,
  testId = 'user-picker',
}: {
  placeholder?: string;
  /** Users not to list (me, members already in). */
  exclude?: string[];
  /** What a result offers; gets the user. */
  action(user: User): ReactNode;
  autoFocus?: boolean;
  /** Empty the box after a result's action (picking several people in a row). */
  clearOnAction?: boolean;
  testId?: string;
}) {
  const [q, setQ] = useState('');
  const { results, state } = useUserSearch(q);
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  const afterAction = (e: MouseEvent) => {
    if (!clearOnAction || !(e.target as HTMLElement).closest('button')) return;
    setQ('');
    input.current?.focus();
  };
  const shown = results.filter((u) => !exclude.includes(u.id));
  return (
    <div>
      <label className="relative block">
        <span className="sr-only">{placeholder}</span>
        <SearchIcon
          width={16}
          height={16}
          className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 text-zinc-400"
        />
        <input
          ref={input}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={placeholder}
          aria-controls={listId}
          data-testid={`${testId}-search`}
          data-autofocus={autoFocus || undefined}
          className="h-9 w-full rounded-lg border border-zinc-200 bg-zinc-50 pr-3 pl-9 text-sm outline-none focus:border-accent-500 focus:ring-3 focus:ring-accent-500/20 dark:border-zinc-700 dark:bg-zinc-950"
        />
      </label>
      <ul id={listId} aria-label="People found" className="mt-1.5 space-y-0.5">
        {shown.map((u) => (
          <li key={u.id} className="flex items-center gap-3 rounded-lg px-1.5 py-1.5" data-testid={`${testId}-result`} onClick={afterAction}>
            <Avatar name={u.username} size={28} />
            <span className="min-w-0 flex-1 truncate text-sm font-medium">{u.username}</span>
            {action(u)}
          </li>
        ))}
        {state === 'done' && shown.length === 0 && (
          <li className="px-2 py-3 text-center text-sm text-zinc-500">
            {results.length > 0 ? 'Everyone by that name is already here.' : 'Nobody by that name.'}
          </li>
        )}
        {state === 'error' && <li className="px-2 py-3 text-center text-sm text-red-600">Search failed. Try again.</li>}
      </ul>
    </div>
  );
}
