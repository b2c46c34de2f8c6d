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
    const wanted = unread > 0 ? `(${unread}) GopherChat` : 'GopherChat';
    const apply = () => {
      if (document.title !== wanted) document.title = wanted;
    };
    apply();
    // Next.js renders the page's <title> from its metadata and may write it again after this
    // effect ran (a part of the page that renders late, a navigation): the count would then be
    // gone until it changed. Whatever rewrites the title, it is put back.
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { subtree: true, childList: true, characterData: true });
    return () => observer.disconnect();
  }, [unread]);
  return null;
}
