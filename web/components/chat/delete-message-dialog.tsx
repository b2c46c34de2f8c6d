'use client';
// "Delete this message?": a modal that keeps focus inside and answers Esc.
import { useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { keepTabInside } from '@/lib/focus-trap';

export function DeleteMessageDialog({
  others,
  onConfirm,
  onClose,
}: {
  /** An admin deleting someone else's message: say so. */
  others: boolean;
  onConfirm(): Promise<void>;
  onClose(): void;
}) {
  const titleId = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    cancel.current?.focus();
    return () => opener?.focus({ preventScroll: true });
  }, []);
  async function confirm() {
    setBusy(true);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not delete');
      setBusy(false);
    }
  }
  return createPortal(
    <div
      className="fixed inset-0 z-50 flex items-center justify-center bg-zinc-950/40 px-4 backdrop-blur-[2px]"
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
    >
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="delete-dialog"
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
          else keepTabInside(e, e.currentTarget);
        }}
        className="w-full max-w-sm rounded-2xl border border-zinc-200 bg-white p-5 shadow-2xl dark:border-zinc-800 dark:bg-zinc-900"
      >
        <h2 id={titleId} className="text-base font-semibold">
          Delete message?
        </h2>
        <p className="mt-1.5 text-sm text-zinc-500 dark:text-zinc-400">
          {others ? 'It will be deleted for every member of the group.' : 'It will be deleted for everyone.'} Its
          text and edit history are gone for good; a note keeps its place.
        </p>
        {error && (
          <p role="alert" className="mt-2 text-sm text-red-600">
            {error}
          </p>
        )}
        <div className="mt-5 flex justify-end gap-2">
          <button
            ref={cancel}
            type="button"
            onClick={onClose}
            className="h-9 rounded-lg px-3.5 text-sm font-medium text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
          >
            Cancel
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => void confirm()}
            data-testid="delete-confirm"
            className="h-9 rounded-lg bg-red-600 px-3.5 text-sm font-medium text-white hover:bg-red-700 disabled:opacity-60"
          >
            Delete
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
