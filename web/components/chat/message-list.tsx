'use client';
// The scrolling history of one conversation, windowed (hooks/use-virtual-rows.ts): only the
// rows near the viewport are in the DOM, so 10,000 messages scroll like 50.
//
// Scrolling rules, applied after every render:
// - at the bottom (or after sending), it stays at the bottom as rows arrive or grow;
// - otherwise the row at the top edge stays where it is (lib/virtual-window.ts anchors),
//   whatever is added above it (an older page) or re-measured;
// - new messages that arrive while the reader is up in the history raise a button instead;
// - a jump (a search hit, a quoted original) loads the page around the message if needed,
//   puts it a third of the way down and flashes it.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useChat } from '@/components/chat-store-provider';
import { useEngine } from '@/components/chat-engine-provider';
import { useMessageUi, useMessageUiApi } from '@/components/message-features-provider';
import { useSocial } from '@/components/social-provider';
import { ArrowDownIcon } from '@/components/ui/icons';
import { useVirtualRows } from '@/hooks/use-virtual-rows';
import { useUserNames } from '@/hooks/use-user-names';
import { replyOf } from '@/lib/message-meta';
import { isImageFile, previewBox } from '@/lib/attachments';
import { groupIdOf } from '@/lib/social-types';
import { isGroupAdmin } from '@/stores/social-store';
import type { Message } from '@/lib/types';
import type { OutboxEntry } from '@/stores/chat-store';
import { dayLabel } from '@/lib/time';
import { captureAnchor, restoreAnchor, type Anchor } from '@/lib/virtual-window';
import { buildRows, type Row } from './timeline-rows';
import { MessageRow } from './message-row';
import { SystemNote } from './system-note';
import { BlockedFold } from './blocked-fold';

const NO_MESSAGES: Message[] = [];
const AT_BOTTOM_PX = 120;
/** Load the next page this far (px) before reaching an end of what is loaded. */
const PREFETCH_PX = 1200;
const FLASH_MS = 2500;

type Item = Row | { kind: 'top'; key: 'top' } | { kind: 'bottom'; key: 'bottom' };

// Estimates until a row is measured: close enough that the scrollbar does not jump much.
function estimateHeight(item: Item | undefined): number {
  if (!item) return 40;
  if (item.kind === 'top') return 72;
  if (item.kind === 'bottom') return 48;
  if (item.kind === 'day') return 40;
  if (item.type === 'system') return 34;
  let h = item.head ? 62 : 26;
  if (item.message && replyOf(item.message)) h += 46;
  if (item.message?.metadata?.reactions && (item.message.metadata.reactions as unknown[]).length) h += 30;
  // Image boxes are known from their recorded size; file cards are one line each.
  const files = item.attachments ?? [];
  const imageHeight = Math.max(0, ...files.filter(isImageFile).map((f) => previewBox(f).height));
  if (files.length) h += imageHeight + 8 + files.filter((f) => !isImageFile(f)).length * 70;
  return h + Math.floor(item.body.length / 90) * 24;
}

