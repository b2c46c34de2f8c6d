'use client';
import { m } from 'framer-motion';
import { memo } from 'react';
import { Avatar } from '@/components/ui/avatar';
import { RetryIcon } from '@/components/ui/icons';
import { timeLabel } from '@/lib/time';
import { MessageBody } from './message-body';
import type { ItemRow } from './timeline-rows';
import { SystemNote } from './system-note';

const FRESH_MS = 10_000;

export const MessageRow = memo(function MessageRow({
  row,
  name,
  mine,
  onRetry,
}: {
  row: ItemRow;
  name: string;
  mine: boolean;
  onRetry(clientMsgId: string): void;
}) {
  if (row.type === 'system') return <SystemNote body={row.body} createdAt={row.createdAt} seq={row.seq} />;
  // Only messages that arrive while the conversation is open slide in; history does not.
  const fresh = Date.now() - Date.parse(row.createdAt) < FRESH_MS;
  return (
    <m.li
      initial={fresh ? { opacity: 0, y: 6 } : false}
      animate={{ opacity: 1, y: 0 }}
      transition={{ duration: 0.18, ease: 'easeOut' }}
      data-testid="message"
      data-seq={row.seq}
      data-status={row.status}
      data-mine={mine || undefined}
      className={`group relative flex gap-3 px-5 hover:bg-zinc-50 dark:hover:bg-zinc-900/50 ${row.head ? 'mt-3 pt-1' : ''}`}
    >
      <div className="w-9 shrink-0">
        {row.head ? (
          <Avatar name={name} size={36} />
        ) : (
          <time
            dateTime={row.createdAt}
            className="invisible -ml-3 block pt-0.5 text-right text-[10px] leading-6 whitespace-nowrap text-zinc-400 tabular-nums group-hover:visible"
          >
            {timeLabel(row.createdAt)}
          </time>
        )}
      </div>
      <div className="min-w-0 flex-1 pb-0.5">
        {row.head && (
          <div className="flex items-baseline gap-2">
            <span className="text-sm font-semibold" data-testid="message-author">
              {name}
            </span>
            <time dateTime={row.createdAt} className="text-[11px] text-zinc-500 tabular-nums dark:text-zinc-400">
              {timeLabel(row.createdAt)}
            </time>
          </div>
        )}
        <MessageBody
          body={row.body}
          className={row.status === 'pending' ? 'text-zinc-500 dark:text-zinc-400' : undefined}
        />
        {row.status === 'pending' && (
          <p className="text-[11px] text-zinc-400" data-testid="message-pending">
            Sending…
          </p>
        )}
        {row.status === 'failed' && row.clientMsgId && (
          <p className="flex items-center gap-2 text-xs text-red-600 dark:text-red-400" role="alert">
            <span>Not sent{row.error ? `: ${row.error}` : ''}</span>
            <button
              type="button"
              onClick={() => onRetry(row.clientMsgId as string)}
              data-testid="message-retry"
              className="inline-flex items-center gap-1 rounded-md px-1.5 py-0.5 font-medium hover:bg-red-50 dark:hover:bg-red-950/50"
            >
              <RetryIcon width={12} height={12} /> Retry
            </button>
          </p>
        )}
      </div>
    </m.li>
  );
});
