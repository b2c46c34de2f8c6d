'use client';
import { useEffect } from 'react';
import { useChat } from '@/components/chat-store-provider';
import { useNotificationPrefs } from '@/components/message-features-provider';
import { audibleUnread } from '@/client/notification-rules';

/** "(3) GopherChat" while something is unread (muted conversations are not counted). */
export function DocumentTitle() {
  const muted = useNotificationPrefs((s) => s.muted);
  const unread = useChat((s) => audibleUnread(s.conversations, muted));
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) GopherChat` : 'GopherChat';
  }, [unread]);
  return null;
}
