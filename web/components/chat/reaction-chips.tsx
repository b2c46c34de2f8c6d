'use client';
// One chip per emoji with its count, highlighted when the reader is among those who reacted;
// hovering or focusing one tells who. A click toggles the reader's own reaction.
import { memo, useMemo } from 'react';
import { useUserNames } from '@/hooks/use-user-names';
import type { Reaction } from '@/lib/types';

export function whoReacted(r: Reaction, me: string | undefined, names: ReadonlyMap<string, string>): string {
  const people = r.users.map((u) => (u === me ? 'You' : (names.get(u) ?? 'Someone')));
  const list = people.length <= 2 ? people.join(' and ') : `${people.slice(0, -1).join(', ')} and ${people.at(-1)}`;
  return `${list} reacted with ${r.emoji}`;
}

export const ReactionChips = memo(function ReactionChips({
  reactions,
  me,
  onToggle,
}: {
  reactions: Reaction[];
  me: string | undefined;
  onToggle(emoji: string): void;
}) {
  const people = useMemo(() => [...new Set(reactions.flatMap((r) => r.users))].filter((u) => u !== me), [reactions, me]);
  const names = useUserNames(people);
  if (reactions.length === 0) return null;
  return (
    <ul className="mt-1 flex flex-wrap gap-1" aria-label="Reactions" data-testid="reactions">
      {reactions.map((r) => {
        const mine = !!me && r.users.includes(me);
        const who = whoReacted(r, me, names);
        return (
          <li key={r.emoji}>
            <button
              type="button"
              onClick={() => onToggle(r.emoji)}
              title={who}
              aria-label={who}
              aria-pressed={mine}
              data-testid="reaction-chip"
              data-emoji={r.emoji}
              data-mine={mine || undefined}
              className={`flex h-6 items-center gap-1 rounded-full border px-2 text-xs tabular-nums transition ${
                mine
                  ? 'border-accent-500/60 bg-accent-50 text-accent-700 dark:border-accent-400/50 dark:bg-accent-500/15 dark:text-accent-400'
                  : 'border-zinc-200 bg-white text-zinc-600 hover:border-zinc-300 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300'
              }`}
            >
              <span className="text-sm leading-none">{r.emoji}</span>
              <span data-testid="reaction-count">{r.users.length}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
});
