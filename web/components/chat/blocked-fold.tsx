'use client';
// In a group, what someone I blocked says is folded away (the server stops sending it live,
// but history pages still hold it, docs/api.md): one quiet line with a Show button. Whether it
// was shown is the list's to keep: a windowed row is unmounted when it scrolls away.
import type { ReactNode, Ref } from 'react';
import { useSocial } from '@/components/social-provider';

export function BlockedFold({
  userId,
  enabled,
  measureRef,
  shown,
  onShow,
  children,
}: {
  userId: string;
  enabled: boolean;
  /** The windowed list measures its rows through this; the folded line is the row then. */
  measureRef?: Ref<HTMLLIElement>;
  shown: boolean;
  onShow(): void;
  children: ReactNode;
}) {
  const blocked = useSocial((s) => enabled && s.blocked.includes(userId));
  if (!blocked || shown) return <>{children}</>;
  return (
    <li ref={measureRef} className="px-5 py-1 pl-[68px] text-xs text-zinc-500 dark:text-zinc-400" data-testid="blocked-message">
      A message from someone you blocked.{' '}
      <button type="button" onClick={onShow} className="font-medium text-accent-600 hover:underline dark:text-accent-400">
        Show
      </button>
    </li>
  );
}
