// The signed-in user's chat state: conversations, the loaded part of each timeline, and the
// outbox of messages not yet acknowledged. A factory, not a module-global store: each session
// (and each test) gets its own, handed down by components/chat-store-provider.tsx.
//
// Invariants the rest of the client relies on:
// - a timeline holds server messages in strictly increasing `seq`, each seq once, whatever
//   order or how many times they arrive (live frames, acks, pages, resyncs after a reconnect);
// - an outbox entry disappears exactly when its message (same clientMsgId, from me) arrives;
// - `unread` counts only other people's messages above `readSeq`.
import { createStore } from 'zustand/vanilla';
import { dmPeerId } from '@/lib/conversation-id';
import type { FileInfo } from '@/lib/attachments';
import type { ConversationSummary, Message, ReadMarker, ReplyRef, User } from '@/lib/types';

export type SendStatus = 'pending' | 'failed';

export interface OutboxEntry {
  clientMsgId: string;
  conversationId: string;
  body: string;
  createdAt: string;
  status: SendStatus;
  attempts: number;
  error?: string;
  /** The message it answers, as the composer quoted it (the server sends its own copy). */
  replyTo?: ReplyRef;
  /** Uploaded files it carries (an `image` or `file` message; `body` is then the caption). */
  attachments?: FileInfo[];
}

export interface Conversation {
  id: string;
  kind: 'dm' | 'group';
  peer?: User;
  title?: string;
  lastMessage: Message | null;
  lastSeq: number;
  readSeq: number;
  unread: number;
  /** What orders the sidebar: the last message's time, or when a draft was opened. */
  activityAt: string;
}

export interface Timeline {
  messages: Message[];
  /** The newest page has been fetched: live messages may be appended. */
  loaded: boolean;
  hasOlder: boolean;
  /**
   * A window around an older message (a search hit, a quoted original) that does not reach
   * the newest: live messages are not appended (they would leave a hole) until paging on
   * with `after=` reaches the end.
   */
  hasNewer?: boolean;
}

export type Connection = 'connecting' | 'online' | 'offline';

export interface Gap {
  conversationId: string;
  /** Fetch `after=` this seq to fill it. */
  after: number;
}

export interface ChatState {
  me: User | null;
  conversations: Record<string, Conversation>;
  /**
   * The list has been loaded (setConversations) at least once. Whoever watches the list for
   * news skips the change that loads it: that is the state the reader arrived in. A store
   * started with the list (lib/early-requests.ts) is loaded from the start.
   */
  listLoaded: boolean;
  timelines: Record<string, Timeline>;
  outbox: OutboxEntry[];
  /** Other participants' read markers (for receipts): conversation → user → seq. */
  peerRead: Record<string, Record<string, number>>;
  connection: Connection;
  activeId: string | null;

  setMe(me: User | null): void;
  setConnection(c: Connection): void;
  setActive(id: string | null): void;
  /** A server snapshot of the conversation list (it wins over what we know, unless older). */
  setConversations(list: ConversationSummary[]): void;
  /** A DM that has no message yet, so that it can be opened from the user search. */
  openDraft(id: string, peer: User, now?: string): void;
  /**
   * Merges messages. `live` ones (WebSocket frames and acks) move `unread`; pages do not,
   * since the conversation snapshot already counted them. Returns the gaps a live message
   * revealed in a loaded timeline, to be filled with `after=`.
   */
  receive(messages: Message[], opts?: { live?: boolean }): Gap[];
  /**
   * A page of a timeline: `newest` (no cursor), `older` (before=), `after` (resync, or paging
   * down a window) or `around` (a window around one message, replacing what was loaded).
   */
  addPage(
    cid: string,
    messages: Message[],
    direction: 'newest' | 'older' | 'after' | 'around',
    limit: number,
  ): void;
  markRead(cid: string, seq: number): void;
  setPeerRead(cid: string, userId: string, seq: number): void;
  /**
   * The other participants' markers as the server has them (after opening a conversation or
   * reconnecting). Markers only move forward, so a live `read` that overtook the answer wins.
   */
  setPeerReads(cid: string, reads: ReadMarker[]): void;

  enqueue(cid: string, body: string, now?: Date, replyTo?: ReplyRef, attachments?: FileInfo[]): OutboxEntry;
  fail(clientMsgId: string, error: string): void;
  /** Back to pending with the same clientMsgId (the server dedupes a repeat). */
  retry(clientMsgId: string): OutboxEntry | undefined;
  discard(clientMsgId: string): void;
  hydrateOutbox(entries: OutboxEntry[]): void;
  reset(): void;
}

const initial = {
  me: null,
  conversations: {},
  listLoaded: false,
  timelines: {},
  outbox: [],
  peerRead: {},
  connection: 'connecting' as Connection,
  activeId: null,
};

