'use client';
// In a group, what someone I blocked says is folded away (the server stops sending it live,
// but history pages still hold it, docs/api.md): one quiet line with a Show button.
import { useState, type ReactNode } from 'react';
import { useSocial } from '@/components/social-provider';

export function BlockedFold({ userId, enabled, children }: { userId: string; enabled: boolean; children: ReactNode }) {
  const blocked = useSocial((s) => enabled && s.blocked.includes(userId));
  const [shown, setShown] = useState(false);
  if (!blocked || shown) return <>{children}</>;
  return (
    <li className="px-5 py-1 pl-[68px] text-xs text-zinc-500 dark:text-zinc-400" data-testid="blocked-message">
      A message from someone you blocked.{' '}
      <button type="button" onClick={() => setShown(true)} className="font-medium text-accent-600 hover:underline dark:text-accent-400">
        Show
      </button>
    </li>
  );
}
