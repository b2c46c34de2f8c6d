// REST calls on one message: edit, delete, reactions, edit history (docs/api.md, Messages).
import { request } from '@/lib/api';
import type { Message } from '@/lib/types';

export interface Version {
  body: string;
  createdAt: string;
}

const path = (id: string) => `/api/messages/${encodeURIComponent(id)}`;

export const messageApi = {
  edit: (id: string, body: string) => request<{ message: Message }>('PATCH', path(id), { body }),
  remove: (id: string) => request<{ message: Message }>('DELETE', path(id)),
  react: (id: string, emoji: string) =>
    request<{ message: Message }>('POST', `${path(id)}/reactions`, { emoji }),
  unreact: (id: string, emoji: string) =>
    request<{ message: Message }>('DELETE', `${path(id)}/reactions/${encodeURIComponent(emoji)}`),
  history: (id: string) => request<{ versions: Version[] }>('GET', `${path(id)}/history`),
};
