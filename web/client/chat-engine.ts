// Connects the store to the server: REST pages, the WebSocket, the outbox and read markers.
//
// After every (re)connect it refreshes the conversation list, fills every loaded timeline
// with `after=` until it is complete, then sends what is still pending in the outbox with its
// original clientMsgId. The store dedupes by seq and clientMsgId, so a message that arrives
// twice (a live frame and a resync page, or an ack for a retried send) appears once.
import { api } from '@/lib/api';
import { attachmentMessageType, planAttachmentMessages, type FileInfo } from '@/lib/attachments';
import type { ConversationSummary, Message, ReplyRef, ServerFrame } from '@/lib/types';
import type { ChatStore, Gap, OutboxEntry } from '@/stores/chat-store';
import { applyMessageUpdate } from '@/stores/message-updates';
import { loadOutbox, saveOutbox } from '@/stores/outbox-storage';
import { ChatSocket } from './chat-socket';

const PAGE = 50;
// Scrolling back asks for the most the server gives (limit ≤ 100): half the round trips
// (and of the REST budget) through a long history.
const OLDER_PAGE = 100;
/** A window around a message: this many before it, the rest after. */
const AROUND_BEFORE = 25;
const RESYNC_PAGE = 100;
const ACK_WITHIN_MS = 15_000;

export type FrameHandler = (frame: ServerFrame) => void;

export interface EngineOptions {
  wsUrl: string;
  storage: Storage;
  /** The server ended the session (logout elsewhere, expired token). */
  onSessionEnded(): void;
}

export class ChatEngine {
  private readonly socket: ChatSocket;
  private readonly handlers = new Map<string, FrameHandler>();
  private readonly ackTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly loading = new Set<string>();
  private unsubscribe: (() => void) | null = null;
  private refreshQueued = false;

  constructor(
    private readonly store: ChatStore,
    private readonly opts: EngineOptions,
  ) {
    this.socket = new ChatSocket(opts.wsUrl, {
      onOpen: () => void this.onOpen(),
      onFrame: (f) => this.onFrame(f),
      onClose: ({ final }) => {
        for (const t of this.ackTimers.values()) clearTimeout(t);
        this.ackTimers.clear();
        this.store.getState().setConnection(final ? 'offline' : 'connecting');
        if (final) this.opts.onSessionEnded();
      },
    });
  }

  /** Extension point: typing, presence, reactions… register their frame types here. */
  on(type: string, handler: FrameHandler): () => void {
    this.handlers.set(type, handler);
    return () => this.handlers.delete(type);
  }

  start(): void {
    const me = this.store.getState().me;
    if (!me) throw new Error('ChatEngine.start before sign-in');
    this.store.getState().hydrateOutbox(loadOutbox(this.opts.storage, me.id));
    let last = this.store.getState().outbox;
    this.unsubscribe = this.store.subscribe((s) => {
      if (s.outbox === last) return;
      last = s.outbox;
      saveOutbox(this.opts.storage, me.id, s.outbox);
    });
    this.store.getState().setConnection('connecting');
    this.socket.start();
  }

  stop(): void {
    this.socket.stop();
    this.unsubscribe?.();
    for (const t of this.ackTimers.values()) clearTimeout(t);
    this.ackTimers.clear();
  }

  reconnectNow(): void {
    this.socket.reconnectNow();
  }

  /** For frames other features send (typing, presence); false while the socket is down. */
  sendFrame(frame: { type: string }): boolean {
    return this.socket.send(frame);
  }

  /**
   * Whether the reader can see the newest message of the open conversation (e.g. scrolled to
   * the bottom); the view that knows replaces it. Read markers only move while it says yes.
   */
  canSeeNewest: () => boolean = () => true;

  // --- sending

  send(conversationId: string, body: string, replyTo?: ReplyRef, attachments?: FileInfo[]): void {
    const entry = this.store.getState().enqueue(conversationId, body, undefined, replyTo, attachments);
    this.transmit(entry);
  }

  /**
   * Uploaded files with an optional caption: images in `image` messages, other files in `file`
   * messages (lib/attachments.ts); the caption and the quoted reply go with the first.
   */
  sendFiles(conversationId: string, caption: string, files: FileInfo[], replyTo?: ReplyRef): void {
    planAttachmentMessages(caption, files).forEach((m, i) =>
      this.send(conversationId, m.body, i === 0 ? replyTo : undefined, m.files),
    );
  }

  retry(clientMsgId: string): void {
    const entry = this.store.getState().retry(clientMsgId);
    if (entry) this.transmit(entry);
  }

