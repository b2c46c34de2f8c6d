// A file's icon in cards and the upload tray: a page in the colour of its kind, with a short
// label (PDF, ZIP, DOC…), so a glance tells a spreadsheet from a song.
import { fileKind, type FileKind } from '@/lib/attachments';

const LOOK: Record<FileKind, { label: string; tint: string }> = {
  image: { label: 'IMG', tint: 'bg-sky-500' },
  pdf: { label: 'PDF', tint: 'bg-red-500' },
  audio: { label: 'AUD', tint: 'bg-fuchsia-500' },
  video: { label: 'VID', tint: 'bg-violet-500' },
  archive: { label: 'ZIP', tint: 'bg-amber-500' },
  document: { label: 'DOC', tint: 'bg-blue-600' },
  spreadsheet: { label: 'XLS', tint: 'bg-emerald-600' },
  slides: { label: 'PPT', tint: 'bg-orange-500' },
  text: { label: 'TXT', tint: 'bg-zinc-500' },
  other: { label: 'FILE', tint: 'bg-zinc-400' },
};

export function FileKindIcon({ mime, size = 40 }: { mime: string; size?: number }) {
  const kind = fileKind(mime);
  const look = LOOK[kind];
  return (
    <span
      aria-hidden="true"
      data-kind={kind}
      data-testid="file-kind-icon"
      style={{ width: size, height: size }}
      className={`relative flex shrink-0 items-end justify-center rounded-lg pb-1.5 text-[9px] font-bold tracking-wide text-white ${look.tint}`}
    >
      {/* The folded corner of a page. */}
      <span className="absolute top-0 right-0 h-2.5 w-2.5 rounded-bl-md bg-white/35" />
      {look.label}
    </span>
  );
}
