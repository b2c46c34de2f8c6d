'use client';
import { memo } from 'react';
import { useChat } from '@/components/chat-store-provider';
import { Avatar } from '@/components/ui/avatar';
import { conversationTitle, type Conversation } from '@/stores/chat-store';
import { shortStamp } from '@/lib/time';
import { usePresence } from '@/hooks/use-presence';
import { useTypingLabel } from './typing-indicator';
import { useSocial } from '@/components/social-provider';
import { groupIdOf } from '@/lib/social-types';
import { attachmentMessageType, messageSummary } from '@/lib/attachments';

export const ConversationItem = memo(function ConversationItem({
  conversation: c,
  me,
  active,
  onSelect,
}: {
  conversation: Conversation;
  me: string | undefined;
  active: boolean;
  onSelect(id: string): void;
}) {
  const pending = useChat((s) => s.outbox.findLast((e) => e.conversationId === c.id));
  const title = conversationTitle(c, me);
  const last = c.lastMessage;
  const presence = usePresence(c.peer?.id);
  const typing = useTypingLabel(c.id);
  const departed = useSocial((s) => s.departed[groupIdOf(c.id) ?? '']);
  const preview = departed
    ? departed.reason === 'removed'
      ? 'You were removed from this group'
      : 'This group is gone'
    : pending
    ? `You: ${
        pending.attachments?.length
          ? messageSummary({ body: pending.body, type: attachmentMessageType(pending.attachments), metadata: { attachments: pending.attachments } })
          : pending.body
      }`
    : last
      ? `${last.from === me && last.type !== 'system' ? 'You: ' : ''}${messageSummary(last)}`
      : 'No messages yet';
  const stamp = pending?.createdAt ?? last?.createdAt;
  const unread = c.unread > 0 && !active;
  return (
    <li>
      <button
        type="button"
        onClick={() => onSelect(c.id)}
        aria-current={active ? 'page' : undefined}
        data-testid="conversation-item"
        data-conversation-id={c.id}
        className={`group flex w-full items-center gap-3 rounded-lg px-2.5 py-2 text-left transition ${
          active
            ? 'bg-accent-600/10 text-zinc-900 dark:bg-accent-400/15 dark:text-white'
            : 'hover:bg-zinc-200/60 dark:hover:bg-zinc-800/70'
        }`}
      >
        <Avatar name={c.peer?.username ?? title} size={36} presence={c.peer?.id === me ? undefined : presence?.status} />
        <span className="min-w-0 flex-1">
          <span className="flex items-baseline gap-2">
            <span
              className={`truncate text-sm ${unread ? 'font-semibold' : 'font-medium'}`}
              data-testid="conversation-title"
            >
              {title}
            </span>
            {stamp && (
              <span className="ml-auto shrink-0 text-[11px] text-zinc-500 tabular-nums dark:text-zinc-400">
                {shortStamp(stamp)}
              </span>
            )}
          </span>
          <span className="flex items-center gap-2">
            <span
              className={`truncate text-[13px] ${
                unread ? 'text-zinc-800 dark:text-zinc-200' : 'text-zinc-500 dark:text-zinc-400'
              }`}
              data-testid="conversation-preview"
            >
              {typing ? (
                <span className="text-accent-600 italic dark:text-accent-400" data-testid="conversation-typing">
                  {c.kind === 'dm' ? 'typing…' : typing}
                </span>
              ) : (
                preview
              )}
            </span>
            {unread && (
              <span
                className="ml-auto flex h-5 min-w-5 shrink-0 items-center justify-center rounded-full bg-accent-600 px-1.5 text-[11px] font-semibold text-white tabular-nums"
                data-testid="unread-badge"
                aria-label={`${c.unread} unread`}
              >
                {c.unread > 99 ? '99+' : c.unread}
              </span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
});
