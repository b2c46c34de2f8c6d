'use client';
// Inline editing of one's own message: Enter saves, Shift+Enter adds a line, Esc cancels.
import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { MAX_BODY_CHARS } from '@/lib/validation';

export function MessageEditBox({
  initial,
  onSave,
  onCancel,
}: {
  initial: string;
  onSave(body: string): Promise<void>;
  onCancel(): void;
}) {
  const [text, setText] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [text]);
  useLayoutEffect(() => {
    const el = area.current;
    el?.focus({ preventScroll: true });
    el?.setSelectionRange(el.value.length, el.value.length);
  }, []);

  const body = text.trim();
  const tooLong = [...body].length > MAX_BODY_CHARS;
  async function save() {
    if (!body || tooLong || saving) return;
    setSaving(true);
    try {
      await onSave(body);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not save');
      setSaving(false);
    }
  }
  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void save();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onCancel();
    }
  }
  return (
    <div className="py-1">
      <textarea
        ref={area}
        value={text}
        rows={1}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        aria-label="Edit message"
        data-testid="edit-box"
        className="scroll-thin w-full resize-none rounded-lg border border-accent-500 bg-white px-3 py-1.5 text-[15px] leading-6 outline-none ring-3 ring-accent-500/15 dark:bg-zinc-900"
      />
      <p className="mt-1 flex gap-3 text-[11px] text-zinc-500">
        {error ? (
          <span role="alert" className="text-red-600">{error}</span>
        ) : (
          <span>
            <kbd className="font-sans">Esc</kbd> to{' '}
            <button type="button" className="text-accent-600 hover:underline dark:text-accent-400" onClick={onCancel}>
              cancel
            </button>{' '}
            · <kbd className="font-sans">Enter</kbd> to{' '}
            <button
              type="button"
              className="text-accent-600 hover:underline dark:text-accent-400"
              onClick={() => void save()}
              data-testid="edit-save"
            >
              save
            </button>
          </span>
        )}
        {tooLong && <span className="text-red-600">Over the {MAX_BODY_CHARS} character limit</span>}
      </p>
    </div>
  );
}
