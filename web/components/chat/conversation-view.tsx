'use client';
import { useCallback } from 'react';
import { useChat, useChatStoreApi } from '@/components/chat-store-provider';
import { useEngine } from '@/components/chat-engine-provider';
import { useMessageUi, useMessageUiApi } from '@/components/message-features-provider';
import { conversationTitle } from '@/stores/chat-store';
import { Avatar } from '@/components/ui/avatar';
import { BackIcon, SearchIcon } from '@/components/ui/icons';
import { IconButton } from '@/components/ui/icon-button';
import { isDeleted, replyRefFor } from '@/lib/message-meta';
import { MessageList } from './message-list';
import { Composer } from './composer';
import { ReplyBar } from './reply-bar';
import { NotificationMenu } from './notification-menu';

export function ConversationView({
  id,
  unavailable,
  onBack,
}: {
  id: string;
  /** Its history could not be loaded (no such conversation, or not ours). */
  unavailable: boolean;
  onBack(): void;
}) {
  const engine = useEngine();
  const chat = useChatStoreApi();
  const ui = useMessageUiApi();
  const conversation = useChat((s) => s.conversations[id]);
  const me = useChat((s) => s.me);
  const replyingTo = useMessageUi((s) => s.replyingTo[id]);
  const title = conversation ? conversationTitle(conversation, me?.id) : '';

  const send = useCallback(
    (body: string) => {
      const original = ui.getState().replyingTo[id];
      engine.send(id, body, original ? replyRefFor(original) : undefined);
      ui.getState().cancelReply(id);
    },
    [engine, ui, id],
  );
  // ↑ in an empty composer: edit my newest message that can still be edited.
  const editLast = useCallback(() => {
    const s = chat.getState();
    const last = s.timelines[id]?.messages.findLast(
      (m) => m.from === s.me?.id && m.type === 'text' && !isDeleted(m),
    );
    if (!last) return false;
    ui.getState().startEdit(last.id);
    return true;
  }, [chat, ui, id]);

  return (
    <section className="flex min-h-0 flex-1 flex-col" aria-labelledby="conversation-title">
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-zinc-200 px-3 sm:px-5 dark:border-zinc-800">
        <IconButton label="Back to conversations" data-testid="back" onClick={onBack} className="-ml-1 md:hidden">
          <BackIcon />
        </IconButton>
        {conversation && <Avatar name={conversation.peer?.username ?? title} size={30} />}
        <h1 id="conversation-title" className="min-w-0 flex-1 truncate text-[15px] font-semibold tracking-tight" data-testid="conversation-header">
          {title}
        </h1>
        <IconButton label="Search messages (Ctrl+K)" data-testid="open-search" onClick={() => ui.getState().setSearchOpen(true)}>
          <SearchIcon width={18} height={18} />
        </IconButton>
        <NotificationMenu conversationId={id} />
      </header>
      {unavailable ? (
        <div className="flex flex-1 items-center justify-center p-8 text-center" role="alert">
          <p className="max-w-xs text-sm text-zinc-500 dark:text-zinc-400" data-testid="conversation-unavailable">
            This conversation is not available. It may not exist, or you are not part of it.
          </p>
        </div>
      ) : (
        <>
          <MessageList id={id} />
          <Composer
            onSend={send}
            header={<ReplyBar conversationId={id} />}
            focusToken={replyingTo}
            onEscape={() => ui.getState().cancelReply(id)}
            onEditLast={editLast}
          />
        </>
      )}
    </section>
  );
}
