'use client';
// The "edited" label; a click shows every version of the message, oldest first, from
// GET /api/messages/:id/history (fetched each time: an edit may have landed since).
import { useRef, useState } from 'react';
import { useMessageActions } from '@/components/message-features-provider';
import { Popover } from '@/components/ui/popover';
import type { Version } from '@/client/message-api';
import type { Message } from '@/lib/types';
import { timeLabel } from '@/lib/time';

export function EditedLabel({ message }: { message: Message }) {
  const actions = useMessageActions();
  const button = useRef<HTMLButtonElement>(null);
  const [versions, setVersions] = useState<Version[] | 'loading' | 'error' | null>(null);
  const open = versions !== null;
  function toggle() {
    if (open) return setVersions(null);
    setVersions('loading');
    actions.history(message).then(setVersions, () => setVersions('error'));
  }
  return (
    <>
      <button
        ref={button}
        type="button"
        onClick={toggle}
        aria-expanded={open}
        data-testid="edited-label"
        className="ml-1 align-baseline text-[11px] text-zinc-400 hover:text-zinc-600 hover:underline dark:hover:text-zinc-300"
      >
        (edited)
      </button>
      {open && button.current && (
        <Popover anchor={button.current} onClose={() => setVersions(null)} label="Edit history" testId="edit-history">
          <div className="w-72 max-w-[80vw] p-1.5">
            <h3 className="px-1 pb-1.5 text-xs font-semibold text-zinc-500 uppercase">Edit history</h3>
            {versions === 'loading' && <p className="px-1 py-2 text-sm text-zinc-500">Loading…</p>}
            {versions === 'error' && <p className="px-1 py-2 text-sm text-red-600">Could not load the history.</p>}
            {Array.isArray(versions) && (
              <ol className="scroll-thin max-h-72 space-y-1 overflow-y-auto">
                {versions.map((v, i) => (
                  <li key={i} className="rounded-lg px-2 py-1.5 odd:bg-zinc-50 dark:odd:bg-zinc-800/50" data-testid="edit-version">
                    <p className="text-[11px] text-zinc-500">
                      {i === 0 ? 'Original' : i === versions.length - 1 ? 'Current' : `Edit ${i}`} ·{' '}
                      <time dateTime={v.createdAt}>{timeLabel(v.createdAt)}</time>
                    </p>
                    <p className="text-sm break-words whitespace-pre-wrap" data-testid="edit-version-body">
                      {v.body}
                    </p>
                  </li>
                ))}
              </ol>
            )}
          </div>
        </Popover>
      )}
    </>
  );
}
