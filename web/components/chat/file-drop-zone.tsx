'use client';
// Files dragged over the conversation: an overlay says where they will go, and a drop hands
// them to `onFiles`. Only drags that carry files count (a dragged link or text selection
// does not raise the overlay). Entering and leaving child elements fire their own drag
// events, so a depth counter tells when the drag really left.
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { UploadIcon } from '@/components/ui/icons';

function carriesFiles(e: DragEvent): boolean {
  return [...e.dataTransfer.types].includes('Files');
}

export function FileDropZone({
  enabled,
  label,
  onFiles,
  children,
}: {
  /** Off where nothing can be sent (a blocked DM, a group one has left). */
  enabled: boolean;
  /** Where the files go, e.g. "Send to bob". */
  label: string;
  onFiles(files: File[]): void;
  children: ReactNode;
}) {
  const depth = useRef(0);
  const [over, setOver] = useState(false);

  const reset = () => {
    depth.current = 0;
    setOver(false);
  };

  return (
    <div
      className="relative flex min-h-0 flex-1 flex-col"
      onDragEnter={(e) => {
        if (!enabled || !carriesFiles(e)) return;
        e.preventDefault();
        depth.current += 1;
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!enabled || !carriesFiles(e)) return;
        e.preventDefault(); // without it the browser opens the file instead of dropping here
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        if (!enabled || !carriesFiles(e)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(e) => {
        if (!enabled || !carriesFiles(e)) return;
        e.preventDefault();
        reset();
        const files = [...e.dataTransfer.files];
        if (files.length) onFiles(files);
      }}
    >
      {children}
      {over && (
        <div
          data-testid="drop-overlay"
          aria-hidden="true"
          className="pointer-events-none absolute inset-2 z-30 flex flex-col items-center justify-center gap-2 rounded-2xl border-2 border-dashed border-accent-500 bg-white/85 text-accent-700 backdrop-blur-[2px] dark:bg-zinc-950/85 dark:text-accent-300"
        >
          <UploadIcon width={32} height={32} />
          <p className="text-sm font-semibold">Drop files to upload</p>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">{label}</p>
        </div>
      )}
    </div>
  );
}
