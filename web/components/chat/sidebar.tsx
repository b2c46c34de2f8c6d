'use client';
// The conversation list with its header (friends, groups, new message) and the account menu.
// The dialogs behind the header's buttons are loaded when first opened: the list is the first
// screen and must not wait for their code (docs/performance.md, "Web client").
import { lazy, Suspense, useMemo, useState } from 'react';
import { useChat } from '@/components/chat-store-provider';
import { conversationTitle, sortedConversations } from '@/stores/chat-store';
import { ComposeIcon, SearchIcon } from '@/components/ui/icons';
import { IconButton } from '@/components/ui/icon-button';
import { Logo } from '@/components/ui/logo';
import { ConversationItem } from './conversation-item';
import { ConnectionStatus } from './connection-status';
import { AccountMenu } from './account-menu';
import { FriendsButton } from '@/components/social/friends-button';
import { GroupsButton } from '@/components/groups/groups-button';

const NewMessageDialog = lazy(() => import('./new-message-dialog').then((m) => ({ default: m.NewMessageDialog })));

export function Sidebar({ activeId, onSelect }: { activeId: string | null; onSelect(id: string): void }) {
  const conversations = useChat((s) => s.conversations);
  const me = useChat((s) => s.me);
  const [filter, setFilter] = useState('');
  const [composing, setComposing] = useState(false);
  const list = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const all = sortedConversations(conversations);
    return q ? all.filter((c) => conversationTitle(c, me?.id).toLowerCase().includes(q)) : all;
  }, [conversations, filter, me]);

  return (
    <aside className="flex w-full flex-col border-r border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/60">
      <header className="flex h-14 shrink-0 items-center gap-2 px-4">
        <Logo className="h-7 w-7" />
        <span className="flex-1 text-[15px] font-semibold tracking-tight">GopherChat</span>
        <FriendsButton onOpenConversation={onSelect} />
        <GroupsButton onOpenConversation={onSelect} />
        <IconButton label="New message" data-testid="new-message" onClick={() => setComposing(true)}>
          <ComposeIcon width={18} height={18} />
        </IconButton>
      </header>
      <div className="px-3 pb-2">
        <label className="relative block">
          <span className="sr-only">Filter conversations</span>
          <SearchIcon
            width={16}
            height={16}
            className="pointer-events-none absolute top-1/2 left-2.5 -translate-y-1/2 text-zinc-400"
          />
          <input
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="Filter conversations"
            data-testid="conversation-filter"
            className="h-8 w-full rounded-lg border border-zinc-200 bg-white pr-2 pl-8 text-sm outline-none transition placeholder:text-zinc-400 focus:border-accent-500 focus:ring-3 focus:ring-accent-500/20 dark:border-zinc-800 dark:bg-zinc-950"
          />
        </label>
      </div>
      <ConnectionStatus />
      <nav aria-label="Conversations" className="scroll-thin min-h-0 flex-1 overflow-y-auto px-2 pb-2">
        {list.length === 0 ? (
          <p className="px-3 py-8 text-center text-sm text-zinc-500 dark:text-zinc-400">
            {filter ? 'No conversation matches.' : 'No conversations yet. Start one with the pencil.'}
          </p>
        ) : (
          <ul role="list" className="space-y-0.5" data-testid="conversation-list">
            {list.map((c) => (
              <ConversationItem
                key={c.id}
                conversation={c}
                me={me?.id}
                active={c.id === activeId}
                onSelect={onSelect}
              />
            ))}
          </ul>
        )}
      </nav>
      <AccountMenu />
      {composing && (
        <Suspense fallback={null}>
          <NewMessageDialog
            onClose={() => setComposing(false)}
            onPicked={(id) => {
              setComposing(false);
              onSelect(id);
            }}
          />
        </Suspense>
      )}
    </aside>
  );
}
