'use client';
import { useRef } from 'react';
import { useChat } from '@/components/chat-store-provider';
import { useEngine } from '@/components/chat-engine-provider';
import { useSocialEngine } from '@/components/social-provider';
import { conversationTitle } from '@/stores/chat-store';
import { Avatar } from '@/components/ui/avatar';
import { BackIcon } from '@/components/ui/icons';
import { IconButton } from '@/components/ui/icon-button';
import { usePresence } from '@/hooks/use-presence';
import { useReadAtBottom } from '@/hooks/use-read-at-bottom';
import { MessageList } from './message-list';
import { Composer } from './composer';
import { ComposerGate } from './composer-gate';
import { TypingReporter } from './typing-reporter';
import { TypingIndicator } from './typing-indicator';
import { ReadReceipt } from './read-receipt';
import { HeaderActions, HeaderSubtitle } from './conversation-header-social';

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
  const social = useSocialEngine();
  const conversation = useChat((s) => s.conversations[id]);
  const me = useChat((s) => s.me);
  const title = conversation ? conversationTitle(conversation, me?.id) : '';
  const presence = usePresence(conversation?.peer?.id);
  const section = useRef<HTMLElement>(null);
  useReadAtBottom(section, id);
  return (
    <section ref={section} className="flex min-h-0 flex-1 flex-col" aria-labelledby="conversation-title">
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-zinc-200 px-3 sm:px-5 dark:border-zinc-800">
        <IconButton label="Back to conversations" data-testid="back" onClick={onBack} className="-ml-1 md:hidden">
          <BackIcon />
        </IconButton>
        {conversation && <Avatar name={conversation.peer?.username ?? title} size={30} presence={presence?.status} />}
        <div className="min-w-0 flex-1">
          <h1 id="conversation-title" className="truncate text-[15px] font-semibold tracking-tight" data-testid="conversation-header">
            {title}
          </h1>
          <HeaderSubtitle cid={id} />
        </div>
        <HeaderActions cid={id} peer={conversation?.peer} onLeft={onBack} />
      </header>
      {unavailable ? (
        <div className="flex flex-1 items-center justify-center p-8 text-center" role="alert">
          <p className="max-w-xs text-sm text-zinc-500 dark:text-zinc-400" data-testid="conversation-unavailable">
            This conversation is not available. It may not exist, or you are not part of it.
          </p>
        </div>
      ) : (
        <>
          <MessageList id={id} footer={<ReadReceipt cid={id} />} />
          <TypingIndicator cid={id} />
          <ComposerGate cid={id} onDismissed={onBack}>
            <TypingReporter cid={id}>
              <Composer
                onSend={(body) => {
                  social.typing.stop();
                  engine.send(id, body);
                }}
              />
            </TypingReporter>
          </ComposerGate>
        </>
      )}
    </section>
  );
}