  private transmit(entry: OutboxEntry): void {
    const sent = this.socket.send({
      type: 'send',
      clientMsgId: entry.clientMsgId,
      conversationId: entry.conversationId,
      body: entry.body,
      msgType: entry.attachments?.length ? attachmentMessageType(entry.attachments) : 'text',
      ...(entry.attachments?.length ? { attachments: entry.attachments.map((f) => f.id) } : {}),
      ...(entry.replyTo ? { replyTo: entry.replyTo.id } : {}),
    });
    if (!sent) return; // stays pending; the next open sends it
    clearTimeout(this.ackTimers.get(entry.clientMsgId));
    this.ackTimers.set(
      entry.clientMsgId,
      setTimeout(() => {
        this.ackTimers.delete(entry.clientMsgId);
        const still = this.store.getState().outbox.find((e) => e.clientMsgId === entry.clientMsgId);
        if (still?.status === 'pending') this.store.getState().fail(entry.clientMsgId, 'No answer from the server');
      }, ACK_WITHIN_MS),
    );
  }

  // --- reading

  /**
   * Fetches the conversation list into the store. `prefetched`: the same request already on
   * its way (lib/early-requests.ts); when it failed (asked before sign-in), it is asked again.
   */
  async refreshConversations(prefetched?: Promise<{ conversations: ConversationSummary[] }> | null): Promise<void> {
    const { conversations } = await (prefetched?.catch(() => api.conversations()) ?? api.conversations());
    this.store.getState().setConversations(conversations);
  }

  /**
   * Makes `cid` the open conversation, fetching its newest page the first time, and the
   * others' read markers every time (live `read` frames only tell what happened while
   * connected).
   */
  async open(cid: string | null): Promise<void> {
    this.store.getState().setActive(cid);
    if (!cid) return;
    void this.loadReads(cid);
    if (!this.store.getState().timelines[cid]?.loaded) {
      await this.page(cid, 'newest', () => api.messages(cid, { limit: PAGE }), PAGE);
    }
    this.markReadIfSeen();
  }

  async loadOlder(cid: string): Promise<void> {
    const tl = this.store.getState().timelines[cid];
    const oldest = tl?.messages[0]?.seq;
    if (!tl?.hasOlder || oldest === undefined) return;
    await this.page(cid, 'older', () => api.messages(cid, { before: oldest, limit: OLDER_PAGE }), OLDER_PAGE);
  }

  /** Pages down a window (see Timeline.hasNewer) until it reaches the newest message. */
  async loadNewer(cid: string): Promise<void> {
    const tl = this.store.getState().timelines[cid];
    const newest = tl?.messages.at(-1)?.seq;
    if (!tl?.hasNewer || newest === undefined) return;
    await this.page(cid, 'after', () => api.messages(cid, { after: newest, limit: OLDER_PAGE }), OLDER_PAGE);
  }

  /**
   * Makes sure message `seq` is in the timeline: nothing to do when it is loaded; a page or
   * two back when it is close; else the timeline becomes a window around it (one request,
   * however deep in the history it is).
   */
  async loadAround(cid: string, seq: number): Promise<void> {
    for (let pages = 0; ; pages++) {
      const tl = this.store.getState().timelines[cid];
      const oldest = tl?.messages[0]?.seq;
      const newest = tl?.messages.at(-1)?.seq;
      if (tl?.loaded && oldest !== undefined && newest !== undefined && seq >= oldest && seq <= newest) return;
      const near = tl?.loaded && oldest !== undefined && seq < oldest && oldest - seq <= OLDER_PAGE * 2;
      if (!near || pages >= 2) break;
      await this.loadOlder(cid);
    }
    const after = Math.max(0, seq - AROUND_BEFORE - 1);
    const { messages } = await api.messages(cid, { after, limit: PAGE });
    this.store.getState().addPage(cid, messages, 'around', PAGE);
  }

  /** Leaves a window for the newest page (the "jump to latest" button). */
  async loadLatest(cid: string): Promise<void> {
    await this.page(cid, 'newest', () => api.messages(cid, { limit: PAGE }), PAGE);
  }

  /** The other participants' read markers, for the receipts; a failure leaves what we have. */
  async loadReads(cid: string): Promise<void> {
    try {
      const { reads } = await api.reads(cid);
      this.store.getState().setPeerReads(cid, reads);
    } catch {
      /* receipts stay as the live frames left them; the next open or reconnect asks again */
    }
  }

  /** The active conversation is on screen: move the read marker to its last message. */
  markReadIfSeen(): void {
    const s = this.store.getState();
    const cid = s.activeId;
    if (!cid || typeof document === 'undefined' || document.visibilityState !== 'visible') return;
    if (!this.canSeeNewest()) return;
    // A window around an older message (a search hit) does not show the newest either.
    if (s.timelines[cid]?.hasNewer) return;
    const c = s.conversations[cid];
    if (!c || c.lastSeq <= c.readSeq) return;
    s.markRead(cid, c.lastSeq);
    if (!this.socket.send({ type: 'read', conversationId: cid, seq: c.lastSeq })) {
      api.markRead(cid, c.lastSeq).catch(() => {});
    }
  }

