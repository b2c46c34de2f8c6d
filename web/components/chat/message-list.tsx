'use client';
// The scrolling history of one conversation. Scrolled to the newest message on open and
// when new ones arrive while the reader is at the bottom; scrolling to the top loads the
// page before (before=) and keeps the reader's place.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';
import { useChat } from '@/components/chat-store-provider';
import { useEngine } from '@/components/chat-engine-provider';
import type { Message } from '@/lib/types';
import type { OutboxEntry } from '@/stores/chat-store';
import { dayLabel } from '@/lib/time';
import { buildRows, type Row } from './timeline-rows';
import { MessageRow } from './message-row';
import { useUserNames } from '@/hooks/use-user-names';
import { BlockedFold } from './blocked-fold';

const NO_MESSAGES: Message[] = [];

// What I just sent is always scrolled into view.
const firstMessageKey = (rows: Row[]) => rows.find((r) => r.kind === 'message')?.key;
const isOwnPending = (row: Row | undefined) => row?.kind === 'message' && row.status !== 'sent';
const AT_BOTTOM_PX = 120;

/** `footer` follows the newest message inside the scroll (e.g. read receipts). */
export function MessageList({ id, footer }: { id: string; footer?: ReactNode }) {
  const engine = useEngine();
  const timeline = useChat((s) => s.timelines[id]);
  const outbox = useChat((s) => s.outbox);
  const me = useChat((s) => s.me);
  const conversation = useChat((s) => s.conversations[id]);
  const mine = useMemo(() => outbox.filter((e: OutboxEntry) => e.conversationId === id), [outbox, id]);
  const messages = timeline?.messages ?? NO_MESSAGES;
  const rows = useMemo(() => buildRows(messages, mine, me?.id ?? ''), [messages, mine, me]);
  // In a group the authors are many: their names come from the social store.
  const authors = useMemo(() => [...new Set(messages.map((m) => m.from))], [messages]);
  const authorNames = useUserNames(authors);
  const names = useMemo(() => {
    const map = new Map<string, string>(authorNames);
    if (me) map.set(me.id, me.username);
    if (conversation?.peer) map.set(conversation.peer.id, conversation.peer.username);
    return map;
  }, [me, conversation?.peer, authorNames]);

  const scroller = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ firstKey: string | undefined; fromBottom: number } | null>(null);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < AT_BOTTOM_PX;
    anchor.current = { firstKey: firstMessageKey(rows), fromBottom: el.scrollHeight - el.scrollTop };
  }, [rows]);

  // After each render: keep the place when older rows came in above, else follow the bottom.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const a = anchor.current;
    if (a && a.firstKey !== undefined && a.firstKey !== firstMessageKey(rows) && !atBottom.current) {
      el.scrollTop = el.scrollHeight - a.fromBottom;
    } else if (atBottom.current || isOwnPending(rows.at(-1))) {
      el.scrollTop = el.scrollHeight;
    }
    anchor.current = { firstKey: firstMessageKey(rows), fromBottom: el.scrollHeight - el.scrollTop };
  }, [rows]);

  // Reaching the top loads the page before.
  const hasOlder = timeline?.hasOlder ?? false;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasOlder) return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void engine.loadOlder(id).catch(() => {});
      },
      { root: scroller.current, rootMargin: '400px 0px 0px 0px' },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [engine, id, hasOlder, messages]);

  return (
    <div
      ref={scroller}
      onScroll={onScroll}
      className="scroll-thin min-h-0 flex-1 overflow-y-auto"
      data-testid="message-scroller"
    >
      <div ref={sentinel} aria-hidden="true" />
      {timeline?.loaded && !hasOlder && (
        <div className="px-5 pt-10 pb-4">
          <p className="text-sm text-zinc-500 dark:text-zinc-400" data-testid="history-start">
            This is the beginning of your conversation
            {conversation?.peer ? ` with ${conversation.peer.username}` : ''}.
          </p>
        </div>
      )}
      {hasOlder && (
        <div className="flex justify-center py-4" role="status" aria-label="Loading older messages">
          <div className="h-4 w-4 animate-spin rounded-full border-2 border-zinc-300 border-t-accent-600" />
        </div>
      )}
      {!timeline?.loaded && mine.length === 0 && (
        <div className="flex justify-center py-10" role="status" aria-label="Loading messages">
          <div className="h-5 w-5 animate-spin rounded-full border-2 border-zinc-300 border-t-accent-600" />
        </div>
      )}
      <ol role="log" aria-label="Messages" aria-live="polite" className="pb-3" data-testid="message-list">
        {rows.map((row) =>
          row.kind === 'day' ? (
            <li key={row.key} className="flex items-center gap-3 px-5 pt-4 pb-1" role="separator" aria-label={dayLabel(row.at)}>
              <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
              <span className="rounded-full border border-zinc-200 bg-white px-2.5 py-0.5 text-[11px] font-medium text-zinc-600 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-400" data-testid="day-separator">
                {dayLabel(row.at)}
              </span>
              <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
            </li>
          ) : (
            <BlockedFold key={row.key} userId={row.from} enabled={conversation?.kind === 'group' && row.type !== 'system'}>
              <MessageRow
                row={row}
                name={names.get(row.from) ?? 'Someone'}
                mine={row.from === me?.id}
                onRetry={(cid) => engine.retry(cid)}
              />
            </BlockedFold>
          ),
        )}
      </ol>
      {footer}
    </div>
  );
}
