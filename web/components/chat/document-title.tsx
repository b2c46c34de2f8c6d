'use client';
import { useEffect } from 'react';
import { useChat } from '@/components/chat-store-provider';
import { totalUnread } from '@/stores/chat-store';

/** "(3) GopherChat" while something is unread. */
export function DocumentTitle() {
  const unread = useChat((s) => totalUnread(s.conversations));
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) GopherChat` : 'GopherChat';
  }, [unread]);
  return null;
}
