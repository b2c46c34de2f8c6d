'use client';
// The files a message carries, in its row: images as previews (their box sized from the
// recorded width and height, so the row does not grow when the thumbnail arrives) that open
// the lightbox, other files as cards with their kind, name, size and a download link.
import { memo, useState } from 'react';
import { DownloadIcon } from '@/components/ui/icons';
import { isImageFile, previewBox, type FileInfo } from '@/lib/attachments';
import { formatBytes } from '@/lib/file-size';
import { FileKindIcon } from './file-kind-icon';
import { ImageLightbox } from './image-lightbox';

export const MessageAttachments = memo(function MessageAttachments({ files }: { files: FileInfo[] }) {
  const images = files.filter(isImageFile);
  const others = files.filter((f) => !isImageFile(f));
  return (
    <div className="mt-1 flex flex-col gap-1.5" data-testid="message-attachments">
      {images.length > 0 && (
        <div className="flex flex-wrap gap-1.5">
          {images.map((f) => (
            <ImagePreview key={f.id} file={f} />
          ))}
        </div>
      )}
      {others.map((f) => (
        <FileCard key={f.id} file={f} />
      ))}
    </div>
  );
});

function ImagePreview({ file }: { file: FileInfo }) {
  const [open, setOpen] = useState(false);
  const box = previewBox(file);
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-label={`Open image ${file.name}`}
        data-testid="image-preview"
        style={{ width: box.width, aspectRatio: `${box.width} / ${box.height}` }}
        className="block max-w-full overflow-hidden rounded-lg border border-zinc-200 bg-zinc-100 transition hover:brightness-95 focus-visible:ring-3 focus-visible:ring-accent-500/40 focus-visible:outline-none dark:border-zinc-800 dark:bg-zinc-800"
      >
        <img
          src={file.thumbUrl ?? file.url}
          alt={file.name}
          width={box.width}
          height={box.height}
          loading="lazy"
          decoding="async"
          draggable={false}
          className="h-full w-full object-cover"
        />
      </button>
      {open && <ImageLightbox file={file} onClose={() => setOpen(false)} />}
    </>
  );
}

function FileCard({ file }: { file: FileInfo }) {
  return (
    <div
      data-testid="file-card"
      className="flex w-80 max-w-full items-center gap-3 rounded-xl border border-zinc-200 bg-white p-2.5 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <FileKindIcon mime={file.mime} />
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium" title={file.name} data-testid="file-name">
          {file.name}
        </p>
        <p className="text-xs text-zinc-500 tabular-nums dark:text-zinc-400" data-testid="file-size">
          {formatBytes(file.size)}
        </p>
      </div>
      <a
        href={file.url}
        download={file.name}
        aria-label={`Download ${file.name}`}
        title="Download"
        data-testid="file-download"
        className="flex h-8 w-8 shrink-0 items-center justify-center rounded-lg text-zinc-500 transition hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
      >
        <DownloadIcon width={18} height={18} />
      </a>
    </div>
  );
}
