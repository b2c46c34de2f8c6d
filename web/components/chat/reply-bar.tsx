'use client';
// "Replying to …" above the composer, with the quote and a cancel button (or Esc).
import { useMessageUi, useMessageUiApi } from '@/components/message-features-provider';
import { CloseIcon } from '@/components/ui/icons';
import { replyRefFor } from '@/lib/message-meta';
import { ReplyQuote } from './reply-quote';

export function ReplyBar({ conversationId }: { conversationId: string }) {
  const ui = useMessageUiApi();
  const original = useMessageUi((s) => s.replyingTo[conversationId]);
  if (!original) return null;
  return (
    <div className="mb-1.5 flex items-start gap-2 px-1" data-testid="reply-bar">
      <div className="min-w-0 flex-1">
        <p className="mb-0.5 text-[11px] font-medium text-zinc-500">Replying to</p>
        <ReplyQuote reply={replyRefFor(original)} />
      </div>
      <button
        type="button"
        onClick={() => ui.getState().cancelReply(conversationId)}
        aria-label="Cancel reply"
        data-testid="reply-cancel"
        className="mt-4 flex h-7 w-7 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
      >
        <CloseIcon width={14} height={14} />
      </button>
    </div>
  );
}
