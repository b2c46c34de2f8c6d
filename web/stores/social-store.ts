// The signed-in user's social state: friends and requests, blocks, friends' presence, groups,
// who is typing where, and the people whose names the client has learned. A factory like
// stores/chat-store.ts (one store per session, handed down by components/social-provider.tsx);
// client/social-engine.ts feeds it from REST snapshots and WebSocket events.
//
// Invariants:
// - a user is in at most one of `friends`, `incoming`, `outgoing`, `blocked` (the server keeps
//   one friendship per pair, and a block ends it);
// - `presence` holds friends only: the server tells friends, everybody else is "unknown", not
//   "offline";
// - a typing entry disappears when it expires, when its stop arrives, or when that person's
//   message lands (they finished typing).
import { createStore } from 'zustand/vanilla';
import type { User } from '@/lib/types';
import type { Friendship, FriendsSnapshot, Group, Presence, PresenceStatus } from '@/lib/social-types';

/** How long a `start` shows without a repeat (docs/api.md, "Typing"). */
export const TYPING_SHOWS_MS = 6_000;

export type Relationship = 'self' | 'friend' | 'incoming' | 'outgoing' | 'blocked' | 'none';

/** Why a group I was in is no longer mine; the conversation stays read-only with a note. */
export interface Departure {
  reason: 'left' | 'removed' | 'deleted';
  name: string;
}

export interface SocialState {
  me: string;
  /** The first friends snapshot arrived (lists can say "none" instead of loading). */
  friendsLoaded: boolean;
  groupsLoaded: boolean;
  users: Record<string, User>;
  friends: string[];
  incoming: Friendship[];
  outgoing: Friendship[];
  blocked: string[];
  presence: Record<string, Presence>;
  groups: Record<string, Group>;
  departed: Record<string, Departure>;
  /** Groups I asked to leave: their next update without me is a leave, not a kick (it is
   *  cleared by that update, which may come after the REST answer). */
  leaving: Record<string, true>;
  /** DMs the server refused with `blocked` although I blocked nobody there: the peer did. */
  refusedDms: Record<string, true>;
  /** conversation → user → when their `start` stops showing (ms since epoch). */
  typing: Record<string, Record<string, number>>;

  rememberUsers(users: User[]): void;
  setFriends(snapshot: FriendsSnapshot): void;
  friendRequested(f: Friendship): void;
  friendAccepted(f: Friendship): void;
  friendRejected(f: Friendship): void;
  friendRemoved(userId: string): void;
  blockedUser(user: User): void;
  unblockedUser(userId: string): void;
  setPresence(userId: string, status: PresenceStatus, lastSeen: string | null): void;

  setGroups(groups: Group[]): void;
  /** A group-updated event or a REST answer; returns what it meant for my membership. */
  groupUpdated(g: Group): 'member' | Departure['reason'];
  startLeaving(groupId: string): void;
  /** The server said my leave is done; its group-updated may still be on its way. */
  forgetGroup(groupId: string): void;
  forgetDeparture(groupId: string): void;

  dmRefused(cid: string): void;
  dmAllowed(cid: string): void;

  typingStarted(cid: string, userId: string, now?: number): void;
  typingStopped(cid: string, userId: string): void;
  /** Drops every typing entry whose time is up. */
  pruneTyping(now?: number): void;
}

function without<T>(list: T[], drop: (x: T) => boolean): T[] {
  const kept = list.filter((x) => !drop(x));
  return kept.length === list.length ? list : kept;
}

