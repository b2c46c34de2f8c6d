'use client';
// Desktop notifications and the chime for new messages the reader is not looking at
// (client/notification-rules.ts decides which). Permission is asked only from a click
// (components/chat/notification-menu.tsx), as browsers require.
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { playChime } from '@/client/chime';
import { messagesToNotify } from '@/client/notification-rules';
import { messageSummary } from '@/lib/attachments';
import { useChatStoreApi } from '@/components/chat-store-provider';
import { useNotificationPrefsApi } from '@/components/message-features-provider';
import { useSocialStoreApi } from '@/components/social-provider';
import { conversationTitle } from '@/stores/chat-store';
import { isDeleted } from '@/lib/message-meta';

export function MessageNotifier() {
  const chat = useChatStoreApi();
  const prefs = useNotificationPrefsApi();
  const social = useSocialStoreApi();
  const router = useRouter();
  useEffect(() => {
    // The change that loads the list is the list as it was when we arrived: nothing in it is
    // news (a store started with the list has it from the start). After that, "news" is
    // anything not older than ten minutes before then (the slack is for a client clock ahead
    // of the server's; older messages are history a resync brought).
    const since = Date.now() - 10 * 60_000;
    return chat.subscribe((s, prev) => {
      if (s.conversations === prev.conversations || !prev.listLoaded) return;
      const news = messagesToNotify(prev.conversations, s.conversations, {
        me: s.me?.id,
        activeId: s.activeId,
        hidden: document.visibilityState === 'hidden',
        muted: prefs.getState().muted,
        since,
      });
      if (news.length === 0) return;
      if (prefs.getState().sound) playChime();
      if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
      for (const m of news) {
        const c = s.conversations[m.conversationId];
        if (!c || isDeleted(m)) continue;
        const author = social.getState().users[m.from]?.username ?? c.peer?.username ?? 'New message';
        const title = c.kind === 'group' ? `${author} in ${conversationTitle(c, s.me?.id)}` : author;
        try {
          const n = new Notification(title, { body: messageSummary(m).slice(0, 200), tag: m.conversationId });
          n.onclick = () => {
            window.focus();
            router.push(`/?c=${encodeURIComponent(m.conversationId)}`);
            n.close();
          };
        } catch {
          /* some browsers (Chrome on Android) only notify through a service worker */
        }
      }
    });
  }, [chat, prefs, social, router]);
  return null;
}
