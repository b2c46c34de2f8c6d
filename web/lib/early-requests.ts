// What a signed-in page needs first, asked for together with the session check (GET
// /api/auth/me) rather than after it: otherwise the conversation list waits for the
// signed-in tree's first render, ~300 ms in a cold browser on an idle machine and more under
// load (docs/performance.md). On the chat page's first load both were already started by its
// inline script while the HTML was parsed (lib/early-fetch-script.ts): those are used then. When the list has arrived by the time the session is known, the
// chat store starts with it, so that the signed-in tree's first render already shows it (one
// render instead of an empty one and a second); otherwise the first chat engine takes the
// request in flight. Every later refresh asks again. For a visitor who is not signed in it
// fails (401) like the check does.
import { api, readResponse } from './api';
import { HTML_FETCHES_KEY, type HtmlFetches } from './early-fetch-script';
import type { User } from './types';

type ConversationList = Awaited<ReturnType<typeof api.conversations>>;

/** One of the requests the page's inline script started, taken at most once. */
function takeHtmlFetch(which: keyof HtmlFetches): Promise<Response> | null {
  const started = (window as unknown as Record<string, Partial<HtmlFetches> | undefined>)[HTML_FETCHES_KEY];
  const taken = started?.[which] ?? null;
  if (started) delete started[which];
  return taken;
}

/** GET /api/auth/me, or its answer when the page's inline script already asked. */
export function checkSession(): Promise<{ user: User }> {
  const started = takeHtmlFetch('me');
  return started ? readResponse<{ user: User }>(started) : api.me();
}

interface Prefetch {
  request: Promise<ConversationList>;
  arrived: ConversationList | null;
}

let prefetch: Prefetch | null = null;
/** A store started with the prefetched answer: the engine's first refresh is not needed. */
let spent = false;

export function prefetchConversations(): void {
  const started = takeHtmlFetch('conversations');
  const p: Prefetch = { request: started ? readResponse<ConversationList>(started) : api.conversations(), arrived: null };
  p.request.then(
    (list) => {
      p.arrived = list;
    },
    () => {}, // handled by whoever takes it
  );
  prefetch = p;
  spent = false;
}

/**
 * Resolves once the prefetched list has arrived or failed, or after `withinMs` (a slow list
 * must not hold back the rest of the signed-in screen); at once when nothing was prefetched.
 */
export function prefetchSettled(withinMs: number): Promise<void> {
  const p = prefetch;
  if (!p || p.arrived) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, withinMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    p.request.then(done, done);
  });
}

/** The prefetched list if it has arrived, for a new chat store's first state (taken once). */
export function takeArrivedConversations(): ConversationList | null {
  const list = prefetch?.arrived ?? null;
  if (list) {
    prefetch = null;
    spent = true;
  }
  return list;
}

/**
 * What is left of the prefetch for the chat engine's first refresh: the request in flight,
 * `'spent'` when the store already started with its answer, or null when there is nothing.
 */
export function takePrefetchedConversations(): Promise<ConversationList> | 'spent' | null {
  if (spent) {
    spent = false;
    return 'spent';
  }
  const taken = prefetch?.request ?? null;
  prefetch = null;
  return taken;
}
