// The social store's reducers: friend events, blocks, presence for friends only, group
// membership changes (kicked vs left vs deleted), refused DMs and typing entries.
import { describe, expect, it } from 'vitest';
import { createSocialStore, relationshipWith, typingLabel, typingUserIds, TYPING_SHOWS_MS } from '@/stores/social-store';
import type { Friendship, Group } from '@/lib/social-types';

const ME = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const BOB = { id: 'bbbbbbbbbbbbbbbbbbbbbbbb', username: 'bob' };
const CAROL = { id: 'cccccccccccccccccccccccc', username: 'carol' };
const T0 = '2026-01-01T12:00:00.000Z';

function friendship(requester: string, recipient: string, status: Friendship['status'] = 'pending', id = 'f1'): Friendship {
  return { id, requester, recipient, status, createdAt: T0, updatedAt: T0 };
}

function group(members: string[], over: Partial<Group> = {}): Group {
  return {
    id: 'g1',
    name: 'Trip',
    description: '',
    avatar: '',
    members: members.map((userID, i) => ({ userID, role: i === 0 ? 'admin' : 'member', joinedAt: T0 })),
    settings: { isPublic: false, allowInvites: false, maxMembers: 1000 },
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

describe('friends', () => {
  it('a snapshot sets the lists, the users and the friends’ presence', () => {
    const store = createSocialStore(ME);
    store.getState().setFriends({
      friends: [{ ...BOB, status: 'away', lastSeen: T0 }],
      incoming: [{ ...friendship(CAROL.id, ME), user: CAROL }],
      outgoing: [],
      blocked: [],
    });
    const s = store.getState();
    expect(s.friendsLoaded).toBe(true);
    expect(s.friends).toEqual([BOB.id]);
    expect(s.incoming).toEqual([friendship(CAROL.id, ME)]);
    expect(s.users[CAROL.id]?.username).toBe('carol');
    expect(s.presence[BOB.id]).toEqual({ status: 'away', lastSeen: T0 });
    expect(relationshipWith(s, CAROL.id)).toBe('incoming');
    expect(relationshipWith(s, BOB.id)).toBe('friend');
    expect(relationshipWith(s, ME)).toBe('self');
  });

  it('friend-request goes to outgoing or incoming by who asked, once', () => {
    const store = createSocialStore(ME);
    store.getState().friendRequested(friendship(ME, BOB.id, 'pending', 'f1'));
    store.getState().friendRequested(friendship(ME, BOB.id, 'pending', 'f1')); // both my tabs
    store.getState().friendRequested(friendship(CAROL.id, ME, 'pending', 'f2'));
    expect(store.getState().outgoing.map((f) => f.id)).toEqual(['f1']);
    expect(store.getState().incoming.map((f) => f.id)).toEqual(['f2']);
    expect(relationshipWith(store.getState(), BOB.id)).toBe('outgoing');
  });

  it('friend-accepted makes a friend of the other side, whichever side I was', () => {
    const store = createSocialStore(ME);
    store.getState().friendRequested(friendship(ME, BOB.id, 'pending', 'f1'));
    store.getState().friendRequested(friendship(CAROL.id, ME, 'pending', 'f2'));
    store.getState().friendAccepted(friendship(ME, BOB.id, 'accepted', 'f1'));
    store.getState().friendAccepted(friendship(CAROL.id, ME, 'accepted', 'f2'));
    store.getState().friendAccepted(friendship(CAROL.id, ME, 'accepted', 'f2')); // repeated
    const s = store.getState();
    expect(s.friends).toEqual([BOB.id, CAROL.id]);
    expect(s.incoming).toEqual([]);
    expect(s.outgoing).toEqual([]);
  });

  it('friend-rejected and friend-removed clear requests; presence is kept for friends only', () => {
    const store = createSocialStore(ME);
    store.getState().friendRequested(friendship(CAROL.id, ME, 'pending', 'f2'));
    store.getState().friendRejected(friendship(CAROL.id, ME, 'rejected', 'f2'));
    expect(store.getState().incoming).toEqual([]);

    store.getState().setPresence(BOB.id, 'online', T0);
    expect(store.getState().presence[BOB.id]).toBeUndefined(); // not a friend (yet)
    store.getState().friendAccepted(friendship(ME, BOB.id, 'accepted'));
    store.getState().setPresence(BOB.id, 'online', T0);
    expect(store.getState().presence[BOB.id]?.status).toBe('online');
    store.getState().friendRemoved(BOB.id);
    expect(store.getState().friends).toEqual([]);
    expect(store.getState().presence[BOB.id]).toBeUndefined();
  });

  it('a block ends the friendship and lists the user; unblock lifts it', () => {
    const store = createSocialStore(ME);
    store.getState().friendAccepted(friendship(ME, BOB.id, 'accepted'));
    store.getState().blockedUser(BOB);
    expect(store.getState().friends).toEqual([]);
    expect(store.getState().blocked).toEqual([BOB.id]);
    expect(relationshipWith(store.getState(), BOB.id)).toBe('blocked');
    store.getState().unblockedUser(BOB.id);
    expect(relationshipWith(store.getState(), BOB.id)).toBe('none');
  });
});

describe('groups', () => {
  it('an update with me among the members keeps the group; without me it is a kick', () => {
    const store = createSocialStore(ME);
    expect(store.getState().groupUpdated(group([BOB.id, ME]))).toBe('member');
    expect(store.getState().groups.g1?.members).toHaveLength(2);
    expect(store.getState().groupUpdated(group([BOB.id]))).toBe('removed');
    expect(store.getState().groups.g1).toBeUndefined();
    expect(store.getState().departed.g1).toEqual({ reason: 'removed', name: 'Trip' });
    // Added back: the note goes.
    expect(store.getState().groupUpdated(group([BOB.id, ME]))).toBe('member');
    expect(store.getState().departed.g1).toBeUndefined();
  });

  it('an update without me after I asked to leave is a leave, without a note, even after the REST answer', () => {
    const store = createSocialStore(ME);
    store.getState().groupUpdated(group([ME, BOB.id]));
    store.getState().startLeaving('g1');
    store.getState().forgetGroup('g1'); // the REST answer came first
    expect(store.getState().groups.g1).toBeUndefined();
    expect(store.getState().groupUpdated(group([BOB.id]))).toBe('left');
    expect(store.getState().leaving).toEqual({});
    expect(store.getState().departed).toEqual({});
    // Leaving as the last member empties the group: still my leave.
    store.getState().groupUpdated(group([ME]));
    store.getState().startLeaving('g1');
    expect(store.getState().groupUpdated(group([]))).toBe('left');
  });

  it('an empty group I did not leave here was deleted (the last member left on another device)', () => {
    const store = createSocialStore(ME);
    store.getState().groupUpdated(group([ME]));
    expect(store.getState().groupUpdated(group([]))).toBe('deleted');
    expect(store.getState().departed.g1?.reason).toBe('deleted');
  });

  it('a snapshot replaces the groups but keeps departures on screen', () => {
    const store = createSocialStore(ME);
    store.getState().groupUpdated(group([ME]));
    store.getState().groupUpdated(group([BOB.id]));
    store.getState().setGroups([group([ME], { id: 'g2', name: 'Other' })]);
    expect(Object.keys(store.getState().groups)).toEqual(['g2']);
    expect(store.getState().departed.g1?.reason).toBe('removed');
    store.getState().forgetDeparture('g1');
    expect(store.getState().departed).toEqual({});
  });
});

describe('typing', () => {
  const CID = 'grp_g1';
  it('a start shows for 6 s, a repeat extends it, a stop ends it; me never', () => {
    const store = createSocialStore(ME);
    store.getState().typingStarted(CID, BOB.id, 1000);
    store.getState().typingStarted(CID, ME, 1000);
    expect(typingUserIds(store.getState(), CID, 1000)).toEqual([BOB.id]);
    expect(typingUserIds(store.getState(), CID, 1000 + TYPING_SHOWS_MS)).toEqual([]);
    store.getState().typingStarted(CID, BOB.id, 5000);
    store.getState().pruneTyping(1000 + TYPING_SHOWS_MS);
    expect(typingUserIds(store.getState(), CID, 1000 + TYPING_SHOWS_MS)).toEqual([BOB.id]);
    store.getState().typingStopped(CID, BOB.id);
    expect(typingUserIds(store.getState(), CID, 5000)).toEqual([]);
  });

  it('pruning drops only what expired', () => {
    const store = createSocialStore(ME);
    store.getState().typingStarted(CID, BOB.id, 0);
    store.getState().typingStarted(CID, CAROL.id, 3000);
    store.getState().pruneTyping(TYPING_SHOWS_MS);
    expect(Object.keys(store.getState().typing[CID] ?? {})).toEqual([CAROL.id]);
  });

  it('labels name one, two, three, then count the rest', () => {
    expect(typingLabel([])).toBe('');
    expect(typingLabel(['Alice'])).toBe('Alice is typing…');
    expect(typingLabel(['Alice', 'Bob'])).toBe('Alice and Bob are typing…');
    expect(typingLabel(['Alice', 'Bob', 'Carol'])).toBe('Alice, Bob and Carol are typing…');
    expect(typingLabel(['A', 'B', 'C', 'D', 'E'])).toBe('A, B and 3 others are typing…');
  });
});

describe('refused DMs', () => {
  it('are remembered until allowed again', () => {
    const store = createSocialStore(ME);
    store.getState().dmRefused('dm_x');
    expect(store.getState().refusedDms).toEqual({ dm_x: true });
    store.getState().dmAllowed('dm_x');
    expect(store.getState().refusedDms).toEqual({});
  });
});
