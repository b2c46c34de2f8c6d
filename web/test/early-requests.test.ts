import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChatStore } from '@/stores/chat-store';

// The module keeps one prefetch per page load: a fresh copy for every test.
async function load() {
  vi.resetModules();
  return import('@/lib/early-requests');
}

const me = { user: { id: 'a', username: 'alice' } };
const list = {
  conversations: [{ id: 'dm_a_b', kind: 'dm', peer: { id: 'b', username: 'bob' }, lastSeq: 1, readSeq: 0, unread: 1, lastMessage: null }],
};
const newStore = () => createChatStore({ me: me.user as never });

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** Lets settled promises' callbacks run. */
const flush = () => new Promise((r) => setTimeout(r, 0));

let fetchMock: ReturnType<typeof vi.fn>;
beforeEach(() => {
  vi.stubGlobal('window', {});
  fetchMock = vi.fn(async (path: string) => (path === '/api/auth/me' ? json(me) : json(list)));
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('early requests', () => {
  it('starts a store with an arrived list, and the engine then does not ask again', async () => {
    const early = await load();
    early.prefetchConversations();
    await flush();
    // React may throw a render away and do it again: both stores start with the list.
    const discarded = newStore();
    early.seedChatStore(discarded);
    const committed = newStore();
    early.seedChatStore(committed);
    expect(Object.keys(committed.getState().conversations)).toEqual(['dm_a_b']);
    expect(early.takePrefetchedConversations(committed)).toBe('seeded');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    // Taken: a later session's store starts empty and its engine asks.
    const later = newStore();
    early.seedChatStore(later);
    expect(later.getState().conversations).toEqual({});
    expect(early.takePrefetchedConversations(later)).toBeNull();
  });

  it('leaves a list still in flight to the engine', async () => {
    let answer!: (r: Response) => void;
    fetchMock.mockImplementation(() => new Promise<Response>((r) => (answer = r)));
    const early = await load();
    early.prefetchConversations();
    const store = newStore();
    early.seedChatStore(store);
    expect(store.getState().conversations).toEqual({});
    const inFlight = early.takePrefetchedConversations(store);
    expect(inFlight).toBeInstanceOf(Promise);
    answer(json(list));
    await expect(inFlight).resolves.toEqual(list);
  });

  it('waits for the list to settle, but not longer than asked', async () => {
    vi.useFakeTimers();
    fetchMock.mockImplementation(() => new Promise<Response>(() => {})); // never answers
    const early = await load();
    early.prefetchConversations();
    let settled = false;
    void early.prefetchSettled(300).then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(299);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
  });

  it('settles as soon as the list fails (a visitor who is not signed in)', async () => {
    fetchMock.mockImplementation(async () => json({ error: { code: 'unauthorized', message: 'no' } }, 401));
    const early = await load();
    early.prefetchConversations();
    await early.prefetchSettled(60_000);
    const store = newStore();
    early.seedChatStore(store);
    expect(store.getState().conversations).toEqual({});
    await expect(early.takePrefetchedConversations(store)).rejects.toMatchObject({ status: 401 });
  });

  it("takes the answers the page's inline script asked for instead of asking again", async () => {
    const { HTML_FETCHES_KEY } = await import('@/lib/early-fetch-script');
    (window as unknown as Record<string, unknown>)[HTML_FETCHES_KEY] = {
      me: Promise.resolve(json(me)),
      conversations: Promise.resolve(json(list)),
    };
    const early = await load();
    await expect(early.checkSession()).resolves.toEqual(me);
    early.prefetchConversations();
    await early.prefetchSettled(1_000);
    const store = newStore();
    early.seedChatStore(store);
    expect(Object.keys(store.getState().conversations)).toEqual(['dm_a_b']);
    expect(fetchMock).not.toHaveBeenCalled();
    // Taken once: a later check (after a sign-out and in) asks the server.
    await expect(early.checkSession()).resolves.toEqual(me);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
