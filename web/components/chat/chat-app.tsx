'use client';
// The signed-in app: a sidebar of conversations and the open conversation. On a phone only
// one of the two is on screen (the list, or the conversation with a back button). The
// conversation pane is a chunk of its own, loaded when a conversation is open (or once the
// main thread is idle): the list is the first screen and must not wait for the pane's code
// (docs/performance.md, "Web client").
import { useRouter, useSearchParams } from 'next/navigation';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useSession } from '@/components/session-provider';
import { ChatStoreProvider } from '@/components/chat-store-provider';
import { ChatEngineProvider, useEngine } from '@/components/chat-engine-provider';
import { ApiError } from '@/lib/api';
import { whenIdle } from '@/lib/when-idle';
import type { User } from '@/lib/types';
import { Sidebar } from './sidebar';
import { EmptyState } from './empty-state';
import { DocumentTitle } from './document-title';
import { MotionProvider } from '@/components/ui/motion';
import { SocialProvider } from '@/components/social-provider';
import { MessageFeaturesProvider } from '@/components/message-features-provider';
import { UploadProvider } from '@/components/upload-provider';
import { MessageNotifier } from './message-notifier';
import { SearchLauncher } from './search-launcher';
import { CallProvider } from '@/components/call-provider';
import { CallLayer } from '@/components/calls/call-layer';

const loadConversationView = () => import('./conversation-view');
const ConversationView = lazy(() => loadConversationView().then((m) => ({ default: m.ConversationView })));

export function ChatApp() {
  const { session, ended } = useSession();
  const router = useRouter();
  useEffect(() => {
    if (session.status === 'anonymous') router.replace('/login/');
  }, [session, router]);
  if (session.status !== 'signed-in') {
    return (
      <div className="flex h-full items-center justify-center" aria-busy="true">
        <div className="h-6 w-6 animate-spin rounded-full border-2 border-zinc-300 border-t-accent-600" />
        <span className="sr-only">Loading</span>
      </div>
    );
  }
  return <SignedIn key={session.user.id} me={session.user} onSessionEnded={ended} />;
}

function SignedIn({ me, onSessionEnded }: { me: User; onSessionEnded: () => void }) {
  return (
    <ChatStoreProvider me={me}>
      <ChatEngineProvider onSessionEnded={onSessionEnded}>
        <SocialProvider>
          <MessageFeaturesProvider>
            <UploadProvider>
              <MotionProvider>
                <CallProvider>
                  <Shell />
                  <CallLayer />
                </CallProvider>
              </MotionProvider>
            </UploadProvider>
          </MessageFeaturesProvider>
        </SocialProvider>
      </ChatEngineProvider>
    </ChatStoreProvider>
  );
}

function Shell() {
  const params = useSearchParams();
  const router = useRouter();
  const engine = useEngine();
  const activeId = params.get('c');
  const [unavailable, setUnavailable] = useState<string | null>(null);
  // The first click on a conversation should not wait for the pane's code either.
  useEffect(() => whenIdle(() => void loadConversationView(), 3_000), []);
  useEffect(() => {
    engine.open(activeId).catch((e: unknown) => {
      // Not found or not ours; a network failure is retried by the next reconnect instead.
      if (e instanceof ApiError && (e.status === 403 || e.status === 404)) setUnavailable(activeId);
    });
  }, [engine, activeId]);
  const select = useCallback(
    (id: string | null) => router.push(id ? `/?c=${encodeURIComponent(id)}` : '/'),
    [router],
  );
  return (
    <div className="flex h-dvh overflow-hidden">
      <DocumentTitle />
      <MessageNotifier />
      <SearchLauncher activeId={activeId} onSelect={select} />
      <div
        className={`${activeId ? 'hidden md:flex' : 'flex'} w-full shrink-0 md:w-80 lg:w-88`}
      >
        <Sidebar activeId={activeId} onSelect={select} />
      </div>
      <main
        className={`${activeId ? 'flex' : 'hidden md:flex'} min-w-0 flex-1 flex-col`}
        aria-label="Conversation"
      >
        {activeId ? (
          <Suspense fallback={null}>
            <ConversationView
              key={activeId}
              id={activeId}
              unavailable={unavailable === activeId}
              onBack={() => select(null)}
            />
          </Suspense>
        ) : (
          <EmptyState />
        )}
      </main>
    </div>
  );
}
