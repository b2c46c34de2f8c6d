// Group changes that touch the chat store's conversation list: a rename retitles the
// conversation, leaving drops it. Kept apart from stores/chat-store.ts, which knows nothing
// of groups beyond `kind` and `title`.
import type { ChatStore } from './chat-store';

export function retitleConversation(store: ChatStore, cid: string, title: string): void {
  store.setState((s) => {
    const c = s.conversations[cid];
    if (!c || c.title === title) return {};
    return { conversations: { ...s.conversations, [cid]: { ...c, title } } };
  });
}

export function dropConversation(store: ChatStore, cid: string): void {
  store.setState((s) => {
    if (!s.conversations[cid] && !s.timelines[cid]) return {};
    const { [cid]: _c, ...conversations } = s.conversations;
    const { [cid]: _t, ...timelines } = s.timelines;
    return { conversations, timelines };
  });
}
