'use client';
import { useCallback, useRef, useState } from 'react';
import { useChat, useChatStoreApi } from '@/components/chat-store-provider';
import { useEngine } from '@/components/chat-engine-provider';
import { useMessageUi, useMessageUiApi } from '@/components/message-features-provider';
import { useSocialEngine } from '@/components/social-provider';
import { useUploadQueue } from '@/components/upload-provider';
import { conversationTitle } from '@/stores/chat-store';
import { Avatar } from '@/components/ui/avatar';
import { BackIcon, SearchIcon } from '@/components/ui/icons';
import { IconButton } from '@/components/ui/icon-button';
import { isDeleted, replyRefFor } from '@/lib/message-meta';
import { usePresence } from '@/hooks/use-presence';
import { useReadAtBottom } from '@/hooks/use-read-at-bottom';
import { MessageList } from './message-list';
import { Composer } from './composer';
import { FileDropZone } from './file-drop-zone';
import { ComposerGate } from './composer-gate';
import { ReplyBar } from './reply-bar';
import { NotificationMenu } from './notification-menu';
import { TypingReporter } from './typing-reporter';
import { TypingIndicator } from './typing-indicator';
import { HeaderActions, HeaderSubtitle } from './conversation-header-social';
import { CallButton } from '@/components/calls/call-button';

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
  const social = useSocialEngine();
  const uploads = useUploadQueue();
  // Whether the composer is on screen (ComposerGate may stand in its place): drops need it.
  const [composerShown, setComposerShown] = useState(false);
  const conversation = useChat((s) => s.conversations[id]);
  const me = useChat((s) => s.me);
  const replyingTo = useMessageUi((s) => s.replyingTo[id]);
  const editsEnded = useMessageUi((s) => s.editsEnded);
  const title = conversation ? conversationTitle(conversation, me?.id) : '';
  const presence = usePresence(conversation?.peer?.id);
  const section = useRef<HTMLElement>(null);
  useReadAtBottom(section, id);

  const send = useCallback(
    (body: string, withFiles: boolean) => {
      social.typing.stop();
      const original = ui.getState().replyingTo[id];
      const reply = original ? replyRefFor(original) : undefined;
      const files = withFiles ? uploads.takeReady(id) : [];
      if (files.length > 0) engine.sendFiles(id, body, files, reply);
      else if (body) engine.send(id, body, reply);
      ui.getState().cancelReply(id);
    },
    [engine, social, ui, uploads, id],
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
        <CallButton cid={id} />
        <IconButton label="Search messages (Ctrl+K)" data-testid="open-search" onClick={() => ui.getState().setSearchOpen(true)}>
          <SearchIcon width={18} height={18} />
        </IconButton>
        <NotificationMenu conversationId={id} />
        <HeaderActions cid={id} peer={conversation?.peer} onLeft={onBack} />
      </header>
      {unavailable ? (
        <div className="flex flex-1 items-center justify-center p-8 text-center" role="alert">
          <p className="max-w-xs text-sm text-zinc-500 dark:text-zinc-400" data-testid="conversation-unavailable">
            This conversation is not available. It may not exist, or you are not part of it.
          </p>
        </div>
      ) : (
        <FileDropZone enabled={composerShown} label={`Send to ${title}`} onFiles={(files) => uploads.add(id, files)}>
          <MessageList id={id} />
          <TypingIndicator cid={id} />
          <ComposerGate cid={id} onDismissed={onBack}>
            <TypingReporter cid={id}>
              <Composer
                cid={id}
                onShownChange={setComposerShown}
                onSend={send}
                header={<ReplyBar conversationId={id} />}
                focusToken={replyingTo ?? (editsEnded || undefined)}
                onEscape={() => ui.getState().cancelReply(id)}
                onEditLast={editLast}
              />
            </TypingReporter>
          </ComposerGate>
        </FileDropZone>
      )}
    </section>
  );
}
