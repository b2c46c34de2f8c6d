'use client';
// Message search (Ctrl/Cmd+K): across every conversation or the open one, by relevance or
// newest first. Snippets come from the server as text pieces; the matched ones are marked
// with <mark>, never by injecting HTML. Scrolling down fetches the next page; choosing a hit
// opens its conversation at that message.
import { m } from 'framer-motion';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useChat } from '@/components/chat-store-provider';
import { useUserName } from '@/hooks/use-user-names';
import { Avatar } from '@/components/ui/avatar';
import { CloseIcon, SearchIcon } from '@/components/ui/icons';
import { SEARCH_MAX_CHARS, type SearchSort } from '@/client/search-client';
import { useMessageSearch } from '@/hooks/use-message-search';
import { conversationTitle } from '@/stores/chat-store';
import { shortStamp } from '@/lib/time';
import { keepTabInside } from '@/lib/focus-trap';
import type { SearchHit } from '@/lib/types';

export function SearchPanel({
  activeId,
  onOpenHit,
  onClose,
}: {
  activeId: string | null;
  onOpenHit(hit: SearchHit): void;
  onClose(): void;
}) {
  const [q, setQ] = useState('');
  const [scope, setScope] = useState<'all' | 'here'>('all');
  const [sort, setSort] = useState<SearchSort>('relevance');
  const [cursor, setCursor] = useState(0);
  const conversationId = scope === 'here' && activeId ? activeId : undefined;
  const { hits, hasMore, status, loadMore } = useMessageSearch(q, conversationId, sort);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const sentinel = useRef<HTMLLIElement>(null);
  const titleId = useId();
  const listId = useId();

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    input.current?.focus();
    return () => opener?.focus({ preventScroll: true });
  }, []);
  useEffect(() => setCursor(0), [q, scope, sort]);
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasMore) return;
    const io = new IntersectionObserver((e) => e.some((x) => x.isIntersecting) && loadMore(), {
      root: list.current,
      rootMargin: '0px 0px 200px 0px',
    });
    io.observe(el);
    return () => io.disconnect();
  }, [hasMore, loadMore, hits]);
  useEffect(() => {
    list.current?.querySelector(`[data-index="${cursor}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [cursor]);

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      setCursor((c) => Math.min(c + 1, hits.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setCursor((c) => Math.max(c - 1, 0));
    } else if (e.key === 'Enter' && hits[cursor]) {
      e.preventDefault();
      onOpenHit(hits[cursor]);
    } else {
      keepTabInside(e, e.currentTarget);
    }
  }

  const chip = (on: boolean) =>
    `h-7 rounded-md px-2.5 text-xs font-medium transition ${
      on
        ? 'bg-accent-600 text-white'
        : 'text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800'
    }`;
  return (
    <div
      className="fixed inset-0 z-40 flex items-start justify-center bg-zinc-950/40 px-3 pt-[8vh] backdrop-blur-[2px] sm:px-4"
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
    >
      <m.div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="search-panel"
        initial={{ opacity: 0, y: -8, scale: 0.98 }}
        animate={{ opacity: 1, y: 0, scale: 1 }}
        transition={{ duration: 0.16, ease: 'easeOut' }}
        onKeyDown={onKeyDown}
        className="flex max-h-[80vh] w-full max-w-xl flex-col overflow-hidden rounded-2xl border border-zinc-200 bg-white shadow-2xl dark:border-zinc-800 dark:bg-zinc-900"
      >
        <h2 id={titleId} className="sr-only">
          Search messages
        </h2>
        <div className="relative border-b border-zinc-100 px-4 py-3 dark:border-zinc-800">
          <SearchIcon
            width={18}
            height={18}
            className="pointer-events-none absolute top-1/2 left-7 -translate-y-1/2 text-zinc-400"
          />
          <input
            ref={input}
            value={q}
            maxLength={SEARCH_MAX_CHARS}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Search messages"
            aria-label="Search messages"
            role="combobox"
            aria-expanded={hits.length > 0}
            aria-controls={listId}
            aria-activedescendant={hits[cursor] ? `${listId}-${cursor}` : undefined}
            data-testid="search-input"
            className="h-10 w-full rounded-lg bg-zinc-50 pr-10 pl-10 text-[15px] outline-none focus:ring-3 focus:ring-accent-500/20 dark:bg-zinc-950"
          />
          <button
            type="button"
            onClick={onClose}
            aria-label="Close search"
            className="absolute top-1/2 right-6 flex h-7 w-7 -translate-y-1/2 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
          >
            <CloseIcon width={16} height={16} />
          </button>
        </div>
        <div className="flex flex-wrap items-center gap-1 border-b border-zinc-100 px-4 py-2 dark:border-zinc-800">
          <span className="sr-only">Where</span>
          <button type="button" className={chip(scope === 'all')} aria-pressed={scope === 'all'} onClick={() => setScope('all')} data-testid="search-scope-all">
            All conversations
          </button>
          <button
            type="button"
            className={chip(scope === 'here')}
            aria-pressed={scope === 'here'}
            disabled={!activeId}
            onClick={() => setScope('here')}
            data-testid="search-scope-here"
          >
            This conversation
          </button>
          <span className="mx-1 h-4 w-px bg-zinc-200 dark:bg-zinc-700" />
          <button type="button" className={chip(sort === 'relevance')} aria-pressed={sort === 'relevance'} onClick={() => setSort('relevance')} data-testid="search-sort-relevance">
            Best match
          </button>
          <button type="button" className={chip(sort === 'recent')} aria-pressed={sort === 'recent'} onClick={() => setSort('recent')} data-testid="search-sort-recent">
            Newest
          </button>
        </div>
        <ul ref={list} id={listId} role="listbox" aria-label="Results" className="scroll-thin min-h-0 flex-1 overflow-y-auto p-2" data-testid="search-results">
          {hits.map((hit, i) => (
            <SearchResult
              key={hit.message.id}
              id={`${listId}-${i}`}
              index={i}
              hit={hit}
              selected={i === cursor}
              onHover={() => setCursor(i)}
              onOpen={() => onOpenHit(hit)}
            />
          ))}
          {hasMore && (
            <li ref={sentinel} className="flex justify-center py-3" role="status" aria-label="Loading more results">
              <div className="h-4 w-4 animate-spin rounded-full border-2 border-zinc-300 border-t-accent-600" />
            </li>
          )}
          {status === 'idle' && (
            <li className="px-3 py-8 text-center text-sm text-zinc-500">
              Find words in messages, even parts of words.{' '}
              <kbd className="rounded border border-zinc-200 px-1 font-sans text-[11px] dark:border-zinc-700">↑↓</kbd> to move,{' '}
              <kbd className="rounded border border-zinc-200 px-1 font-sans text-[11px] dark:border-zinc-700">Enter</kbd> to open.
            </li>
          )}
          {status === 'loading' && hits.length === 0 && (
            <li className="px-3 py-8 text-center text-sm text-zinc-500" role="status">
              Searching…
            </li>
          )}
          {status === 'done' && hits.length === 0 && (
            <li className="px-3 py-8 text-center text-sm text-zinc-500" data-testid="search-empty">
              No messages match “{q.trim()}”.
            </li>
          )}
          {status === 'error' && (
            <li className="px-3 py-8 text-center text-sm text-red-600" role="alert">
              Search failed. Try again.
            </li>
          )}
        </ul>
      </m.div>
    </div>
  );
}

function SearchResult({
  id,
  index,
  hit,
  selected,
  onHover,
  onOpen,
}: {
  id: string;
  index: number;
  hit: SearchHit;
  selected: boolean;
  onHover(): void;
  onOpen(): void;
}) {
  const me = useChat((s) => s.me?.id);
  const conversation = useChat((s) => s.conversations[hit.message.conversationId]);
  const author = useUserName(hit.message.from);
  const where = conversation ? conversationTitle(conversation, me) : '';
  return (
    <li
      id={id}
      role="option"
      aria-selected={selected}
      data-index={index}
      data-testid="search-result"
      data-seq={hit.message.seq}
      onMouseEnter={onHover}
      onClick={onOpen}
      className={`flex cursor-pointer gap-3 rounded-lg px-2.5 py-2 ${selected ? 'bg-accent-600/10 dark:bg-accent-400/15' : ''}`}
    >
      <Avatar name={author} size={30} />
      <div className="min-w-0 flex-1">
        <p className="flex items-baseline gap-2 text-[13px]">
          <span className="font-semibold">{hit.message.from === me ? 'You' : author}</span>
          {where && <span className="truncate text-zinc-500 dark:text-zinc-400">in {where}</span>}
          <time className="ml-auto shrink-0 text-[11px] text-zinc-400 tabular-nums" dateTime={hit.message.createdAt}>
            {shortStamp(hit.message.createdAt)}
          </time>
        </p>
        <p className="line-clamp-2 text-sm break-words text-zinc-700 dark:text-zinc-300" data-testid="search-snippet">
          {hit.snippet.map((p, i) =>
            p.match ? (
              <mark key={i} className="rounded-sm bg-amber-200/80 px-0.5 text-inherit dark:bg-amber-400/30">
                {p.text}
              </mark>
            ) : (
              <span key={i}>{p.text}</span>
            ),
          )}
        </p>
      </div>
    </li>
  );
}
