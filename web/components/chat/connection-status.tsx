'use client';
import { AnimatePresence, m } from 'framer-motion';
import { useChat } from '@/components/chat-store-provider';

/** A quiet line while the WebSocket is down; messages typed meanwhile wait in the outbox. */
export function ConnectionStatus() {
  const connection = useChat((s) => s.connection);
  return (
    <>
      <AnimatePresence initial={false}>
        {connection !== 'online' && (
          <m.div
            key="status"
            initial={{ opacity: 0, height: 0 }}
            animate={{ opacity: 1, height: 'auto' }}
            exit={{ opacity: 0, height: 0 }}
            transition={{ duration: 0.18 }}
            className="overflow-hidden px-3"
          >
            <p
              role="status"
              data-testid="connection-status"
              className="mb-2 flex items-center gap-2 rounded-lg bg-amber-50 px-3 py-1.5 text-xs text-amber-800 dark:bg-amber-500/10 dark:text-amber-300"
            >
              <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-amber-500" />
              {connection === 'connecting' ? 'Connecting…' : 'Offline'}
            </p>
          </m.div>
        )}
      </AnimatePresence>
    </>
  );
}
