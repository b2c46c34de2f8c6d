import { ChatIcon } from '@/components/ui/icons';

export function EmptyState() {
  return (
    <div className="flex flex-1 flex-col items-center justify-center gap-3 bg-zinc-50/60 p-8 text-center dark:bg-zinc-900/30">
      <div className="flex h-12 w-12 items-center justify-center rounded-2xl bg-accent-50 text-accent-600 dark:bg-accent-500/10 dark:text-accent-400">
        <ChatIcon width={24} height={24} />
      </div>
      <h2 className="text-base font-semibold tracking-tight">Pick a conversation</h2>
      <p className="max-w-xs text-sm text-zinc-500 dark:text-zinc-400">
        Choose one from the list, or start a new one with the pencil button.
      </p>
    </div>
  );
}
