// The chat server's client config and the video service's REST route. The video service is
// another origin (its own port): fetches carry the gc_token cookie with credentials: 'include'
// (same site, so the Lax cookie goes along) and the service answers with CORS for our origin.
import { ApiError, request } from '@/lib/api';
import type { RoomCreated, RoomInfo } from '@/lib/call-types';

export interface ClientConfig {
  /** The video service's origin, or null when the server has none configured (no calls). */
  videoUrl: string | null;
}

export function fetchClientConfig(): Promise<ClientConfig> {
  return request<ClientConfig>('GET', '/api/config');
}

export async function createRoom(videoUrl: string, conversationId: string): Promise<RoomCreated> {
  let res: Response;
  try {
    res = await fetch(`${videoUrl}/api/rooms/create`, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId }),
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the call service');
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'unknown', err?.message ?? `HTTP ${res.status}`);
  }
  return json as RoomCreated;
}

/** The room as the video service has it now, or null when it ended (404) or is not ours. */
export async function roomInfo(videoUrl: string, roomId: string): Promise<RoomInfo | null> {
  const res = await fetch(`${videoUrl}/api/rooms/${encodeURIComponent(roomId)}`, { credentials: 'include' });
  if (!res.ok) return null;
  return (await res.json()) as RoomInfo;
}

/** ws(s)://host/ws/<roomId> for the video service at `videoUrl`. */
export function roomSocketUrl(videoUrl: string, roomId: string): string {
  return `${videoUrl.replace(/^http/, 'ws')}/ws/${encodeURIComponent(roomId)}`;
}