export function createSocialStore(me: string) {
  return createStore<SocialState>()((set, get) => ({
    me,
    friendsLoaded: false,
    groupsLoaded: false,
    users: {},
    friends: [],
    incoming: [],
    outgoing: [],
    blocked: [],
    presence: {},
    groups: {},
    departed: {},
    leaving: {},
    refusedDms: {},
    typing: {},

    rememberUsers: (users) =>
      set((s) => {
        if (users.length === 0) return {};
        const next = { ...s.users };
        for (const u of users) next[u.id] = { ...next[u.id], ...u };
        return { users: next };
      }),

    setFriends: (snap) => {
      get().rememberUsers([
        ...snap.friends,
        ...snap.incoming.map((r) => r.user),
        ...snap.outgoing.map((r) => r.user),
        ...snap.blocked,
      ]);
      const presence: Record<string, Presence> = {};
      for (const u of snap.friends) {
        presence[u.id] = {
          status: (u.status as PresenceStatus | undefined) ?? 'offline',
          lastSeen: u.lastSeen ?? null,
        };
      }
      const strip = ({ user: _user, ...f }: Friendship & { user?: User }): Friendship => f;
      set({
        friendsLoaded: true,
        friends: snap.friends.map((u) => u.id),
        incoming: snap.incoming.map(strip),
        outgoing: snap.outgoing.map(strip),
        blocked: snap.blocked.map((u) => u.id),
        presence,
      });
    },

    friendRequested: (f) =>
      set((s) => {
        const mine = f.requester === s.me;
        const list = mine ? s.outgoing : s.incoming;
        if (list.some((x) => x.id === f.id)) return {};
        const updated = [f, ...list];
        return mine ? { outgoing: updated } : { incoming: updated };
      }),

    friendAccepted: (f) =>
      set((s) => {
        const other = f.requester === s.me ? f.recipient : f.requester;
        return {
          incoming: without(s.incoming, (x) => x.id === f.id),
          outgoing: without(s.outgoing, (x) => x.id === f.id),
          friends: s.friends.includes(other) ? s.friends : [...s.friends, other],
        };
      }),

    friendRejected: (f) =>
      set((s) => ({
        incoming: without(s.incoming, (x) => x.id === f.id),
        outgoing: without(s.outgoing, (x) => x.id === f.id),
      })),

    friendRemoved: (userId) =>
      set((s) => {
        const involves = (f: Friendship) => f.requester === userId || f.recipient === userId;
        const { [userId]: _gone, ...presence } = s.presence;
        return {
          friends: without(s.friends, (id) => id === userId),
          incoming: without(s.incoming, involves),
          outgoing: without(s.outgoing, involves),
          presence,
        };
      }),

    blockedUser: (user) => {
      get().rememberUsers([user]);
      get().friendRemoved(user.id); // a block ends any friendship or request
      set((s) => ({ blocked: s.blocked.includes(user.id) ? s.blocked : [...s.blocked, user.id] }));
    },

    unblockedUser: (userId) => set((s) => ({ blocked: without(s.blocked, (id) => id === userId) })),

    setPresence: (userId, status, lastSeen) =>
      set((s) => {
        // Presence only goes to friends; one that races an unfriend is not kept.
        if (!s.friends.includes(userId)) return {};
        return { presence: { ...s.presence, [userId]: { status, lastSeen } } };
      }),

    setGroups: (groups) =>
      set((s) => {
        const next: Record<string, Group> = {};
        for (const g of groups) next[g.id] = g;
        // Keep departures: a kicked group stays on screen until the user moves on.
        return { groups: next, groupsLoaded: true, departed: s.departed };
      }),

    groupUpdated: (g) => {
      const s = get();
      const isMember = g.members.some((m) => m.userID === s.me);
      const { [g.id]: _dropLeaving, ...leaving } = s.leaving;
      if (isMember) {
        const { [g.id]: _dropDeparture, ...departed } = s.departed;
        set({ groups: { ...s.groups, [g.id]: g }, departed, leaving });
        return 'member';
      }
      // My own leave (also when it emptied the group) needs no note: the conversation goes.
      const reason: Departure['reason'] = s.leaving[g.id] ? 'left' : g.members.length === 0 ? 'deleted' : 'removed';
      const { [g.id]: _dropGroup, ...groups } = s.groups;
      const { [g.id]: _dropNote, ...departed } = s.departed;
      set({ groups, leaving, departed: reason === 'left' ? departed : { ...departed, [g.id]: { reason, name: g.name } } });
      return reason;
    },

    startLeaving: (groupId) => set((s) => ({ leaving: { ...s.leaving, [groupId]: true } })),

    forgetGroup: (groupId) =>
      set((s) => {
        if (!s.groups[groupId]) return {};
        const { [groupId]: _gone, ...groups } = s.groups;
        return { groups };
      }),

    forgetDeparture: (groupId) =>
      set((s) => {
        if (!s.departed[groupId]) return {};
        const { [groupId]: _gone, ...departed } = s.departed;
        return { departed };
      }),

    dmRefused: (cid) => set((s) => (s.refusedDms[cid] ? {} : { refusedDms: { ...s.refusedDms, [cid]: true } })),

    dmAllowed: (cid) =>
      set((s) => {
        if (!s.refusedDms[cid]) return {};
        const { [cid]: _gone, ...refusedDms } = s.refusedDms;
        return { refusedDms };
      }),

    typingStarted: (cid, userId, now = Date.now()) =>
      set((s) => ({
        typing: { ...s.typing, [cid]: { ...s.typing[cid], [userId]: now + TYPING_SHOWS_MS } },
      })),

    typingStopped: (cid, userId) =>
      set((s) => {
        if (s.typing[cid]?.[userId] === undefined) return {};
        const { [userId]: _gone, ...rest } = s.typing[cid];
        return { typing: { ...s.typing, [cid]: rest } };
      }),

    pruneTyping: (now = Date.now()) =>
      set((s) => {
        let changed = false;
        const typing: SocialState['typing'] = {};
        for (const [cid, who] of Object.entries(s.typing)) {
          const kept: Record<string, number> = {};
          for (const [uid, until] of Object.entries(who)) {
            if (until > now) kept[uid] = until;
            else changed = true;
          }
          typing[cid] = kept;
        }
        return changed ? { typing } : {};
      }),
  }));
}

export type SocialStore = ReturnType<typeof createSocialStore>;

// Selectors (pure).

export function relationshipWith(s: SocialState, userId: string): Relationship {
  if (userId === s.me) return 'self';
  if (s.blocked.includes(userId)) return 'blocked';
  if (s.friends.includes(userId)) return 'friend';
  if (s.incoming.some((f) => f.requester === userId)) return 'incoming';
  if (s.outgoing.some((f) => f.recipient === userId)) return 'outgoing';
  return 'none';
}

/** Who is typing in a conversation now, me excluded, in the order they started. */
export function typingUserIds(s: SocialState, cid: string, now = Date.now()): string[] {
  return Object.entries(s.typing[cid] ?? {})
    .filter(([uid, until]) => uid !== s.me && until > now)
    .map(([uid]) => uid);
}

/** "Alice is typing…", "Alice and Bob are typing…", "Alice, Bob and 2 others are typing…". */
export function typingLabel(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
  return `${names[0]}, ${names[1]} and ${names.length - 2} others are typing…`;
}

/** Whether I am an admin of this group (admins may delete anyone's message there). */
export function isGroupAdmin(s: SocialState, groupId: string | null): boolean {
  if (!groupId) return false;
  return !!s.groups[groupId]?.members.some((m) => m.userID === s.me && m.role === 'admin');
}

export function displayName(s: SocialState, userId: string): string {
  return s.users[userId]?.username ?? 'Someone';
}
