import { Suspense } from 'react';
import { ChatApp } from '@/components/chat/chat-app';
import { earlyFetchScript } from '@/lib/early-fetch-script';

// The whole signed-in app; the open conversation is `?c=<id>` so reloads and the back
// button keep it (a static export has no dynamic routes). The inline script asks for the
// session and the conversation list before the bundles have even loaded.
export default function ChatPage() {
  return (
    <>
      <script dangerouslySetInnerHTML={{ __html: earlyFetchScript }} />
      <Suspense>
        <ChatApp />
      </Suspense>
    </>
  );
}
