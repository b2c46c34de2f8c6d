'use client';
// An image at full size over everything: Esc, the ✕ or a click beside the image closes it,
// focus stays inside while it is open and goes back to the preview that opened it. The
// download link saves the original (same origin: the `download` attribute is honoured).
import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { CloseIcon, DownloadIcon } from '@/components/ui/icons';
import type { FileInfo } from '@/lib/attachments';
import { formatBytes } from '@/lib/file-size';
import { keepTabInside } from '@/lib/focus-trap';

export function ImageLightbox({ file, onClose }: { file: FileInfo; onClose(): void }) {
  const box = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const [loaded, setLoaded] = useState(false);
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    closeButton.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      close.current();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      opener?.focus?.();
    };
  }, []);

  return createPortal(
    <div
      ref={box}
      role="dialog"
      aria-modal="true"
      aria-label={file.name}
      data-testid="lightbox"
      onKeyDown={(e) => keepTabInside(e, box.current)}
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
      className="fixed inset-0 z-50 flex flex-col bg-zinc-950/90 backdrop-blur-sm"
    >
      <div className="flex shrink-0 items-center gap-3 px-4 py-3 text-white">
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-medium">{file.name}</p>
          <p className="text-xs text-white/60 tabular-nums">
            {file.width && file.height ? `${file.width} × ${file.height} · ` : ''}
            {formatBytes(file.size)}
          </p>
        </div>
        <a
          href={file.url}
          download={file.name}
          data-testid="lightbox-download"
          className="flex h-9 items-center gap-1.5 rounded-lg px-3 text-sm font-medium text-white/90 hover:bg-white/10"
        >
          <DownloadIcon width={18} height={18} /> Download
        </a>
        <button
          ref={closeButton}
          type="button"
          onClick={onClose}
          aria-label="Close"
          data-testid="lightbox-close"
          className="flex h-9 w-9 items-center justify-center rounded-lg text-white/90 hover:bg-white/10"
        >
          <CloseIcon width={20} height={20} />
        </button>
      </div>
      <div
        className="flex min-h-0 flex-1 items-center justify-center p-4 pt-0"
        onMouseDown={(e) => e.target === e.currentTarget && onClose()}
      >
        {!loaded && (
          <div className="absolute h-6 w-6 animate-spin rounded-full border-2 border-white/30 border-t-white" role="status" aria-label="Loading image" />
        )}
        {/* width/height give the box its proportions before the bytes arrive. */}
        <img
          src={file.url}
          alt={file.name}
          width={file.width}
          height={file.height}
          onLoad={() => setLoaded(true)}
          data-testid="lightbox-image"
          className={`max-h-full max-w-full rounded-md object-contain shadow-2xl transition-opacity ${loaded ? 'opacity-100' : 'opacity-0'}`}
          style={{ height: 'auto' }}
        />
      </div>
    </div>,
    document.body,
  );
}
