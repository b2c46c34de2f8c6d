'use client';
// The account menu's way to the people I blocked (the friends panel, on its Blocked tab),
// loaded when it first opens.
import { lazy, Suspense, useState } from 'react';
import { IconButton } from '@/components/ui/icon-button';
import { BlockIcon } from '@/components/ui/icons';
import { useOpenConversation } from '@/hooks/use-open-conversation';

const FriendsPanel = lazy(() => import('./friends-panel').then((m) => ({ default: m.FriendsPanel })));

export function BlockedPeopleButton() {
  const [open, setOpen] = useState(false);
  const openConversation = useOpenConversation();
  return (
    <>
      <IconButton label="Blocked people" title="Blocked people" data-testid="open-blocked" onClick={() => setOpen(true)}>
        <BlockIcon width={18} height={18} />
      </IconButton>
      {open && (
        <Suspense fallback={null}>
          <FriendsPanel
            initialTab="blocked"
            onClose={() => setOpen(false)}
            onOpenConversation={(cid) => {
              setOpen(false);
              openConversation(cid);
            }}
          />
        </Suspense>
      )}
    </>
  );
}
