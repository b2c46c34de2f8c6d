'use client';
// The files chosen for the next message, above the composer's text box: each with its preview
// (images) or icon, name, size and progress bar while it uploads; ✕ cancels the transfer or
// removes the file; a failed one says why, with Dismiss, and Retry when sending it again may pass.
import { memo, useEffect, useMemo, useState } from 'react';
import { useUploadQueue, useUploadState } from '@/components/upload-provider';
import { CloseIcon, RetryIcon } from '@/components/ui/icons';
import { formatBytes } from '@/lib/file-size';
import { uploadProgress, uploadsIn, type UploadItem } from '@/stores/upload-store';
import { FileKindIcon } from './file-kind-icon';

export function UploadTray({ cid }: { cid: string }) {
  const all = useUploadState((s) => s.items);
  const items = useMemo(() => uploadsIn(all, cid), [all, cid]);
  if (items.length === 0) return null;
  return (
    <ul className="flex flex-wrap gap-2 px-1 pb-2" aria-label="Files to send" data-testid="upload-tray">
      {items.map((it) => (
        <UploadChip key={it.id} item={it} />
      ))}
    </ul>
  );
}

// An object URL for an image chosen here, revoked when the chip goes.
function useLocalPreview(file: File): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!file.type.startsWith('image/')) return;
    const u = URL.createObjectURL(file);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [file]);
  return url;
}

const UploadChip = memo(function UploadChip({ item }: { item: UploadItem }) {
  const queue = useUploadQueue();
  const preview = useLocalPreview(item.source);
  // A file that claims to be an image but is not (the server will say so) shows its icon.
  const [broken, setBroken] = useState(false);
  const name = item.source.name || 'file';
  const percent = Math.round(uploadProgress(item) * 100);
  const failed = item.status === 'failed';
  const moving = item.status === 'queued' || item.status === 'uploading';
  return (
    <li
      data-testid="upload-item"
      data-status={item.status}
      data-name={name}
      className={`relative flex w-64 max-w-full items-center gap-2.5 rounded-lg border p-2 pr-8 ${
        failed
          ? 'border-red-300 bg-red-50 dark:border-red-900 dark:bg-red-950/40'
          : 'border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900'
      }`}
    >
      {preview && !broken ? (
        <img src={preview} alt="" onError={() => setBroken(true)} className="h-10 w-10 shrink-0 rounded-md object-cover" />
      ) : (
        <FileKindIcon mime={item.file?.mime ?? item.source.type} />
      )}
      <div className="min-w-0 flex-1">
        <p className="truncate text-[13px] font-medium" title={name}>
          {name}
        </p>
        {failed ? (
          <p role="alert" className="text-[11px] leading-4 text-red-700 dark:text-red-300" data-testid="upload-error">
            {item.error}
          </p>
        ) : (
          <p className="text-[11px] text-zinc-500 tabular-nums dark:text-zinc-400">
            {item.status === 'done'
              ? formatBytes(item.source.size)
              : item.status === 'queued'
                ? `Waiting · ${formatBytes(item.source.size)}`
                : `${formatBytes(item.sent)} of ${formatBytes(item.source.size)}`}
          </p>
        )}
        {moving && (
          <div
            role="progressbar"
            aria-label={`Uploading ${name}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            data-testid="upload-progress"
            className="mt-1 h-1 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-700"
          >
            <div className="h-full rounded-full bg-accent-600 transition-[width] duration-150" style={{ width: `${percent}%` }} />
          </div>
        )}
        {failed && (
          <div className="mt-1 flex gap-1">
            {item.retryable && (
              <button
                type="button"
                onClick={() => queue.retry(item.id)}
                data-testid="upload-retry"
                className="inline-flex items-center gap-1 rounded-md px-1.5 py-0.5 text-[11px] font-medium text-red-700 hover:bg-red-100 dark:text-red-300 dark:hover:bg-red-900/40"
              >
                <RetryIcon width={11} height={11} /> Retry
              </button>
            )}
            <button
              type="button"
              onClick={() => queue.cancel(item.id)}
              data-testid="upload-dismiss"
              className="rounded-md px-1.5 py-0.5 text-[11px] font-medium text-zinc-600 hover:bg-red-100 dark:text-zinc-300 dark:hover:bg-red-900/40"
            >
              Dismiss
            </button>
          </div>
        )}
      </div>
      {!failed && (
        <button
          type="button"
          onClick={() => queue.cancel(item.id)}
          aria-label={moving ? `Cancel upload of ${name}` : `Remove ${name}`}
          data-testid="upload-cancel"
          className="absolute top-1.5 right-1.5 flex h-6 w-6 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
        >
          <CloseIcon width={14} height={14} />
        </button>
      )}
    </li>
  );
});