  private async page(
    cid: string,
    direction: 'newest' | 'older' | 'after',
    fetchPage: () => Promise<{ messages: Message[] }>,
    limit: number,
  ): Promise<void> {
    const key = `${cid}:${direction}`;
    if (this.loading.has(key)) return;
    this.loading.add(key);
    try {
      const { messages } = await fetchPage();
      this.store.getState().addPage(cid, messages, direction, limit);
      // A live message that arrived while the first page was on its way is newer than the
      // page and was not kept (the timeline was not loaded yet): fetch what the page lacks.
      const s = this.store.getState();
      const newest = s.timelines[cid]?.messages.at(-1)?.seq ?? 0;
      const lastSeq = s.conversations[cid]?.lastSeq ?? 0;
      // Likewise when paging down a window has just reached the end.
      const reachedEnd = direction === 'after' && !s.timelines[cid]?.hasNewer;
      if ((direction === 'newest' || reachedEnd) && lastSeq > newest) await this.fill(cid, newest);
    } finally {
      this.loading.delete(key);
    }
  }

  /** Fetches `after=` until the timeline reaches the newest message. */
  private async fill(cid: string, after: number): Promise<void> {
    for (;;) {
      const { messages } = await api.messages(cid, { after, limit: RESYNC_PAGE });
      this.store.getState().addPage(cid, messages, 'after', RESYNC_PAGE);
      if (messages.length < RESYNC_PAGE) return;
      after = messages[messages.length - 1]!.seq;
    }
  }

  private fillGaps(gaps: Gap[]): void {
    for (const g of gaps) void this.fill(g.conversationId, g.after).catch(() => {});
  }

  private async onOpen(): Promise<void> {
    this.store.getState().setConnection('online');
    try {
      await this.refreshConversations();
      const { timelines } = this.store.getState();
      await Promise.all(
        Object.entries(timelines)
          .filter(([, tl]) => tl.loaded && !tl.hasNewer) // a window pages down on scroll
          .map(([cid, tl]) => this.fill(cid, tl.messages.at(-1)?.seq ?? 0)),
      );
      // The open conversation's first page may have failed while we were offline (opening
      // loads its read markers too); else only the markers that moved while we were away.
      const { activeId } = this.store.getState();
      if (activeId && !this.store.getState().timelines[activeId]?.loaded) await this.open(activeId);
      else if (activeId) void this.loadReads(activeId);
    } catch {
      /* the next reconnect tries again; live frames still flow */
    }
    for (const e of this.store.getState().outbox) {
      if (e.status === 'pending') this.transmit(e);
    }
    this.markReadIfSeen();
  }

  private onFrame(frame: ServerFrame): void {
    const s = this.store.getState();
    switch (frame.type) {
      case 'ack':
      case 'message': {
        const { message } = frame as { message: Message; clientMsgId?: string };
        if (frame.type === 'ack') {
          const id = (frame as { clientMsgId: string }).clientMsgId;
          clearTimeout(this.ackTimers.get(id));
          this.ackTimers.delete(id);
        }
        // A conversation we have no list entry (or, for a DM, no peer) for: someone new wrote.
        const known = s.conversations[message.conversationId];
        const unknown = !known || (known.kind === 'dm' && !known.peer);
        this.fillGaps(s.receive([message], { live: true }));
        if (unknown) this.queueRefresh();
        if (message.conversationId === s.activeId) this.markReadIfSeen();
        return;
      }
      case 'message-updated': {
        const { message } = frame as { message: Message };
        this.store.setState((st) => applyMessageUpdate(st, message));
        return;
      }
      case 'read': {
        const f = frame as { conversationId: string; userId: string; seq: number };
        if (f.userId === s.me?.id) s.markRead(f.conversationId, f.seq);
        else s.setPeerRead(f.conversationId, f.userId, f.seq);
        return;
      }
      case 'error': {
        const f = frame as { ref?: string | null; message: string };
        if (f.ref) {
          clearTimeout(this.ackTimers.get(f.ref));
          this.ackTimers.delete(f.ref);
          s.fail(f.ref, f.message);
        }
        this.handlers.get('error')?.(frame); // e.g. a `blocked` refusal, for the social side
        return;
      }
      default:
        this.handlers.get(frame.type)?.(frame);
    }
  }

  // A message from someone new: the list entry (with the peer) comes from the server.
  private queueRefresh(): void {
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    queueMicrotask(() => {
      this.refreshQueued = false;
      this.refreshConversations().catch(() => {});
    });
  }
}
