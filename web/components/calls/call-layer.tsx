'use client';
// Everything about calls that sits above the app: the ringing invite, the call itself (whose
// connections useWebRTC owns for as long as the call lasts), and the line that says how the
// last call ended.
import { useEffect } from 'react';
import { useCall, useCallController, useCallStoreApi } from '@/components/call-provider';
import { useChat } from '@/components/chat-store-provider';
import { useWebRTC } from '@/hooks/use-webrtc';
import { CallView } from './call-view';
import { IncomingCall } from './incoming-call';

const NOTICE_MS = 6_000;

export function CallLayer() {
  const store = useCallStoreApi();
  const controller = useCallController();
  const call = useCall((s) => s.call);
  const videoUrl = useCall((s) => s.videoUrl);
  const selfId = useChat((s) => s.me?.id ?? '');
  const controls = useWebRTC({ store, controller, roomId: call?.roomId ?? null, videoUrl, selfId });
  return (
    <>
      <IncomingCall />
      {call && <CallView call={call} controls={controls} />}
      <CallNotice />
    </>
  );
}

function CallNotice() {
  const store = useCallStoreApi();
  const notice = useCall((s) => s.notice);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => store.getState().setNotice(null), NOTICE_MS);
    return () => clearTimeout(t);
  }, [notice, store]);
  if (!notice) return null;
  return (
    <p
      role="status"
      data-testid="call-notice"
      data-reason={notice.reason}
      className="fixed bottom-4 left-1/2 z-50 -translate-x-1/2 rounded-full bg-zinc-900 px-4 py-2 text-sm text-white shadow-lg dark:bg-zinc-100 dark:text-zinc-900"
    >
      {notice.text}
    </p>
  );
}
