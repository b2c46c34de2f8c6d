'use client';
// Opens a conversation the way the sidebar does: `?c=<id>` (components/chat/chat-app.tsx).
import { useRouter } from 'next/navigation';
import { useCallback } from 'react';

export function useOpenConversation(): (cid: string) => void {
  const router = useRouter();
  return useCallback((cid: string) => router.push(`/?c=${encodeURIComponent(cid)}`), [router]);
}
