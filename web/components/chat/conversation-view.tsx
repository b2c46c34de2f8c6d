'use client';
import { useChat } from '@/components/chat-store-provider';
import { useEngine } from '@/components/chat-engine-provider';
import { conversationTitle } from '@/stores/chat-store';
import { Avatar } from '@/components/ui/avatar';
import { BackIcon } from '@/components/ui/icons';
import { IconButton } from '@/components/ui/icon-button';
import { MessageList } from './message-list';
import { Composer } from './composer';

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
  const conversation = useChat((s) => s.conversations[id]);
  const me = useChat((s) => s.me);
  const title = conversation ? conversationTitle(conversation, me?.id) : '';
  return (
    <section className="flex min-h-0 flex-1 flex-col" aria-labelledby="conversation-title">
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-zinc-200 px-3 sm:px-5 dark:border-zinc-800">
        <IconButton label="Back to conversations" data-testid="back" onClick={onBack} className="-ml-1 md:hidden">
          <BackIcon />
        </IconButton>
        {conversation && <Avatar name={conversation.peer?.username ?? title} size={30} />}
        <h1 id="conversation-title" className="truncate text-[15px] font-semibold tracking-tight" data-testid="conversation-header">
          {title}
        </h1>
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
          <Composer onSend={(body) => engine.send(id, body)} />
        </>
      )}
    </section>
  );
}
