'use client';
// "Alice is typing…" under the history; announced politely to screen readers.
import { AnimatePresence, m } from 'framer-motion';
import { useShallow } from 'zustand/react/shallow';
import { useSocial } from '@/components/social-provider';
import { useUserNames } from '@/hooks/use-user-names';
import { typingLabel, typingUserIds } from '@/stores/social-store';

export function useTypingLabel(cid: string): string {
  const ids = useSocial(useShallow((s) => typingUserIds(s, cid)));
  const names = useUserNames(ids);
  return typingLabel(ids.map((id) => names.get(id) ?? 'Someone'));
}

export function TypingIndicator({ cid }: { cid: string }) {
  const label = useTypingLabel(cid);
  return (
    <div className="h-5 shrink-0 px-5 text-xs text-zinc-500 dark:text-zinc-400" aria-live="polite">
      <AnimatePresence>
        {label && (
          <m.p
            key="typing"
            initial={{ opacity: 0 }}
            animate={{ opacity: 1 }}
            exit={{ opacity: 0 }}
            transition={{ duration: 0.15 }}
            className="flex items-center gap-1.5"
            data-testid="typing-indicator"
          >
            <span className="flex gap-0.5" aria-hidden="true">
              {[0, 1, 2].map((i) => (
                <span
                  key={i}
                  className="h-1 w-1 animate-bounce rounded-full bg-zinc-400"
                  style={{ animationDelay: `${i * 120}ms` }}
                />
              ))}
            </span>
            {label}
          </m.p>
        )}
      </AnimatePresence>
    </div>
  );
}
