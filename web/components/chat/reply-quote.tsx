'use client';
// The quoted original above a reply (or above the composer): its author and a preview.
// A click asks the list to scroll to the original and flash it.
import type { ReplyRef } from '@/lib/types';
import { useUserName } from '@/hooks/use-user-names';

export function ReplyQuote({ reply, onOpen }: { reply: ReplyRef; onOpen?(): void }) {
  const author = useUserName(reply.from);
  const content = (
    <>
      <span className="block text-[12px] font-semibold text-accent-700 dark:text-accent-400">{author}</span>
      <span
        className={`block truncate text-[13px] ${reply.deleted ? 'text-zinc-400 italic' : 'text-zinc-600 dark:text-zinc-400'}`}
        data-testid="reply-preview"
      >
        {reply.deleted ? 'Original message was deleted' : reply.preview}
      </span>
    </>
  );
  const className =
    'mb-1 block w-full max-w-md rounded-md border-l-2 border-accent-500/70 bg-zinc-100/80 px-2.5 py-1 text-left dark:bg-zinc-800/60';
  return onOpen ? (
    <button
      type="button"
      onClick={onOpen}
      className={`${className} transition hover:bg-zinc-200/70 dark:hover:bg-zinc-800`}
      aria-label={`Reply to ${author}: ${reply.deleted ? 'deleted message' : reply.preview}. Show the original`}
      data-testid="reply-quote"
      data-reply-seq={reply.seq}
    >
      {content}
    </button>
  ) : (
    <div className={className} data-testid="reply-quote" data-reply-seq={reply.seq}>
      {content}
    </div>
  );
}
