// "last seen 5 minutes ago", "last seen yesterday at 14:05", "last seen 3 Mar".
import { dayKey, timeLabel } from './time';

export function lastSeenLabel(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return 'Offline';
  const then = new Date(iso);
  const mins = Math.floor((now.getTime() - then.getTime()) / 60_000);
  if (mins < 1) return 'Last seen just now';
  if (mins < 60) return `Last seen ${mins} minute${mins === 1 ? '' : 's'} ago`;
  if (dayKey(iso) === dayKey(now.toISOString())) return `Last seen today at ${timeLabel(iso)}`;
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(iso) === dayKey(yesterday.toISOString())) return `Last seen yesterday at ${timeLabel(iso)}`;
  return `Last seen ${then.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}`;
}

export function presenceLabel(status: string | undefined, lastSeen: string | null | undefined): string {
  if (status === 'online') return 'Online';
  if (status === 'away') return 'Away';
  return lastSeenLabel(lastSeen);
}
