'use client';
// The sidebar's way to groups: create one, or find a public one to join. The dialog's code is
// loaded when it first opens (not part of the first screen).
import { lazy, Suspense, useState } from 'react';
import { IconButton } from '@/components/ui/icon-button';
import { GroupIcon } from '@/components/ui/icons';

const GroupsDialog = lazy(() => import('./groups-dialog').then((m) => ({ default: m.GroupsDialog })));

export function GroupsButton({ onOpenConversation }: { onOpenConversation(cid: string): void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <IconButton label="Groups" data-testid="open-groups" onClick={() => setOpen(true)}>
        <GroupIcon width={18} height={18} />
      </IconButton>
      {open && (
        <Suspense fallback={null}>
          <GroupsDialog
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
