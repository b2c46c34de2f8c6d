// Connects the social store to the server: the friends and groups snapshots (at start and
// after every reconnect, since events missed while offline are not replayed), and the
// WebSocket events registered on the ChatEngine (presence, typing, friend-*, group-updated,
// `blocked` refusals). It also sends this client's typing and away frames, and does the
// social REST actions so that the store moves as soon as the server said yes.
import { ApiError } from '@/lib/api';
import { dmPeerId } from '@/lib/conversation-id';
import { socialApi } from '@/lib/social-api';
import { groupConversationId, groupIdOf, type Friendship, type Group, type GroupDraft, type GroupRole, type GroupSettings, type PresenceStatus } from '@/lib/social-types';
import type { ServerFrame, User } from '@/lib/types';
import type { ChatStore } from '@/stores/chat-store';
import { dropConversation, retitleConversation } from '@/stores/group-conversations';
import { TYPING_SHOWS_MS, type SocialStore } from '@/stores/social-store';
import type { ChatEngine } from './chat-engine';
import { AwayWhenHidden } from './away-when-hidden';
import { TypingSender } from './typing-sender';

const MAX_LOOKUPS_IN_FLIGHT = 4;
const LOOKUP_PENDING = -1;
const LOOKUP_RETRY_MS = 30_000;

export class SocialEngine {
  readonly typing: TypingSender;
  private readonly away: AwayWhenHidden;
  private readonly offs: (() => void)[] = [];
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** User id → LOOKUP_PENDING while queued or asked, else when it may be asked again. */
  private readonly userLookups = new Map<string, number>();
  private readonly lookupQueue: string[] = [];
  private lookupsInFlight = 0;

  constructor(
    private readonly chat: ChatEngine,
    private readonly chatStore: ChatStore,
    private readonly store: SocialStore,
  ) {
    this.typing = new TypingSender((f) => chat.sendFrame(f));
    this.away = new AwayWhenHidden((f) => chat.sendFrame(f));
  }

  start(): void {
    // Frames are the server's (docs/api.md): their shape is trusted as documented.
    const on = <F>(type: string, handler: (f: F) => void) =>
      this.offs.push(this.chat.on(type, (f: ServerFrame) => handler(f as unknown as F)));
    type WithFriendship = { friendship: Friendship };
    on<{ userId: string; status: PresenceStatus; lastSeen: string | null }>('presence', (p) =>
      this.store.getState().setPresence(p.userId, p.status, p.lastSeen),
    );
    on<{ conversationId: string; userId: string; state: string }>('typing', (f) => this.onTyping(f));
    on<WithFriendship>('friend-request', (f) => this.onFriendRequest(f.friendship));
    on<WithFriendship>('friend-accepted', (f) => this.onFriendAccepted(f.friendship));
    on<WithFriendship>('friend-rejected', (f) => this.store.getState().friendRejected(f.friendship));
    on<{ userId: string }>('friend-removed', (f) => this.store.getState().friendRemoved(f.userId));
    on<{ group: Group }>('group-updated', (f) => this.onGroupUpdated(f.group));
    on<{ code: string; ref?: string | null }>('error', (f) => this.onError(f));

    // The chat store says when the socket is (back) online and when messages land.
    let prev = this.chatStore.getState();
    this.offs.push(
      this.chatStore.subscribe((s) => {
        const before = prev;
        prev = s;
        if (s.connection === 'online' && before.connection !== 'online') this.onOnline();
        if (s.conversations !== before.conversations) this.onConversations(s.conversations, before.conversations);
      }),
    );
    if (prev.connection === 'online') this.onOnline();
    this.onConversations(prev.conversations, {});

    const onVisibility = () => this.away.visibilityChanged(document.visibilityState === 'hidden');
    document.addEventListener('visibilitychange', onVisibility);
    this.offs.push(() => document.removeEventListener('visibilitychange', onVisibility));
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    for (const t of this.typingTimers.values()) clearTimeout(t);
    this.typingTimers.clear();
    this.typing.stop();
    this.away.stop();
  }

  // --- snapshots

  async refreshFriends(): Promise<void> {
    this.store.getState().setFriends(await socialApi.friends());
  }

