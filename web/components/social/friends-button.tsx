'use client';
// The sidebar's way into the friends panel, with the number of requests waiting for an answer.
// The panel's code is loaded when it first opens (not part of the first screen).
import { lazy, Suspense, useState } from 'react';
import { useSocial } from '@/components/social-provider';
import { IconButton } from '@/components/ui/icon-button';
import { FriendsIcon } from '@/components/ui/icons';

const FriendsPanel = lazy(() => import('./friends-panel').then((m) => ({ default: m.FriendsPanel })));

export function FriendsButton({ onOpenConversation }: { onOpenConversation(cid: string): void }) {
  const incoming = useSocial((s) => s.incoming.length);
  const [open, setOpen] = useState(false);
  return (
    <>
      <span className="relative">
        <IconButton
          label={incoming > 0 ? `Friends (${incoming} pending request${incoming === 1 ? '' : 's'})` : 'Friends'}
          data-testid="open-friends"
          onClick={() => setOpen(true)}
        >
          <FriendsIcon width={18} height={18} />
        </IconButton>
        {incoming > 0 && (
          <span
            className="pointer-events-none absolute -top-0.5 -right-0.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-red-500 px-1 text-[10px] font-bold text-white tabular-nums ring-2 ring-zinc-50 dark:ring-zinc-900"
            data-testid="friend-requests-badge"
            aria-hidden="true"
          >
            {incoming > 9 ? '9+' : incoming}
          </span>
        )}
      </span>
      {open && (
        <Suspense fallback={null}>
          <FriendsPanel
            initialTab={incoming > 0 ? 'pending' : 'friends'}
            onClose={() => setOpen(false)}
            onOpenConversation={(cid) => {
              setOpen(false);
              onOpenConversation(cid);
            }}
          />
        </Suspense>
      )}
    </>
  );
}
