'use client';
import { m } from 'framer-motion';
import { memo, useCallback, useEffect, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import { Avatar } from '@/components/ui/avatar';
import { RetryIcon } from '@/components/ui/icons';
import { useMessageActions, useMessageUi, useMessageUiApi } from '@/components/message-features-provider';
import { isDeleted, isEdited, reactionsOf, replyOf, resolveReply } from '@/lib/message-meta';
import type { Message } from '@/lib/types';
import { timeLabel } from '@/lib/time';
import { messageSummary } from '@/lib/attachments';
import { MessageBody } from './message-body';
import { MessageAttachments } from './message-attachments';
import { MessageToolbar } from './message-toolbar';
import { ReactionChips } from './reaction-chips';
import { ReplyQuote } from './reply-quote';
import { MessageEditBox } from './message-edit-box';
import { EditedLabel } from './edit-history';
import { DeleteMessageDialog } from './delete-message-dialog';
import { MessageReceipt, receiptId } from './message-receipt';
import type { ItemRow } from './timeline-rows';

const FRESH_MS = 10_000;
const LONG_PRESS_MS = 450;

export const MessageRow = memo(function MessageRow({
  row,
  name,
  mine,
  me,
  canModerate,
  original,
  highlighted,
  measureRef,
  onRetry,
  onOpenOriginal,
}: {
  row: ItemRow;
  name: string;
  mine: boolean;
  me: string | undefined;
  /** A group admin: may delete other people's messages too. */
  canModerate: boolean;
  /** The message this one replies to, when the timeline holds it (its latest state). */
  original: Message | undefined;
  highlighted: boolean;
  measureRef?: Ref<HTMLLIElement>;
  onRetry(clientMsgId: string): void;
  onOpenOriginal(seq: number): void;
}) {
  const message = row.message;
  const deleted = message ? isDeleted(message) : false;
  const actions = useMessageActions();
  const ui = useMessageUiApi();
  const editing = useMessageUi((s) => !!message && s.editingId === message.id);
  const [pinned, setPinned] = useState(false); // toolbar held open by a long press
  const [picking, setPicking] = useState(false); // its reaction picker (portalled) is open
  // The toolbar exists only for the row under the pointer or holding focus: 60 rows on
  // screen would otherwise put ~500 hidden buttons in the DOM and in the Tab order.
  // Pointer and focus apart: a focused chip that disappears (its last reaction taken back)
  // blurs the row while the pointer is still on it.
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const press = useRef<ReturnType<typeof setTimeout> | null>(null);
  const longPressed = useRef(false); // the current touch opened the toolbar
  const self = useRef<HTMLLIElement | null>(null);
  // Stable, so that React does not detach and re-attach (and re-measure) on every render.
  const setRef = useCallback(
    (el: HTMLLIElement | null) => {
      self.current = el;
      if (typeof measureRef === 'function') measureRef(el);
    },
    [measureRef],
  );

  useEffect(() => {
    if (!pinned) return;
    const away = (e: PointerEvent) => {
      if (!self.current?.contains(e.target as Node)) setPinned(false);
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [pinned]);

  const reply = message ? replyOf(message) : (row.replyTo ?? null);
  const shownReply = reply ? resolveReply(reply, original) : null;
  const actionable = !!message && !deleted && !editing && message.type !== 'system';
  const canDelete = mine || canModerate;
  // My sent messages say how far they got; the row's description reads it out.
  const receiptShown = mine && !!me && !!message && !deleted && row.status === 'sent';
  const files = row.attachments ?? [];
  // A file sent without a caption has an empty body: the row still has something to say.
  const spoken = row.body || (message ? messageSummary(message) : '');
  const react = (emoji: string) => message && void actions.toggleReaction(message, emoji).catch(() => {});

  function onKeyDown(e: KeyboardEvent<HTMLLIElement>) {
    if (e.target !== e.currentTarget || !actionable || !message) return;
    if (e.key === 'r') {
      e.preventDefault();
      ui.getState().startReply(message);
    } else if (e.key === 'e' && mine) {
      e.preventDefault();
      ui.getState().startEdit(message.id);
    } else if ((e.key === 'Delete' || e.key === 'Backspace') && canDelete) {
      e.preventDefault();
      setConfirming(true);
    }
  }

  // Only messages that arrive while the conversation is open slide in; history does not.
  const fresh = Date.now() - Date.parse(row.createdAt) < FRESH_MS;
  return (
    <m.li
      ref={setRef}
      initial={fresh ? { opacity: 0, y: 6 } : false}
      animate={{ opacity: 1, y: 0 }}
      transition={{ duration: 0.18, ease: 'easeOut' }}
      data-testid="message"
      data-seq={row.seq}
      data-message-id={message?.id}
      data-status={row.status}
      data-mine={mine || undefined}
      data-deleted={deleted || undefined}
      data-highlighted={highlighted || undefined}
      tabIndex={actionable ? 0 : undefined}
      aria-label={actionable ? `${name}: ${spoken}` : undefined}
      aria-describedby={receiptShown ? receiptId(message.id) : undefined}
      onKeyDown={onKeyDown}
      onMouseOver={() => setHovered(true)}
      onMouseLeave={() => setHovered(false)}
      onFocus={() => setFocused(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocused(false);
      }}
      onTouchStart={() => {
        longPressed.current = false;
        if (!actionable) return;
        press.current = setTimeout(() => {
          longPressed.current = true;
          setPinned(true);
        }, LONG_PRESS_MS);
      }}
      onTouchEnd={(e) => {
        if (press.current) clearTimeout(press.current);
        // The toolbar may have opened under the finger: lifting it must not click a button
        // there (the browser still counts a press this short as a tap).
        if (longPressed.current) e.preventDefault();
      }}
      onTouchMove={() => press.current && clearTimeout(press.current)}
      onContextMenu={(e) => {
        if (pinned) e.preventDefault(); // the long press opened our menu, not the browser's
      }}
      className={`group relative flex gap-3 px-5 outline-none hover:bg-zinc-50 focus-visible:bg-accent-50/60 dark:hover:bg-zinc-900/50 dark:focus-visible:bg-accent-500/10 ${
        row.head ? 'mt-3 pt-1' : ''
      } ${highlighted ? 'message-flash' : ''} ${editing ? 'bg-accent-50/50 dark:bg-accent-500/5' : ''}`}
    >
      <div className="w-9 shrink-0">
        {row.head ? (
          <Avatar name={name} size={36} />
        ) : (
          <time
            dateTime={row.createdAt}
            className="invisible -ml-3 block pt-0.5 text-right text-[10px] leading-6 whitespace-nowrap text-zinc-400 tabular-nums group-hover:visible"
          >
            {timeLabel(row.createdAt)}
          </time>
        )}
      </div>
      <div className="min-w-0 flex-1 pb-0.5">
        {row.head && (
          <div className="flex items-baseline gap-2">
            <span className="text-sm font-semibold" data-testid="message-author">
              {name}
            </span>
            <time dateTime={row.createdAt} className="text-[11px] text-zinc-500 tabular-nums dark:text-zinc-400">
              {timeLabel(row.createdAt)}
            </time>
          </div>
        )}
        {shownReply && !deleted && (
          <ReplyQuote reply={shownReply} onOpen={message ? () => onOpenOriginal(shownReply.seq) : undefined} />
        )}
        {deleted ? (
          <p className="text-[15px] leading-6 text-zinc-400 italic" data-testid="message-deleted">
            This message was deleted
          </p>
        ) : editing && message ? (
          <MessageEditBox
            initial={message.body}
            onCancel={() => ui.getState().stopEdit()}
            onSave={async (body) => {
              await actions.edit(message, body);
              ui.getState().stopEdit();
            }}
          />
        ) : (
          <div>
            {/* Inline, so that "(edited)" follows the last line of text. */}
            {(row.body || files.length === 0) && (
              <MessageBody
                body={row.body}
                className={`${message && isEdited(message) ? 'inline' : ''} ${
                  row.status === 'pending' ? 'text-zinc-500 dark:text-zinc-400' : ''
                }`}
              />
            )}
            {message && isEdited(message) && <EditedLabel message={message} />}
            {files.length > 0 && <MessageAttachments files={files} />}
          </div>
        )}
        {message && !deleted && <ReactionChips reactions={reactionsOf(message)} me={me} onToggle={react} />}
        {row.status === 'pending' && (
          <p className="text-[11px] text-zinc-400" data-testid="message-pending">
            Sending…
          </p>
        )}
        {row.status === 'failed' && row.clientMsgId && (
          <p className="flex items-center gap-2 text-xs text-red-600 dark:text-red-400" role="alert">
            <span>Not sent{row.error ? `: ${row.error}` : ''}</span>
            <button
              type="button"
              onClick={() => onRetry(row.clientMsgId as string)}
              data-testid="message-retry"
              className="inline-flex items-center gap-1 rounded-md px-1.5 py-0.5 font-medium hover:bg-red-50 dark:hover:bg-red-950/50"
            >
              <RetryIcon width={12} height={12} /> Retry
            </button>
          </p>
        )}
      </div>
      {receiptShown && (
        <div className="flex shrink-0 items-end pb-1">
          <MessageReceipt id={receiptId(message.id)} cid={message.conversationId} seq={message.seq} me={me} />
        </div>
      )}
      {actionable && message && (hovered || focused || pinned || picking) && (
        <MessageToolbar
          visible
          canEdit={mine && message.type === 'text'}
          canDelete={canDelete}
          onReact={react}
          onReply={() => {
            setPinned(false);
            ui.getState().startReply(message);
          }}
          onEdit={() => {
            setPinned(false);
            ui.getState().startEdit(message.id);
          }}
          onDelete={() => setConfirming(true)}
          onCopy={() => navigator.clipboard.writeText(message.body)}
          onPickerChange={setPicking}
        />
      )}
      {confirming && message && (
        <DeleteMessageDialog
          others={!mine}
          onConfirm={() => actions.remove(message)}
          onClose={() => {
            setConfirming(false);
            setPinned(false);
          }}
        />
      )}
    </m.li>
  );
});
