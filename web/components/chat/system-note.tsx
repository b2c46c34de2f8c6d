// A group's system message (joins, leaves, kicks, renames…): a quiet line in the middle of
// the timeline, not a message from someone.
import { memo, type Ref } from 'react';
import { timeLabel } from '@/lib/time';

export const SystemNote = memo(function SystemNote({
  body,
  createdAt,
  seq,
  measureRef,
}: {
  body: string;
  createdAt: string;
  seq?: number;
  /** The windowed list measures its rows through this. */
  measureRef?: Ref<HTMLLIElement>;
}) {
  return (
    <li ref={measureRef} className="flex justify-center px-5 py-1.5" data-testid="system-note" data-seq={seq}>
      <p className="max-w-[80%] rounded-full bg-zinc-100 px-3 py-1 text-center text-xs text-zinc-600 dark:bg-zinc-800/70 dark:text-zinc-300">
        {body}
        <time dateTime={createdAt} className="ml-1.5 text-zinc-400 tabular-nums">
          {timeLabel(createdAt)}
        </time>
      </p>
    </li>
  );
});
