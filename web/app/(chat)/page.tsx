import { Suspense } from 'react';
import { ChatApp } from '@/components/chat/chat-app';

// The whole signed-in app; the open conversation is `?c=<id>` so reloads and the back
// button keep it (a static export has no dynamic routes).
export default function ChatPage() {
  return (
    <Suspense>
      <ChatApp />
    </Suspense>
  );
}
