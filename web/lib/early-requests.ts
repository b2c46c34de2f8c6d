// What a signed-in page needs first, asked for together with the session check (GET
// /api/auth/me) rather than after it: otherwise the conversation list waits for the
// signed-in tree's first render, ~300 ms in a cold browser on an idle machine and more under
// load (docs/performance.md). Taken at most once, by the first chat engine; every later
// refresh asks again. For a visitor who is not signed in it fails (401) like the check does.
import { api } from './api';

type ConversationList = Awaited<ReturnType<typeof api.conversations>>;

let conversations: Promise<ConversationList> | null = null;

export function prefetchConversations(): void {
  conversations = api.conversations();
  conversations.catch(() => {}); // handled by whoever takes it
}

export function takePrefetchedConversations(): Promise<ConversationList> | null {
  const taken = conversations;
  conversations = null;
  return taken;
}
