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
import type { ChatStore } from '@/stores/chat-store';

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
/**
 * The chat stores started with the prefetched answer (seedChatStore). Only the store of the
 * tree React commits matters: a render React throws away (an interrupted concurrent render
 * is restarted from scratch, and its state initialisers run again) leaves a store nobody uses.
 */
const seeded = new WeakSet<object>();

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

/**
 * Starts a new chat store with the prefetched list when it has arrived. Called while
 * rendering, so it takes nothing: a render that is thrown away and done again seeds its new
 * store the same way.
 */
export function seedChatStore(store: ChatStore): void {
  const list = prefetch?.arrived;
  if (!list) return;
  store.getState().setConversations(list.conversations);
  seeded.add(store);
}

/**
 * What is left of the prefetch for the chat engine's first refresh (called once the store's
 * tree is committed, and taken then): `'seeded'` when this store started with its answer, the
 * request in flight, or null when there is nothing.
 */
export function takePrefetchedConversations(store: ChatStore): Promise<ConversationList> | 'seeded' | null {
  const taken = prefetch;
  prefetch = null;
  if (seeded.has(store)) return 'seeded';
  return taken?.request ?? null;
}
