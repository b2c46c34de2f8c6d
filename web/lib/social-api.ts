// REST calls for friends, blocks, users and groups (docs/api.md, "Friends and blocks" and
// "Groups"). Same origin, the session cookie, the one error shape of lib/api.ts.
import { request } from './api';
import type { User } from './types';
import type { FriendsSnapshot, Friendship, Group, GroupDraft, GroupRole, GroupSettings } from './social-types';

const enc = encodeURIComponent;

export const socialApi = {
  user: (id: string) => request<{ user: User }>('GET', `/api/users/${enc(id)}`),

  friends: () => request<FriendsSnapshot>('GET', '/api/friends'),
  /** 201 pending, or 200 accepted when they had asked first. */
  requestFriend: (userId: string) =>
    request<{ friendship: Friendship }>('POST', '/api/friends/requests', { userId }),
  acceptRequest: (id: string) =>
    request<{ friendship: Friendship }>('POST', `/api/friends/requests/${enc(id)}/accept`),
  rejectRequest: (id: string) =>
    request<{ friendship: Friendship }>('POST', `/api/friends/requests/${enc(id)}/reject`),
  /** Unfriends, withdraws my request or declines theirs. */
  removeFriend: (userId: string) => request<void>('DELETE', `/api/friends/${enc(userId)}`),
  block: (userId: string) => request<void>('POST', `/api/users/${enc(userId)}/block`),
  unblock: (userId: string) => request<void>('DELETE', `/api/users/${enc(userId)}/block`),

  myGroups: () => request<{ groups: Group[] }>('GET', '/api/groups/mine'),
  discoverGroups: (q: string, limit = 20) =>
    request<{ groups: Group[] }>('GET', `/api/groups?public=true&q=${enc(q)}&limit=${limit}`),
  group: (id: string) => request<{ group: Group }>('GET', `/api/groups/${enc(id)}`),
  createGroup: (draft: GroupDraft) => request<{ group: Group }>('POST', '/api/groups', draft),
  updateGroup: (
    id: string,
    patch: { name?: string; description?: string; settings?: Partial<GroupSettings> },
  ) => request<{ group: Group }>('PATCH', `/api/groups/${enc(id)}`, patch),
  joinGroup: (id: string) => request<{ group: Group }>('POST', `/api/groups/${enc(id)}/join`),
  leaveGroup: (id: string) => request<void>('POST', `/api/groups/${enc(id)}/leave`),
  addMember: (id: string, userId: string) =>
    request<{ group: Group }>('POST', `/api/groups/${enc(id)}/members`, { userId }),
  removeMember: (id: string, userId: string) =>
    request<{ group: Group }>('DELETE', `/api/groups/${enc(id)}/members/${enc(userId)}`),
  setRole: (id: string, userId: string, role: GroupRole) =>
    request<{ group: Group }>('PATCH', `/api/groups/${enc(id)}/members/${enc(userId)}`, { role }),
};
