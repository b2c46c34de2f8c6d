'use client';
import { useRouter } from 'next/navigation';
import { useChat } from '@/components/chat-store-provider';
import { useSession } from '@/components/session-provider';
import { Avatar } from '@/components/ui/avatar';
import { IconButton } from '@/components/ui/icon-button';
import { LogoutIcon } from '@/components/ui/icons';
import { ThemeToggle } from '@/components/ui/theme-toggle';
import { BlockedPeopleButton } from '@/components/social/blocked-people-button';

export function AccountMenu() {
  const me = useChat((s) => s.me);
  const { signOut } = useSession();
  const router = useRouter();
  if (!me) return null;
  return (
    <footer className="flex items-center gap-2.5 border-t border-zinc-200 px-3 py-2.5 dark:border-zinc-800">
      <Avatar name={me.username} size={32} />
      <span className="min-w-0 flex-1">
        <span className="block truncate text-sm font-medium" data-testid="me-username">
          {me.username}
        </span>
        {me.email && (
          <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400">{me.email}</span>
        )}
      </span>
      <BlockedPeopleButton />
      <ThemeToggle />
      <IconButton
        label="Sign out"
        data-testid="sign-out"
        onClick={async () => {
          await signOut();
          router.replace('/login/');
        }}
      >
        <LogoutIcon width={18} height={18} />
      </IconButton>
    </footer>
  );
}
