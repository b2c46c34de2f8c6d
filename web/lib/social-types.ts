// Wire types of the social side of the API (friends, blocks, presence, groups), as
// docs/api.md describes them.
import type { User } from './types';

export type PresenceStatus = 'online' | 'away' | 'offline';

export interface Presence {
  status: PresenceStatus;
  /** RFC 3339; for `offline`, when the last connection closed. */
  lastSeen: string | null;
}

export interface Friendship {
  id: string;
  requester: string;
  recipient: string;
  status: 'pending' | 'accepted' | 'rejected';
  createdAt: string;
  updatedAt: string;
}

/** A pending request as GET /api/friends lists it: with the other user. */
export interface FriendRequest extends Friendship {
  user: User;
}

export interface FriendsSnapshot {
  friends: User[];
  incoming: FriendRequest[];
  outgoing: FriendRequest[];
  blocked: User[];
}

export type GroupRole = 'admin' | 'member';

export interface GroupMember {
  userID: string;
  role: GroupRole;
  joinedAt: string;
}

export interface GroupSettings {
  isPublic: boolean;
  allowInvites: boolean;
  maxMembers: number;
}

export interface Group {
  id: string;
  name: string;
  description: string;
  avatar: string;
  members: GroupMember[];
  settings: GroupSettings;
  createdAt: string;
  updatedAt: string;
}

export interface GroupDraft {
  name: string;
  description?: string;
  settings?: Partial<GroupSettings>;
}

export const groupConversationId = (groupId: string) => `grp_${groupId}`;

export function groupIdOf(conversationId: string): string | null {
  return conversationId.startsWith('grp_') ? conversationId.slice(4) : null;
}
