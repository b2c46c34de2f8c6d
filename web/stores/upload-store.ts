// Files on their way into a conversation: chosen (queued), uploading (bytes sent so far),
// done (the server's file object, waiting in the composer to be sent) or failed (a sentence
// for the person). A store factory like the chat store; client/upload-queue.ts moves the
// items, the composer's tray shows them. Nothing here survives a reload: the File is gone.
import { createStore } from 'zustand/vanilla';
import type { FileInfo } from '@/lib/attachments';

export type UploadStatus = 'queued' | 'uploading' | 'done' | 'failed';

export interface UploadItem {
  id: string;
  conversationId: string;
  /** The chosen file: a retry sends it again, and the tray previews images from it. */
  source: File;
  status: UploadStatus;
  /** Bytes the browser has handed to the network so far. */
  sent: number;
  file?: FileInfo;
  error?: string;
  /** A failed file that may pass if sent again (lib/upload-errors.ts, isRetryable). */
  retryable?: boolean;
}

export interface UploadState {
  items: UploadItem[];
  add(items: UploadItem[]): void;
  update(id: string, patch: Partial<Omit<UploadItem, 'id' | 'conversationId' | 'source'>>): void;
  remove(ids: readonly string[]): void;
}

export function createUploadStore() {
  return createStore<UploadState>()((set) => ({
    items: [],
    add: (items) => set((s) => ({ items: [...s.items, ...items] })),
    update: (id, patch) =>
      set((s) => ({ items: s.items.map((it) => (it.id === id ? { ...it, ...patch } : it)) })),
    remove: (ids) => set((s) => ({ items: s.items.filter((it) => !ids.includes(it.id)) })),
  }));
}

export type UploadStore = ReturnType<typeof createUploadStore>;

// Selectors.

export function uploadsIn(items: UploadItem[], cid: string): UploadItem[] {
  return items.filter((it) => it.conversationId === cid);
}

/** 0..1; a file of zero bytes counts as sent once it is done. */
export function uploadProgress(it: Pick<UploadItem, 'sent' | 'status' | 'source'>): number {
  if (it.status === 'done') return 1;
  const total = it.source.size;
  return total > 0 ? Math.min(1, it.sent / total) : 0;
}

/** Still moving: the composer waits for these before it sends. */
export function isInFlight(it: Pick<UploadItem, 'status'>): boolean {
  return it.status === 'queued' || it.status === 'uploading';
}
