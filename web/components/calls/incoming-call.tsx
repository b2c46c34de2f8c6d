'use client';
// An invite ringing: who calls (and in which group), accept with video, accept voice only,
// or decline. Rings while it shows unless the app's sound is off (the bell menu's switch).
import { useEffect } from 'react';
import { startRingtone } from '@/client/ringtone';
import { useCall, useCallController } from '@/components/call-provider';
import { useChat } from '@/components/chat-store-provider';
import { useNotificationPrefsApi } from '@/components/message-features-provider';
import { Avatar } from '@/components/ui/avatar';
import { useUserName } from '@/hooks/use-user-names';
import { conversationTitle } from '@/stores/chat-store';
import { HangUpIcon, HeadphonesIcon, PhoneIcon } from './call-icons';
import { RoundButton } from './round-button';

export function IncomingCall() {
  const incoming = useCall((s) => s.incoming);
  const controller = useCallController();
  const prefs = useNotificationPrefsApi();
  const caller = useUserName(incoming?.from, 'Someone');
  const group = useChat((s) => {
    const c = incoming ? s.conversations[incoming.conversationId] : undefined;
    return c?.kind === 'group' ? conversationTitle(c, s.me?.id) : null;
  });

  useEffect(() => {
    if (!incoming) return;
    // No focus move: Enter typed into the composer must not answer the call.
    const ring = startRingtone(() => prefs.getState().sound);
    return () => ring.stop();
  }, [incoming, prefs]);

  if (!incoming) return null;
  return (
    <div
      role="alertdialog"
      aria-labelledby="incoming-call-title"
      aria-describedby="incoming-call-detail"
      aria-live="assertive"
      data-testid="incoming-call"
      className="fixed inset-x-2 top-2 z-50 mx-auto flex max-w-md flex-wrap items-center gap-3 rounded-2xl border border-zinc-200 bg-white p-3 shadow-xl sm:inset-x-auto sm:right-4 sm:top-4 dark:border-zinc-800 dark:bg-zinc-900"
      onKeyDown={(e) => {
        if (e.key === 'Escape') controller.decline();
      }}
    >
      <span className="animate-pulse">
        <Avatar name={caller} size={40} />
      </span>
      <div className="min-w-0 flex-1">
        <p id="incoming-call-title" className="truncate text-sm font-semibold" data-testid="incoming-call-from">
          {caller}
        </p>
        <p id="incoming-call-detail" className="truncate text-xs text-zinc-500 dark:text-zinc-400">
          {group ? `is calling ${group}…` : 'is calling you…'}
        </p>
      </div>
      <div className="flex gap-2">
        <RoundButton label="Decline call" testId="decline-call" look="h-10 w-10 bg-red-600 text-white hover:bg-red-700" onClick={() => controller.decline()}>
          <HangUpIcon />
        </RoundButton>
        <RoundButton
          label="Accept, voice only"
          testId="accept-call-voice"
          look="h-10 w-10 bg-zinc-200 text-zinc-800 hover:bg-zinc-300 dark:bg-zinc-700 dark:text-zinc-100"
          onClick={() => controller.accept({ voiceOnly: true })}
        >
          <HeadphonesIcon />
        </RoundButton>
        <RoundButton
          label="Accept call"
          testId="accept-call"
          look="h-10 w-10 bg-emerald-600 text-white hover:bg-emerald-700"
          onClick={() => controller.accept()}
        >
          <PhoneIcon />
        </RoundButton>
      </div>
    </div>
  );
}
