'use client';
// Whether the reader is an admin of a group conversation (admins may delete anyone's message
// there). Read from GET /api/groups/:id when the conversation opens; false for DMs.
import { useEffect, useState } from 'react';
import { request } from '@/lib/api';

interface GroupMembers {
  members?: Array<{ userID: string; role: string }>;
}

export function useGroupAdmin(conversationId: string, me: string | undefined): boolean {
  const [admin, setAdmin] = useState(false);
  useEffect(() => {
    setAdmin(false);
    if (!me || !conversationId.startsWith('grp_')) return;
    let live = true;
    const groupId = conversationId.slice(4);
    request<{ group: GroupMembers }>('GET', `/api/groups/${encodeURIComponent(groupId)}`)
      .then(({ group }) => {
        if (live) setAdmin(!!group.members?.some((m) => m.userID === me && m.role === 'admin'));
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [conversationId, me]);
  return admin;
}
