'use client';
// The call in progress: its connections (useWebRTC owns them for as long as this is mounted,
// i.e. while the call store has a call) and the call view. A chunk of its own, loaded when a
// call starts: WebRTC is not part of the first screen (docs/performance.md, "Web client").
import { useCall, useCallController, useCallStoreApi } from '@/components/call-provider';
import { useChat } from '@/components/chat-store-provider';
import { useWebRTC } from '@/hooks/use-webrtc';
import type { ActiveCall } from '@/stores/call-store';
import { CallView } from './call-view';

export function CallSession({ call }: { call: ActiveCall }) {
  const store = useCallStoreApi();
  const controller = useCallController();
  const videoUrl = useCall((s) => s.videoUrl);
  const selfId = useChat((s) => s.me?.id ?? '');
  const controls = useWebRTC({ store, controller, roomId: call.roomId, videoUrl, selfId });
  return <CallView call={call} controls={controls} />;
}