  async refreshGroups(): Promise<void> {
    const { groups } = await socialApi.myGroups();
    this.store.getState().setGroups(groups);
    for (const g of groups) retitleConversation(this.chatStore, groupConversationId(g.id), g.name);
  }

  /**
   * Learns the names of these users (group members, message authors), a few requests at a
   * time: a big group must not spend the REST budget (docs/api.md, 100 a minute) in one go.
   * A failed look-up is tried again only after a pause; an unknown user never again.
   */
  ensureUsers(ids: Iterable<string>): void {
    const known = this.store.getState().users;
    const now = Date.now();
    for (const id of ids) {
      const retryAt = this.userLookups.get(id);
      if (known[id] || retryAt === LOOKUP_PENDING || (retryAt !== undefined && retryAt > now)) continue;
      this.userLookups.set(id, LOOKUP_PENDING);
      this.lookupQueue.push(id);
    }
    this.pumpLookups();
  }

  private pumpLookups(): void {
    while (this.lookupsInFlight < MAX_LOOKUPS_IN_FLIGHT && this.lookupQueue.length) {
      const id = this.lookupQueue.shift() as string;
      this.lookupsInFlight++;
      socialApi
        .user(id)
        .then(({ user }) => {
          this.userLookups.delete(id);
          this.store.getState().rememberUsers([user]);
        })
        .catch((e: unknown) => {
          const gone = e instanceof ApiError && e.status === 404;
          this.userLookups.set(id, gone ? Number.POSITIVE_INFINITY : Date.now() + LOOKUP_RETRY_MS);
        })
        .finally(() => {
          this.lookupsInFlight--;
          this.pumpLookups();
        });
    }
  }

  private onOnline(): void {
    this.away.reconnected();
    this.refreshFriends().catch(() => {});
    this.refreshGroups().catch(() => {});
  }

  private onConversations(
    now: ChatStoreConversations,
    before: ChatStoreConversations,
  ): void {
    const peers: User[] = [];
    for (const [cid, c] of Object.entries(now)) {
      if (c.peer && before[cid]?.peer !== c.peer) peers.push(c.peer);
      const last = c.lastMessage;
      if (last && last !== before[cid]?.lastMessage) {
        // Their message landed: they are not typing any more, and they can write to me.
        this.store.getState().typingStopped(cid, last.from);
        if (c.kind === 'dm' && last.from !== this.store.getState().me) this.store.getState().dmAllowed(cid);
      }
    }
    if (peers.length) this.store.getState().rememberUsers(peers);
  }

  // --- events

  private onTyping(f: { conversationId: string; userId: string; state: string }): void {
    const key = `${f.conversationId}\n${f.userId}`;
    clearTimeout(this.typingTimers.get(key));
    this.typingTimers.delete(key);
    const s = this.store.getState();
    if (f.state !== 'start') {
      s.typingStopped(f.conversationId, f.userId);
      return;
    }
    s.typingStarted(f.conversationId, f.userId);
    this.ensureUsers([f.userId]);
    this.typingTimers.set(
      key,
      setTimeout(() => {
        this.typingTimers.delete(key);
        this.store.getState().pruneTyping();
      }, TYPING_SHOWS_MS),
    );
  }

  private onFriendRequest(f: Friendship): void {
    this.ensureUsers([f.requester, f.recipient]);
    this.store.getState().friendRequested(f);
  }

  private onFriendAccepted(f: Friendship): void {
    this.ensureUsers([f.requester, f.recipient]);
    this.store.getState().friendAccepted(f);
  }

  private onGroupUpdated(g: Group): void {
    const cid = groupConversationId(g.id);
    const outcome = this.store.getState().groupUpdated(g);
    if (outcome === 'member') {
      this.ensureUsers(g.members.map((m) => m.userID));
      if (this.chatStore.getState().conversations[cid]) retitleConversation(this.chatStore, cid, g.name);
      else this.chat.refreshConversations().catch(() => {});
    } else if (outcome === 'left') {
      dropConversation(this.chatStore, cid);
    }
    // Removed or deleted: the conversation stays, read-only, with a note (ConversationView).
  }

