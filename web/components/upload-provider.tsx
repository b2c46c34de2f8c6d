'use client';
// The session's uploads: one upload store and the queue that runs it, made when the session
// starts (like components/chat-store-provider.tsx); every transfer stops when it ends.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { UploadQueue } from '@/client/upload-queue';
import { createUploadStore, type UploadState, type UploadStore } from '@/stores/upload-store';

interface Uploads {
  store: UploadStore;
  queue: UploadQueue;
}

const UploadContext = createContext<Uploads | null>(null);

export function UploadProvider({ children }: { children: ReactNode }) {
  const [uploads] = useState<Uploads>(() => {
    const store = createUploadStore();
    return { store, queue: new UploadQueue(store) };
  });
  useEffect(() => () => uploads.queue.stopAll(), [uploads]);
  return <UploadContext.Provider value={uploads}>{children}</UploadContext.Provider>;
}

function useUploads(): Uploads {
  const u = useContext(UploadContext);
  if (!u) throw new Error('uploads used outside <UploadProvider>');
  return u;
}

export const useUploadQueue = () => useUploads().queue;
export const useUploadState = <T,>(selector: (s: UploadState) => T): T => useStore(useUploads().store, selector);
