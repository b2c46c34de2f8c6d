'use client';
// Enter sends, Shift+Enter adds a line (and so does Enter while an IME is composing).
// Esc drops the quoted reply; ↑ in an empty composer edits one's last message.
import { useEffect, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { MAX_BODY_CHARS } from '@/lib/validation';
import { SendIcon } from '@/components/ui/icons';

export function Composer({
  onSend,
  header,
  focusToken,
  onEscape,
  onEditLast,
}: {
  onSend(body: string): void;
  /** Shown above the text box (the quoted reply). */
  header?: ReactNode;
  /** Focus the text box whenever this changes (a reply was started, an edit ended). */
  focusToken?: unknown;
  onEscape?(): void;
  /** ↑ in an empty box: true when there was a message to edit. */
  onEditLast?(): boolean;
}) {
  const [text, setText] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);
  const body = text.trim();
  const length = [...body].length;
  const tooLong = length > MAX_BODY_CHARS;

  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [text]);
  // Ready to type on a wide screen; on a phone, focusing would pop the keyboard over the
  // history the reader came to see.
  useLayoutEffect(() => {
    if (window.matchMedia('(min-width: 768px)').matches) area.current?.focus();
  }, []);

  useEffect(() => {
    if (focusToken) area.current?.focus();
  }, [focusToken]);

  function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!body || tooLong) return;
    onSend(body);
    setText('');
    area.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape' && onEscape) {
      onEscape();
    } else if (e.key === 'ArrowUp' && text === '' && onEditLast?.()) {
      e.preventDefault();
    }
  }

  return (
    <form onSubmit={submit} className="shrink-0 px-3 pt-1 pb-3 sm:px-5 sm:pb-4">
      {header}
      <div className="flex items-end gap-2 rounded-xl border border-zinc-300 bg-white px-3 py-2 shadow-xs transition focus-within:border-accent-500 focus-within:ring-3 focus-within:ring-accent-500/15 dark:border-zinc-700 dark:bg-zinc-900">
        <textarea
          ref={area}
          rows={1}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder="Write a message"
          aria-label="Message"
          aria-describedby={tooLong ? 'composer-limit' : undefined}
          data-testid="composer"
          className="scroll-thin max-h-[200px] min-h-[24px] flex-1 resize-none bg-transparent py-1 text-[15px] leading-6 outline-none placeholder:text-zinc-400"
        />
        <button
          type="submit"
          disabled={!body || tooLong}
          aria-label="Send"
          data-testid="send"
          className="mb-0.5 flex h-8 w-8 shrink-0 items-center justify-center rounded-lg bg-accent-600 text-white transition hover:bg-accent-700 disabled:bg-zinc-200 disabled:text-zinc-400 dark:disabled:bg-zinc-800 dark:disabled:text-zinc-500"
        >
          <SendIcon width={16} height={16} />
        </button>
      </div>
      <p className="mt-1.5 hidden px-1 text-[11px] text-zinc-400 sm:block">
        {tooLong ? (
          <span id="composer-limit" className="text-red-600">
            {length - MAX_BODY_CHARS} characters over the {MAX_BODY_CHARS} limit
          </span>
        ) : (
          <>
            <kbd className="font-sans">Enter</kbd> to send · <kbd className="font-sans">Shift + Enter</kbd> for a new line
          </>
        )}
      </p>
    </form>
  );
}