export function MessageList({ id }: { id: string }) {
  const engine = useEngine();
  const ui = useMessageUiApi();
  const timeline = useChat((s) => s.timelines[id]);
  const outbox = useChat((s) => s.outbox);
  const me = useChat((s) => s.me);
  const conversation = useChat((s) => s.conversations[id]);
  const isGroup = conversation?.kind === 'group';
  // Admins may delete anyone's message in their group.
  const isAdmin = useSocial((s) => isGroupAdmin(s, groupIdOf(id)));
  const mine = useMemo(() => outbox.filter((e: OutboxEntry) => e.conversationId === id), [outbox, id]);
  const messages = timeline?.messages ?? NO_MESSAGES;
  const hasOlder = timeline?.hasOlder ?? false;
  const hasNewer = timeline?.hasNewer ?? false;
  const loaded = timeline?.loaded ?? false;
  const timelineHasNewer = useRef(hasNewer); // as it was when the list mounted
  const rows = useMemo(() => buildRows(messages, mine, me?.id ?? ''), [messages, mine, me]);
  const items = useMemo<Item[]>(
    () => [{ kind: 'top', key: 'top' }, ...rows, ...(hasNewer ? [{ kind: 'bottom', key: 'bottom' } as const] : [])],
    [rows, hasNewer],
  );
  const keys = useMemo(() => items.map((r) => r.key), [items]);
  const indexByKey = useMemo(() => new Map(keys.map((k, i) => [k, i])), [keys]);
  const byId = useMemo(() => new Map(messages.map((m) => [m.id, m])), [messages]);
  const estimate = useCallback((i: number) => estimateHeight(items[i]), [items]);

  // In a group the authors are many: their names come from the social store (fetched when
  // unknown). The session's user and the DM peer are named at once, before the store has them.
  const authors = useMemo(() => [...new Set(messages.map((m) => m.from))], [messages]);
  const authorNames = useUserNames(authors);
  const names = useMemo(() => {
    const map = new Map<string, string>(authorNames);
    if (me) map.set(me.id, me.username);
    if (conversation?.peer) map.set(conversation.peer.id, conversation.peer.username);
    return map;
  }, [authorNames, me, conversation?.peer]);

  const scroller = useRef<HTMLDivElement>(null);
  const vr = useVirtualRows(keys, estimate, scroller);
  const stick = useRef(true);
  const anchor = useRef<Anchor | null>(null);
  // Where we last scrolled to ourselves: the scroll event that follows is ours, not the
  // reader's, and must not end stick-to-bottom (rows measured meanwhile may have grown).
  const ownScrollTop = useRef<number | null>(null);
  const lastKey = useRef<string | undefined>(undefined);
  const [unseen, setUnseen] = useState(0);
  const [farFromBottom, setFarFromBottom] = useState(false);
  const [pendingJump, setPendingJump] = useState<{ seq: number; nonce: number } | null>(null);
  const highlight = useMessageUi((s) => (s.highlight?.conversationId === id ? s.highlight : null));
  const [flashSeq, setFlashSeq] = useState<number | null>(null);
  // Rows of blocked people the reader chose to see (kept here: rows come and go as they scroll).
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(() => new Set());
  const reveal = useCallback((key: string) => setRevealed((r) => new Set(r).add(key)), []);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const below = el.scrollHeight - el.scrollTop - el.clientHeight;
    const ours = ownScrollTop.current !== null && Math.abs(ownScrollTop.current - el.scrollTop) < 2;
    ownScrollTop.current = null;
    if (!ours) stick.current = below < AT_BOTTOM_PX && !hasNewer;
    setFarFromBottom(below > el.clientHeight);
    if (stick.current) setUnseen(0);
    anchor.current = captureAnchor(vr.offsets, keys, el.scrollTop);
    vr.sync();
  }, [vr, keys, hasNewer]);

  // After each render: land a jump, follow the bottom, or keep the anchored row in place.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (pendingJump) {
      const i = items.findIndex((r) => r.kind === 'message' && r.seq === pendingJump.seq);
      if (i >= 0) {
        stick.current = false;
        anchor.current = { key: keys[i]!, delta: -Math.round(el.clientHeight / 3) };
        ui.getState().landed({ conversationId: id, ...pendingJump });
        setPendingJump(null);
      }
    }
    const newLast = keys.at(-1);
    const last = items.at(-1);
    const appended = newLast !== lastKey.current && lastKey.current !== undefined;
    if (appended && last?.kind === 'message' && last.status !== 'sent') stick.current = true; // I sent it
    if (stick.current) {
      el.scrollTop = el.scrollHeight;
      ownScrollTop.current = el.scrollTop;
    } else if (anchor.current) {
      const top = restoreAnchor(vr.offsets, keys, anchor.current, (k) => indexByKey.get(k) ?? -1);
      if (top !== null && Math.abs(top - el.scrollTop) > 1) {
        el.scrollTop = top;
        ownScrollTop.current = el.scrollTop;
      }
      if (appended && last?.kind === 'message' && last.from !== me?.id) {
        const before = lastKey.current ? (indexByKey.get(lastKey.current) ?? items.length - 1) : items.length - 1;
        setUnseen((n) => n + Math.max(1, items.length - 1 - before));
      }
    }
    lastKey.current = newLast;
    anchor.current = captureAnchor(vr.offsets, keys, el.scrollTop);
    // No vr.sync() here: a scroll we made fires a scroll event (onScroll syncs), a frame
    // later, after ResizeObserver has measured the new rows. Syncing at once could loop
    // within one frame: the window moves, unmeasured rows swap in, the height changes, and
    // the bottom moves again.
  });

  // Near an end of what is loaded: fetch the next page that way.
  useEffect(() => {
    const el = scroller.current;
    if (!el || !loaded) return;
    if (hasOlder && vr.scrollTop < PREFETCH_PX) void engine.loadOlder(id).catch(() => {});
    if (hasNewer && el.scrollHeight - vr.scrollTop - vr.viewport < PREFETCH_PX) {
      void engine.loadNewer(id).catch(() => {});
    }
  }, [engine, id, loaded, hasOlder, hasNewer, vr.scrollTop, vr.viewport, messages]);

  // A jump asked for this conversation: load around it, then land it on the next render.
  const jump = useMessageUi((s) => (s.jump?.conversationId === id ? s.jump : null));
  useEffect(() => {
    // After the first page: a window loaded before it would be replaced by it.
    if (!jump || !loaded) return;
    let live = true;
    engine
      .loadAround(id, jump.seq)
      .then(() => live && setPendingJump({ seq: jump.seq, nonce: jump.nonce }))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [engine, id, jump, loaded]);

  // Coming back to a conversation left in a window (an old search hit): start at the newest,
  // unless this visit is itself a jump.
  useEffect(() => {
    const s = ui.getState();
    if (s.jump?.conversationId === id) return;
    if (timelineHasNewer.current) void engine.loadLatest(id).catch(() => {});
  }, [engine, ui, id]);

  useEffect(() => {
    if (!highlight) return;
    setFlashSeq(highlight.seq);
    const t = setTimeout(() => setFlashSeq(null), FLASH_MS);
    return () => clearTimeout(t);
  }, [highlight]);

  const toLatest = useCallback(async () => {
    setUnseen(0);
    setFarFromBottom(false);
    if (hasNewer) await engine.loadLatest(id).catch(() => {});
    stick.current = true;
    const el = scroller.current;
    if (el) {
      el.scrollTop = el.scrollHeight;
      ownScrollTop.current = el.scrollTop;
    }
  }, [engine, id, hasNewer]);

  const onRetry = useCallback((cid: string) => engine.retry(cid), [engine]);
  const onOpenOriginal = useCallback((seq: number) => ui.getState().requestJump(id, seq), [ui, id]);

  const visible = items.slice(vr.start, vr.end);
  const showJump = unseen > 0 || hasNewer || farFromBottom;
  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={scroller}
        onScroll={onScroll}
        style={{ overflowAnchor: 'none' }}
        className="scroll-thin min-h-0 flex-1 overflow-y-auto"
        data-testid="message-scroller"
      >
        {!loaded && mine.length === 0 && (
          <div className="flex justify-center py-10" role="status" aria-label="Loading messages">
            <div className="h-5 w-5 animate-spin rounded-full border-2 border-zinc-300 border-t-accent-600" />
          </div>
        )}
        <ol
          role="log"
          aria-label="Messages"
          aria-live="polite"
          className="pb-3"
          data-testid="message-list"
          style={{ paddingTop: vr.padTop, paddingBottom: vr.padBottom + 12 }}
        >
          {visible.map((item) => {
            const ref = vr.measure(item.key);
            if (item.kind === 'top') {
              return (
                <li key="top" ref={ref} className="min-h-px">
                  {loaded && !hasOlder ? (
                    <div className="px-5 pt-10 pb-4">
                      <p className="text-sm text-zinc-500 dark:text-zinc-400" data-testid="history-start">
                        This is the beginning of your conversation
                        {conversation?.peer ? ` with ${conversation.peer.username}` : ''}.
                      </p>
                    </div>
                  ) : hasOlder ? (
                    <div className="flex justify-center py-4" role="status" aria-label="Loading older messages">
                      <div className="h-4 w-4 animate-spin rounded-full border-2 border-zinc-300 border-t-accent-600" />
                    </div>
                  ) : null}
                </li>
              );
            }
            if (item.kind === 'bottom') {
              return (
                <li key="bottom" ref={ref} className="flex justify-center py-4" role="status" aria-label="Loading newer messages">
                  <div className="h-4 w-4 animate-spin rounded-full border-2 border-zinc-300 border-t-accent-600" />
                </li>
              );
            }
            if (item.kind === 'day') {
              return (
                <li
                  key={item.key}
                  ref={ref}
                  className="flex items-center gap-3 px-5 pt-4 pb-1"
                  role="separator"
                  aria-label={dayLabel(item.at)}
                >
                  <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
                  <span
                    className="rounded-full border border-zinc-200 bg-white px-2.5 py-0.5 text-[11px] font-medium text-zinc-600 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-400"
                    data-testid="day-separator"
                  >
                    {dayLabel(item.at)}
                  </span>
                  <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
                </li>
              );
            }
            if (item.type === 'system') {
              return <SystemNote key={item.key} measureRef={ref} body={item.body} createdAt={item.createdAt} seq={item.seq} />;
            }
            const reply = item.message ? replyOf(item.message) : null;
            return (
              <BlockedFold
                key={item.key}
                userId={item.from}
                enabled={isGroup}
                measureRef={ref}
                shown={revealed.has(item.key)}
                onShow={() => reveal(item.key)}
              >
                <MessageRow
                  measureRef={ref}
                  row={item}
                  name={names.get(item.from) ?? 'Someone'}
                  mine={item.from === me?.id}
                  me={me?.id}
                  canModerate={isAdmin}
                  original={reply ? byId.get(reply.id) : undefined}
                  highlighted={flashSeq !== null && item.seq === flashSeq}
                  onRetry={onRetry}
                  onOpenOriginal={onOpenOriginal}
                />
              </BlockedFold>
            );
          })}
        </ol>
      </div>
      {showJump && (
        <button
          type="button"
          onClick={() => void toLatest()}
          data-testid="jump-to-latest"
          className="absolute bottom-3 left-1/2 flex -translate-x-1/2 items-center gap-1.5 rounded-full border border-zinc-200 bg-white/95 px-3.5 py-1.5 text-xs font-medium text-zinc-700 shadow-lg backdrop-blur transition hover:bg-white dark:border-zinc-700 dark:bg-zinc-900/95 dark:text-zinc-200"
        >
          <ArrowDownIcon width={14} height={14} />
          {unseen > 0 ? `${unseen} new message${unseen === 1 ? '' : 's'}` : 'Jump to latest'}
        </button>
      )}
    </div>
  );
}
