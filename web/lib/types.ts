// The wire types of ../shared/spec/api.md that the client uses today.

export interface User {
  id: string;
  username: string;
  email?: string; // only on one's own user
  avatar?: string;
  status?: string;
  lastSeen?: string | null;
  createdAt?: string;
}

export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  from: string;
  to: string;
  body: string;
  type: string;
  metadata?: Record<string, unknown>;
  timestamp: number;
  createdAt: string;
  clientMsgId?: string | null;
}

export interface ConversationSummary {
  id: string;
  kind: 'dm' | 'group';
  peer?: User;
  group?: { id: string; name: string };
  lastMessage?: Message | null;
  lastSeq: number;
  readSeq?: number;
  unread: number;
}

/** How far one user has read a conversation: every seq at or below `seq`. */
export interface ReadMarker {
  userId: string;
  seq: number;
}

/** One emoji on a message and who reacted with it, in the order they reacted. */
export interface Reaction {
  emoji: string;
  users: string[];
}

/** `metadata.replyTo`: the original as it is now (the server reads it live). */
export interface ReplyRef {
  id: string;
  from: string;
  seq: number;
  preview: string;
  deleted: boolean;
}

/** One hit of GET /api/search: `snippet` pieces with `match` set on the found words. */
export interface SnippetPart {
  text: string;
  match: boolean;
}

export interface SearchHit {
  message: Message;
  snippet: SnippetPart[];
}

/** Frames the server sends on /ws. Unknown types are ignored (see client/chat-engine.ts). */
export type ServerFrame =
  | { type: 'ack'; clientMsgId: string; message: Message }
  | { type: 'message'; message: Message }
  | { type: 'message-updated'; message: Message }
  | { type: 'read'; conversationId: string; userId: string; seq: number }
  | { type: 'error'; code: string; message: string; ref?: string | null }
  | { type: 'pong' }
  | { type: string; [key: string]: unknown };
