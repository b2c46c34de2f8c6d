// What the person is doing to messages right now: which message the composer answers, which
// one is being edited, where the list should jump (a search hit, a quoted original) and which
// row flashes. A factory, one per session, like the chat store.
import { createStore } from 'zustand/vanilla';
import type { Message } from '@/lib/types';

export interface JumpTarget {
  conversationId: string;
  seq: number;
  /** Tells two jumps to the same message apart. */
  nonce: number;
}

export interface MessageUiState {
  /** conversation → the message its composer quotes. */
  replyingTo: Record<string, Message>;
  editingId: string | null;
  /** Counts finished edits: the composer takes the focus back after each (Esc or save). */
  editsEnded: number;
  jump: JumpTarget | null;
  highlight: JumpTarget | null;
  searchOpen: boolean;

  startReply(m: Message): void;
  cancelReply(cid: string): void;
  startEdit(id: string): void;
  stopEdit(): void;
  /** Asks the conversation's list to bring `seq` on screen, loading it if need be. */
  requestJump(cid: string, seq: number): void;
  /** The list has scrolled to the target: it flashes, and the request is done. */
  landed(target: JumpTarget): void;
  setSearchOpen(open: boolean): void;
}

export function createMessageUiStore() {
  let nonce = 0;
  return createStore<MessageUiState>()((set) => ({
    replyingTo: {},
    editingId: null,
    editsEnded: 0,
    jump: null,
    highlight: null,
    searchOpen: false,

    startReply: (m) =>
      set((s) => ({ replyingTo: { ...s.replyingTo, [m.conversationId]: m }, editingId: null })),
    cancelReply: (cid) =>
      set((s) => {
        if (!s.replyingTo[cid]) return {};
        const replyingTo = { ...s.replyingTo };
        delete replyingTo[cid];
        return { replyingTo };
      }),
    startEdit: (id) => set({ editingId: id }),
    stopEdit: () => set((s) => ({ editingId: null, editsEnded: s.editsEnded + 1 })),
    requestJump: (conversationId, seq) => set({ jump: { conversationId, seq, nonce: ++nonce } }),
    landed: (target) =>
      set((s) => ({ highlight: target, jump: s.jump?.nonce === target.nonce ? null : s.jump })),
    setSearchOpen: (searchOpen) => set({ searchOpen }),
  }));
}

export type MessageUiStore = ReturnType<typeof createMessageUiStore>;
