'use client';
import { useState } from 'react';
import { Dialog } from '@/components/ui/dialog';
import { Tabs } from '@/components/ui/tabs';
import { CreateGroupForm } from './create-group-form';
import { DiscoverGroups } from './discover-groups';

export function GroupsDialog({ onClose, onOpenConversation }: { onClose(): void; onOpenConversation(cid: string): void }) {
  const [tab, setTab] = useState<'create' | 'discover'>('create');
  return (
    <Dialog title="Groups" onClose={onClose} testId="groups-dialog">
      <Tabs
        value={tab}
        onChange={(t) => setTab(t)}
        tabs={[
          { id: 'create', label: 'New group' },
          { id: 'discover', label: 'Discover' },
        ]}
      />
      {tab === 'create' ? (
        <CreateGroupForm onCreated={onOpenConversation} />
      ) : (
        <DiscoverGroups onOpen={onOpenConversation} />
      )}
    </Dialog>
  );
}
