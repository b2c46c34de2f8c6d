// REST calls to the same origin; the HttpOnly cookie gc_token carries the session.
import type { ConversationSummary, Message, ReadMarker, User } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  return readResponse<T>(
    fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

/** The body of a response as `request` gives it, for a fetch started elsewhere (lib/early-requests.ts). */
export async function readResponse<T>(response: Promise<Response>): Promise<T> {
  let res: Response;
  try {
    res = await response;
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server');
  }
  if (res.status === 204) return undefined as T;
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'unknown', err?.message ?? `HTTP ${res.status}`);
  }
  return json as T;
}

export const api = {
  me: () => request<{ user: User }>('GET', '/api/auth/me'),
  login: (login: string, password: string) =>
    request<{ user: User }>('POST', '/api/auth/login', { login, password }),
  register: (username: string, email: string, password: string) =>
    request<{ user: User }>('POST', '/api/auth/register', { username, email, password }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  searchUsers: (q: string, limit = 10) =>
    request<{ users: User[] }>(
      'GET',
      `/api/users?q=${encodeURIComponent(q)}&limit=${limit}`,
    ),
  conversations: () => request<{ conversations: ConversationSummary[] }>('GET', '/api/conversations'),
  messages: (cid: string, cursor: { before?: number; after?: number; limit?: number } = {}) => {
    const q = new URLSearchParams();
    if (cursor.before !== undefined) q.set('before', String(cursor.before));
    if (cursor.after !== undefined) q.set('after', String(cursor.after));
    q.set('limit', String(cursor.limit ?? 50));
    return request<{ messages: Message[] }>(
      'GET',
      `/api/conversations/${encodeURIComponent(cid)}/messages?${q}`,
    );
  },
  markRead: (cid: string, seq: number) =>
    request<void>('POST', `/api/conversations/${encodeURIComponent(cid)}/read`, { seq }),
  /** The other participants' read markers (those who never read it are left out). */
  reads: (cid: string) =>
    request<{ reads: ReadMarker[] }>('GET', `/api/conversations/${encodeURIComponent(cid)}/reads`),
};
