'use client';
// The sidebar's way to groups: create one, or find a public one to join.
import { useState } from 'react';
import { IconButton } from '@/components/ui/icon-button';
import { GroupIcon } from '@/components/ui/icons';
import { GroupsDialog } from './groups-dialog';

export function GroupsButton({ onOpenConversation }: { onOpenConversation(cid: string): void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <IconButton label="Groups" data-testid="open-groups" onClick={() => setOpen(true)}>
        <GroupIcon width={18} height={18} />
      </IconButton>
      {open && (
        <GroupsDialog
          onClose={() => setOpen(false)}
          onOpenConversation={(cid) => {
            setOpen(false);
            onOpenConversation(cid);
          }}
        />
      )}
    </>
  );
}
