'use client';
// The call that is on in a group right now, if any: the newest call-invite of its loaded
// history (within the video service's room lifetime), asked of the video service
// (GET /api/rooms/:id) on opening, when our own call ends, and every 20 s while there is one
// to ask about. So someone who missed a group call's ring can still join it. (A DM call
// rings; once missed, its caller has gone.)
import { useEffect, useState } from 'react';
import { callSignalOf } from '@/client/call-signals';
import { roomInfo } from '@/client/video-api';
import { useCall } from '@/components/call-provider';
import { useChat } from '@/components/chat-store-provider';

const ROOM_LIFETIME_MS = 60 * 60_000;
const RECHECK_MS = 20_000;

export function useOngoingCall(cid: string): string | null {
  const videoUrl = useCall((s) => s.videoUrl);
  const inCall = useCall((s) => s.call !== null);
  const me = useChat((s) => s.me?.id ?? '');
  // The room of the group's newest call message when that is an invite young enough (a
  // stable selection: one string). A call's end note after it means there is nothing to ask
  // about (asking would only earn a 404).
  const roomId = useChat((s) => {
    if (!cid.startsWith('grp_')) return null;
    const m = s.timelines[cid]?.messages.findLast((x) => callSignalOf(x) !== null);
    const signal = m ? callSignalOf(m) : null;
    if (!m || signal?.kind !== 'invite') return null;
    return Date.now() - Date.parse(m.createdAt) < ROOM_LIFETIME_MS ? signal.roomId : null;
  });
  const [ongoing, setOngoing] = useState<string | null>(null);
  useEffect(() => {
    setOngoing(null);
    if (!videoUrl || !roomId || inCall) return;
    let live = true;
    const check = () =>
      roomInfo(videoUrl, roomId)
        // Only others count: our own leave may not have reached the service yet.
        .then((room) => live && setOngoing(room?.participants.some((p) => p !== me) ? roomId : null))
        .catch(() => {});
    void check();
    const timer = setInterval(check, RECHECK_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [videoUrl, roomId, inCall, me]);
  return ongoing;
}