/** Inserts messages into an ascending, seq-unique list; a repeat replaces its older copy. */
export function mergeBySeq(existing: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return existing;
  const bySeq = new Map<number, Message>();
  for (const m of existing) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function lastSeqOf(messages: Message[]): number {
  return messages.length ? (messages[messages.length - 1] as Message).seq : 0;
}

function kindOf(id: string): 'dm' | 'group' {
  return id.startsWith('grp_') ? 'group' : 'dm';
}

function newClientMsgId(now: Date): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return `c-${now.getTime().toString(36)}-${rand}`;
}

export function createChatStore(init: Partial<Pick<ChatState, 'me'>> = {}) {
  return createStore<ChatState>()((set, get) => ({
    ...initial,
    ...init,

    setMe: (me) => set({ me }),
    setConnection: (connection) => set({ connection }),
    setActive: (activeId) => set({ activeId }),

    setConversations: (list) =>
      set((s) => {
        const conversations = { ...s.conversations };
        for (const c of list) {
          const known = conversations[c.id];
          if (known && known.lastSeq > c.lastSeq) {
            // We already saw newer live frames: keep our counts, take what we lacked.
            conversations[c.id] = { ...known, peer: known.peer ?? c.peer };
            continue;
          }
          conversations[c.id] = {
            id: c.id,
            kind: c.kind,
            peer: c.peer ?? known?.peer,
            title: c.group?.name ?? known?.title,
            lastMessage: c.lastMessage ?? known?.lastMessage ?? null,
            lastSeq: c.lastSeq,
            readSeq: Math.max(c.readSeq ?? 0, known?.readSeq ?? 0),
            unread: c.unread,
            activityAt: c.lastMessage?.createdAt ?? known?.activityAt ?? new Date(0).toISOString(),
          };
        }
        return { conversations, listLoaded: true };
      }),

    openDraft: (id, peer, now = new Date().toISOString()) =>
      set((s) =>
        s.conversations[id]
          ? {}
          : {
              conversations: {
                ...s.conversations,
                [id]: {
                  id,
                  kind: 'dm',
                  peer,
                  lastMessage: null,
                  lastSeq: 0,
                  readSeq: 0,
                  unread: 0,
                  activityAt: now,
                },
              },
            },
      ),

    receive: (messages, { live = false } = {}) => {
      const gaps: Gap[] = [];
      if (messages.length === 0) return gaps;
      const s = get();
      const me = s.me?.id;
      const conversations = { ...s.conversations };
      const timelines = { ...s.timelines };
      const sorted = [...messages].sort((a, b) => a.seq - b.seq);
      const delivered = new Set<string>();
      const byConversation = new Map<string, Message[]>();
      for (const m of sorted) {
        const list = byConversation.get(m.conversationId) ?? [];
        list.push(m);
        byConversation.set(m.conversationId, list);
        if (m.clientMsgId && m.from === me) delivered.add(`${m.conversationId}\n${m.clientMsgId}`);
      }
      for (const [cid, list] of byConversation) {
        const tl = timelines[cid];
        if (tl?.loaded && !tl.hasNewer) {
          const first = list[0] as Message;
          const max = lastSeqOf(tl.messages);
          if (live && first.seq > max + 1) gaps.push({ conversationId: cid, after: max });
          timelines[cid] = { ...tl, messages: mergeBySeq(tl.messages, list) };
        }
        let c: Conversation = conversations[cid] ?? {
          id: cid,
          kind: kindOf(cid),
          peer: undefined,
          lastMessage: null,
          lastSeq: 0,
          readSeq: 0,
          unread: 0,
          activityAt: new Date(0).toISOString(),
        };
        for (const m of list) {
          if (m.seq <= c.lastSeq) continue; // known: counted by the snapshot or earlier
          c = { ...c, lastSeq: m.seq, lastMessage: m, activityAt: m.createdAt };
          if (m.from === me) {
            // Sending moves the sender's own marker to the message (docs/api.md).
            c.readSeq = Math.max(c.readSeq, m.seq);
            c.unread = 0;
          } else if (live && m.seq > c.readSeq) {
            c.unread += 1;
          }
        }
        conversations[cid] = c;
      }
      const outbox = delivered.size
        ? s.outbox.filter((e) => !delivered.has(`${e.conversationId}\n${e.clientMsgId}`))
        : s.outbox;
      set({ conversations, timelines, outbox });
      return gaps;
    },

    addPage: (cid, messages, direction, limit) => {
      get().receive(messages);
      set((s) => {
        const tl = s.timelines[cid] ?? { messages: [], loaded: false, hasOlder: true };
        if (direction === 'around' || (direction === 'newest' && tl.hasNewer)) {
          const first = messages[0]?.seq ?? 1;
          const lastSeq = s.conversations[cid]?.lastSeq ?? 0;
          return {
            timelines: {
              ...s.timelines,
              [cid]: {
                messages,
                loaded: true,
                hasOlder: first > 1,
                hasNewer: lastSeqOf(messages) < lastSeq,
              },
            },
          };
        }
        const merged = mergeBySeq(tl.messages, messages);
        const oldest = merged[0]?.seq ?? 1;
        const hasOlder =
          direction === 'after' ? tl.hasOlder : messages.length >= limit && oldest > 1;
        // Paging down a window: a short page is the end; from then on live messages append.
        const hasNewer = tl.hasNewer && !(direction === 'after' && messages.length < limit);
        return {
          timelines: {
            ...s.timelines,
            [cid]: {
              messages: merged,
              loaded: tl.loaded || direction !== 'older',
              hasOlder,
              ...(hasNewer ? { hasNewer } : {}),
            },
          },
        };
      });
    },

    markRead: (cid, seq) =>
      set((s) => {
        const c = s.conversations[cid];
        if (!c) return {};
        const readSeq = Math.min(seq, c.lastSeq); // the server clamps the same way
        if (readSeq <= c.readSeq) return {};
        let unread: number;
        if (readSeq >= c.lastSeq) {
          unread = 0;
        } else {
          const tl = s.timelines[cid];
          const covers =
            tl && tl.messages.length > 0 &&
            (tl.messages[0] as Message).seq <= readSeq + 1 &&
            lastSeqOf(tl.messages) >= c.lastSeq;
          unread = covers
            ? tl.messages.filter((m) => m.seq > readSeq && m.from !== s.me?.id).length
            : Math.min(c.unread, c.lastSeq - readSeq);
        }
        return { conversations: { ...s.conversations, [cid]: { ...c, readSeq, unread } } };
      }),

    setPeerRead: (cid, userId, seq) => get().setPeerReads(cid, [{ userId, seq }]),

    setPeerReads: (cid, reads) =>
      set((s) => {
        const known = s.peerRead[cid] ?? {};
        const moved = reads.filter((r) => r.seq > (known[r.userId] ?? 0));
        if (moved.length === 0) return {};
        const markers = { ...known };
        for (const r of moved) markers[r.userId] = r.seq;
        return { peerRead: { ...s.peerRead, [cid]: markers } };
      }),

    enqueue: (cid, body, now = new Date(), replyTo, attachments) => {
      const entry: OutboxEntry = {
        clientMsgId: newClientMsgId(now),
        conversationId: cid,
        body,
        createdAt: now.toISOString(),
        status: 'pending',
        attempts: 1,
        ...(replyTo ? { replyTo } : {}),
        ...(attachments?.length ? { attachments } : {}),
      };
      set((s) => {
        const c = s.conversations[cid];
        return {
          outbox: [...s.outbox, entry],
          conversations: c
            ? { ...s.conversations, [cid]: { ...c, activityAt: entry.createdAt } }
            : s.conversations,
        };
      });
      return entry;
    },

    fail: (clientMsgId, error) =>
      set((s) => ({
        outbox: s.outbox.map((e) =>
          e.clientMsgId === clientMsgId ? { ...e, status: 'failed', error } : e,
        ),
      })),

    retry: (clientMsgId) => {
      let found: OutboxEntry | undefined;
      set((s) => ({
        outbox: s.outbox.map((e) => {
          if (e.clientMsgId !== clientMsgId) return e;
          found = { ...e, status: 'pending', attempts: e.attempts + 1, error: undefined };
          return found;
        }),
      }));
      return found;
    },

    discard: (clientMsgId) =>
      set((s) => ({ outbox: s.outbox.filter((e) => e.clientMsgId !== clientMsgId) })),

    hydrateOutbox: (entries) =>
      set((s) => {
        const known = new Set(s.outbox.map((e) => e.clientMsgId));
        return { outbox: [...s.outbox, ...entries.filter((e) => !known.has(e.clientMsgId))] };
      }),

    reset: () => set({ ...initial }),
  }));
}

export type ChatStore = ReturnType<typeof createChatStore>;

// Selectors (pure: derive, never store what can be derived).

export function sortedConversations(conversations: Record<string, Conversation>): Conversation[] {
  return Object.values(conversations).sort(
    (a, b) => b.activityAt.localeCompare(a.activityAt) || a.id.localeCompare(b.id),
  );
}

export function totalUnread(conversations: Record<string, Conversation>): number {
  let n = 0;
  for (const c of Object.values(conversations)) n += c.unread;
  return n;
}

export function conversationTitle(c: Conversation, me: string | undefined): string {
  if (c.title) return c.title;
  if (c.peer) return c.peer.id === me ? `${c.peer.username} (you)` : c.peer.username;
  const peer = me ? dmPeerId(c.id, me) : null;
  return peer ? 'Direct message' : c.id;
}
