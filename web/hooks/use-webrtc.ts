'use client';
// Owns the peer connections of the call in the call store: while `call` is set, one MeshCall
// (client/mesh-call.ts: the room socket, an RTCPeerConnection per peer with perfect
// negotiation and ICE restarts, our camera, microphone and screen); when the call ends or the
// component unmounts, every connection is closed and every track stopped.
import { useEffect, useMemo, useRef } from 'react';
import { MeshCall } from '@/client/mesh-call';
import { roomSocketUrl } from '@/client/video-api';
import type { CallController } from '@/client/call-controller';
import type { CallStore } from '@/stores/call-store';

export interface CallControls {
  toggleMute(): void;
  toggleCamera(): void;
  toggleScreen(): void;
  setVoiceOnly(on: boolean): void;
  hangUp(): void;
}

export function useWebRTC({
  store,
  controller,
  roomId,
  videoUrl,
  selfId,
}: {
  store: CallStore;
  controller: CallController;
  /** The call's room, or null when there is no call. */
  roomId: string | null;
  videoUrl: string | null | undefined;
  selfId: string;
}): CallControls {
  const mesh = useRef<MeshCall | null>(null);
  useEffect(() => {
    if (!roomId || !videoUrl) return;
    const { call, local } = store.getState();
    const created = new MeshCall({
      roomUrl: roomSocketUrl(videoUrl, roomId),
      selfId,
      iceServers: call?.iceServers ?? [],
      voiceOnly: local.voiceOnly,
      store,
      media: navigator.mediaDevices,
      onPeerJoined: () => controller.onPeerJoined(),
      onConnected: () => controller.onConnected(),
      onEnded: (end) => controller.onMeshEnded(end),
    });
    mesh.current = created;
    created.start().catch(() => controller.onMeshEnded({ why: 'lost', code: 0 }));
    return () => {
      created.hangUp();
      if (mesh.current === created) mesh.current = null;
    };
  }, [store, controller, roomId, videoUrl, selfId]);

  return useMemo(
    () => ({
      toggleMute: () => mesh.current?.toggleMute(),
      toggleCamera: () => void mesh.current?.toggleCamera(),
      toggleScreen: () => void mesh.current?.toggleScreen(),
      setVoiceOnly: (on: boolean) => void mesh.current?.setVoiceOnly(on),
      hangUp: () => controller.hangUp(),
    }),
    [controller],
  );
}
