'use client';
// The call on screen: a grid of participants (one column on a phone, two from 480 px), who
// and how long, and the controls. Covers the app while the call lasts; the chat is one
// hang-up away.
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useCall } from '@/components/call-provider';
import { useChat } from '@/components/chat-store-provider';
import { useUserNames } from '@/hooks/use-user-names';
import type { CallControls as Controls } from '@/hooks/use-webrtc';
import { callSeconds, formatDuration, type ActiveCall } from '@/stores/call-store';
import { conversationTitle } from '@/stores/chat-store';
import { CallControls } from './call-controls';
import { CallTile } from './call-tile';

function useDuration(call: ActiveCall): string | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!call.connectedAt) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [call.connectedAt]);
  return call.connectedAt ? formatDuration(callSeconds(call, now)) : null;
}

export function CallView({ call, controls }: { call: ActiveCall; controls: Controls }) {
  const me = useChat((s) => s.me);
  const title = useChat((s) => {
    const c = s.conversations[call.conversationId];
    return c ? conversationTitle(c, s.me?.id) : 'Call';
  });
  const peers = useCall(useShallow((s) => Object.values(s.peers)));
  const local = useCall((s) => s.local);
  const names = useUserNames(peers.map((p) => p.userId));
  const duration = useDuration(call);
  const status =
    call.phase === 'ringing' ? 'Ringing…' : call.phase === 'connecting' ? 'Connecting…' : (duration ?? '');
  const tiles = peers.length + 1;
  // The call covers the app: keyboard focus moves into it (on the microphone switch).
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    section.current?.querySelector<HTMLElement>('[data-testid="toggle-mic"]')?.focus();
  }, []);

  return (
    <section
      ref={section}
      role="dialog"
      aria-modal="true"
      aria-labelledby="call-title"
      data-testid="call-view"
      data-phase={call.phase}
      className="fixed inset-0 z-40 flex flex-col gap-3 bg-zinc-950 p-3 text-white sm:p-5"
    >
      <header className="flex items-baseline justify-between gap-3">
        <h2 id="call-title" className="truncate text-base font-semibold">
          {title}
        </h2>
        <p className="shrink-0 text-sm text-zinc-300 tabular-nums" data-testid="call-status" role="status">
          {status}
        </p>
      </header>
      <ul
        className={`grid min-h-0 flex-1 auto-rows-fr content-center gap-2 overflow-y-auto ${
          tiles > 1 ? 'grid-cols-1 min-[480px]:grid-cols-2' : 'grid-cols-1'
        }`}
        aria-label="Participants"
      >
        {peers.map((p) => (
          <CallTile
            key={p.userId}
            userId={p.userId}
            name={names.get(p.userId) ?? 'Someone'}
            stream={p.stream}
            tracks={p.tracks}
            media={p.media}
            self={false}
            showVideo={!local.voiceOnly && (p.media.video || p.media.screen)}
            connection={p.connection}
          />
        ))}
        <CallTile
          userId={me?.id ?? ''}
          name={me?.username ?? 'You'}
          stream={local.preview}
          tracks={local.preview?.getTracks().length ?? 0}
          media={local}
          self
          showVideo={local.video || local.screen}
        />
      </ul>
      <CallControls local={local} controls={controls} />
    </section>
  );
}
