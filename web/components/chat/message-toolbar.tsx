'use client';
// The actions on one message, floating at its top right: shown on hover, when the row has
// keyboard focus, or after a long press on a touch screen.
import { useRef, useState } from 'react';
import { CheckIcon, ComposeIcon, CopyIcon, ReplyIcon, SmileIcon, TrashIcon } from '@/components/ui/icons';
import { QUICK_REACTIONS, ReactionPicker } from './reaction-picker';

export function MessageToolbar({
  visible,
  canEdit,
  canDelete,
  onReact,
  onReply,
  onEdit,
  onDelete,
  onCopy,
  onPickerChange,
}: {
  visible: boolean;
  canEdit: boolean;
  canDelete: boolean;
  onReact(emoji: string): void;
  onReply(): void;
  onEdit(): void;
  onDelete(): void;
  onCopy(): Promise<void>;
  onPickerChange(open: boolean): void;
}) {
  const more = useRef<HTMLButtonElement>(null);
  const [picker, setPicker] = useState(false);
  const [copied, setCopied] = useState(false);
  const openPicker = (open: boolean) => {
    setPicker(open);
    onPickerChange(open);
  };
  const button =
    'flex h-7 w-7 items-center justify-center rounded-md text-zinc-500 transition hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100';
  return (
    <div
      role="toolbar"
      aria-label="Message actions"
      data-testid="message-toolbar"
      className={`absolute -top-4 right-4 z-10 flex items-center gap-0.5 rounded-lg border border-zinc-200 bg-white p-0.5 shadow-sm transition-opacity dark:border-zinc-700 dark:bg-zinc-900 ${
        visible || picker
          ? 'opacity-100'
          : 'pointer-events-none opacity-0 group-hover:pointer-events-auto group-hover:opacity-100 group-focus-within:pointer-events-auto group-focus-within:opacity-100'
      }`}
    >
      {QUICK_REACTIONS.slice(0, 3).map((emoji) => (
        <button
          key={emoji}
          type="button"
          className={`${button} text-base`}
          onClick={() => onReact(emoji)}
          aria-label={`React with ${emoji}`}
          data-testid="quick-reaction"
          data-emoji={emoji}
        >
          {emoji}
        </button>
      ))}
      <button
        ref={more}
        type="button"
        className={button}
        onClick={() => openPicker(!picker)}
        aria-label="Add a reaction"
        aria-expanded={picker}
        data-testid="action-react"
      >
        <SmileIcon width={16} height={16} />
      </button>
      <button type="button" className={button} onClick={onReply} aria-label="Reply" title="Reply (R)" data-testid="action-reply">
        <ReplyIcon width={16} height={16} />
      </button>
      {canEdit && (
        <button type="button" className={button} onClick={onEdit} aria-label="Edit" title="Edit (E)" data-testid="action-edit">
          <ComposeIcon width={15} height={15} />
        </button>
      )}
      <button
        type="button"
        className={button}
        onClick={() =>
          void onCopy().then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1200);
          })
        }
        aria-label={copied ? 'Copied' : 'Copy text'}
        title="Copy text"
        data-testid="action-copy"
      >
        {copied ? <CheckIcon width={16} height={16} /> : <CopyIcon width={15} height={15} />}
      </button>
      {canDelete && (
        <button
          type="button"
          className={`${button} hover:text-red-600 dark:hover:text-red-400`}
          onClick={onDelete}
          aria-label="Delete"
          title="Delete"
          data-testid="action-delete"
        >
          <TrashIcon width={15} height={15} />
        </button>
      )}
      {picker && more.current && (
        <ReactionPicker anchor={more.current} onPick={onReact} onClose={() => openPicker(false)} />
      )}
    </div>
  );
}
