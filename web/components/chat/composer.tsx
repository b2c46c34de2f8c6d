'use client';
// Enter sends, Shift+Enter adds a line (and so does Enter while an IME is composing).
// Esc drops the quoted reply; ↑ in an empty composer edits one's last message.
// Files come in by the paperclip, by pasting, or dropped on the conversation (FileDropZone):
// they upload at once into the tray above the text box, and Send sends them with the text as
// their caption once every one of them has finished (a failed one stays behind to retry).
import {
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { MAX_BODY_CHARS } from '@/lib/validation';
import { PaperclipIcon, SendIcon } from '@/components/ui/icons';
import { useUploadQueue, useUploadState } from '@/components/upload-provider';
import { isInFlight, uploadsIn } from '@/stores/upload-store';
import { UploadTray } from './upload-tray';

export function Composer({
  cid,
  onShownChange,
  onSend,
  header,
  focusToken,
  onEscape,
  onEditLast,
}: {
  /** The conversation: its uploads are the ones shown and sent here. */
  cid: string;
  /** Told true while the composer is mounted (drops onto the conversation need it). */
  onShownChange?(shown: boolean): void;
  /** The text, and whether uploaded files wait in the tray (the caller takes them). */
  onSend(body: string, withFiles: boolean): void;
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
  const picker = useRef<HTMLInputElement>(null);
  const queue = useUploadQueue();
  const allUploads = useUploadState((s) => s.items);
  const uploads = useMemo(() => uploadsIn(allUploads, cid), [allUploads, cid]);
  const ready = uploads.filter((u) => u.status === 'done').length;
  const uploading = uploads.filter(isInFlight).length;
  const body = text.trim();
  const length = [...body].length;
  const tooLong = length > MAX_BODY_CHARS;
  const canSend = (!!body || ready > 0) && !tooLong && uploading === 0;

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

  useEffect(() => {
    onShownChange?.(true);
    return () => onShownChange?.(false);
  }, [onShownChange]);

  function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!canSend) return;
    onSend(body, ready > 0);
    setText('');
    area.current?.focus();
  }

  // Pasted files (a screenshot, files copied in a file manager) upload; pasted text is text.
  function onPaste(e: ClipboardEvent<HTMLTextAreaElement>) {
    const files = [...e.clipboardData.files];
    if (files.length === 0) return;
    e.preventDefault();
    queue.add(cid, files);
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
      <UploadTray cid={cid} />
      <div className="flex items-end gap-2 rounded-xl border border-zinc-300 bg-white py-2 pr-3 pl-1.5 shadow-xs transition focus-within:border-accent-500 focus-within:ring-3 focus-within:ring-accent-500/15 dark:border-zinc-700 dark:bg-zinc-900">
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          tabIndex={-1}
          data-testid="file-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = ''; // choosing the same file again still fires change
            if (files.length) queue.add(cid, files);
          }}
        />
        <button
          type="button"
          onClick={() => picker.current?.click()}
          aria-label="Attach files"
          title="Attach files"
          data-testid="attach"
          className="mb-0.5 flex h-8 w-8 shrink-0 items-center justify-center rounded-lg text-zinc-500 transition hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
        >
          <PaperclipIcon width={18} height={18} />
        </button>
        <textarea
          ref={area}
          rows={1}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          placeholder={ready > 0 || uploading > 0 ? 'Add a caption' : 'Write a message'}
          aria-label="Message"
          aria-describedby={tooLong ? 'composer-limit' : undefined}
          data-testid="composer"
          className="scroll-thin max-h-[200px] min-h-[24px] flex-1 resize-none bg-transparent py-1 text-[15px] leading-6 outline-none placeholder:text-zinc-400"
        />
        <button
          type="submit"
          disabled={!canSend}
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
        ) : uploading > 0 ? (
          <span data-testid="composer-uploading">
            Uploading {uploading} {uploading === 1 ? 'file' : 'files'}… you can send once {uploading === 1 ? 'it is' : 'they are'} done
          </span>
        ) : (
          <>
            <kbd className="font-sans">Enter</kbd> to send{ready > 0 ? ` ${ready === 1 ? 'the file' : `${ready} files`}` : ''} ·{' '}
            <kbd className="font-sans">Shift + Enter</kbd> for a new line
          </>
        )}
      </p>
    </form>
  );
}