  private onError(f: { code: string; ref?: string | null }): void {
    if (f.code !== 'blocked') return;
    // A refused send names its clientMsgId; a refused typing frame names nothing, but it can
    // only be the conversation typing went out for last.
    const cid = f.ref
      ? this.chatStore.getState().outbox.find((e) => e.clientMsgId === f.ref)?.conversationId
      : this.typing.conversationId;
    if (!cid) return;
    const me = this.store.getState().me;
    const peer = dmPeerId(cid, me);
    if (peer && !this.store.getState().blocked.includes(peer)) this.store.getState().dmRefused(cid);
    if (!f.ref) this.typing.stop();
  }

  // --- actions (each throws the server's ApiError for the caller to show)

  async requestFriend(user: User): Promise<void> {
    this.store.getState().rememberUsers([user]);
    const { friendship } = await socialApi.requestFriend(user.id);
    if (friendship.status === 'accepted') this.store.getState().friendAccepted(friendship);
    else this.store.getState().friendRequested(friendship);
  }

  async accept(f: Friendship): Promise<void> {
    this.store.getState().friendAccepted((await socialApi.acceptRequest(f.id)).friendship);
  }

  async reject(f: Friendship): Promise<void> {
    this.store.getState().friendRejected((await socialApi.rejectRequest(f.id)).friendship);
  }

  /** Unfriend, withdraw my request, or decline theirs. */
  async removeFriend(userId: string): Promise<void> {
    await socialApi.removeFriend(userId).catch(ignoreStatus(404));
    this.store.getState().friendRemoved(userId);
  }

  async block(user: User): Promise<void> {
    await socialApi.block(user.id);
    this.store.getState().blockedUser(user);
  }

  async unblock(userId: string): Promise<void> {
    await socialApi.unblock(userId);
    this.store.getState().unblockedUser(userId);
  }

  /** Creates the group, adds the first members, and returns its conversation id. */
  async createGroup(draft: GroupDraft, memberIds: string[]): Promise<{ cid: string; failed: string[] }> {
    let { group } = await socialApi.createGroup(draft);
    const failed: string[] = [];
    for (const id of memberIds) {
      try {
        group = (await socialApi.addMember(group.id, id)).group;
      } catch {
        failed.push(id);
      }
    }
    this.onGroupUpdated(group);
    await this.chat.refreshConversations();
    return { cid: groupConversationId(group.id), failed };
  }

  async joinGroup(groupId: string): Promise<string> {
    const { group } = await socialApi.joinGroup(groupId);
    this.onGroupUpdated(group);
    await this.chat.refreshConversations();
    return groupConversationId(group.id);
  }

  async leaveGroup(groupId: string): Promise<void> {
    this.store.getState().startLeaving(groupId);
    await socialApi.leaveGroup(groupId);
    // The group-updated event may come later: do not wait for it to take the group away.
    this.store.getState().forgetGroup(groupId);
    dropConversation(this.chatStore, groupConversationId(groupId));
  }

  async updateGroup(groupId: string, patch: { name?: string; description?: string; settings?: Partial<GroupSettings> }) {
    this.onGroupUpdated((await socialApi.updateGroup(groupId, patch)).group);
  }

  async addMember(groupId: string, user: User): Promise<void> {
    this.store.getState().rememberUsers([user]);
    this.onGroupUpdated((await socialApi.addMember(groupId, user.id)).group);
  }

  async removeMember(groupId: string, userId: string): Promise<void> {
    this.onGroupUpdated((await socialApi.removeMember(groupId, userId)).group);
  }

  async setRole(groupId: string, userId: string, role: GroupRole): Promise<void> {
    this.onGroupUpdated((await socialApi.setRole(groupId, userId, role)).group);
  }

  /** A kicked or deleted group's conversation, closed by the user: gone from the list. */
  dismissDeparted(cid: string): void {
    const gid = groupIdOf(cid);
    if (gid) this.store.getState().forgetDeparture(gid);
    dropConversation(this.chatStore, cid);
  }
}

type ChatStoreConversations = ReturnType<ChatStore['getState']>['conversations'];

function ignoreStatus(status: number) {
  return (e: unknown) => {
    if (!(e instanceof ApiError) || e.status !== status) throw e;
  };
}
