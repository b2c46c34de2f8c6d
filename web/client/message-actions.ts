// What the message menu does: edit, delete and react through REST, with the answer applied
// to the chat store at once (the `message-updated` frame that follows brings the same copy).
// Reactions are optimistic: the chip moves on click and moves back if the server refuses.
import { reactionsOf, toggleReaction, withReactions } from '@/lib/message-meta';
import type { Message } from '@/lib/types';
import type { ChatStore } from '@/stores/chat-store';
import { applyMessageUpdate } from '@/stores/message-updates';
import { messageApi, type Version } from './message-api';

export class MessageActions {
  constructor(private readonly store: ChatStore) {}

  private apply(m: Message): void {
    this.store.setState((s) => applyMessageUpdate(s, m));
  }

  async edit(m: Message, body: string): Promise<void> {
    if (body === m.body) return;
    const { message } = await messageApi.edit(m.id, body);
    this.apply(message);
  }

  async remove(m: Message): Promise<void> {
    const { message } = await messageApi.remove(m.id);
    this.apply(message);
  }

  async toggleReaction(m: Message, emoji: string): Promise<void> {
    const me = this.store.getState().me?.id;
    if (!me) return;
    const mine = reactionsOf(m).some((r) => r.emoji === emoji && r.users.includes(me));
    this.apply(withReactions(m, toggleReaction(reactionsOf(m), emoji, me)));
    try {
      const { message } = mine ? await messageApi.unreact(m.id, emoji) : await messageApi.react(m.id, emoji);
      this.apply(message);
    } catch (e) {
      this.apply(m);
      throw e;
    }
  }

  history(m: Message): Promise<Version[]> {
    return messageApi.history(m.id).then((r) => r.versions);
  }
}
