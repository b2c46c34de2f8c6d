'use client';
// One participant of a call: their video (or their initials when there is none to show),
// their name, and what they told the room about their media (muted, camera off, sharing).
import { memo, useEffect, useRef } from 'react';
import { Avatar } from '@/components/ui/avatar';
import type { MediaState } from '@/lib/call-types';
import { CameraOffIcon, MicOffIcon, ScreenIcon } from './call-icons';

export const CallTile = memo(function CallTile({
  userId,
  name,
  stream,
  tracks,
  media,
  self,
  showVideo,
  connection,
}: {
  userId: string;
  name: string;
  stream: MediaStream | null;
  /** Changes when a track joins the stream (re-attach). */
  tracks: number;
  media: MediaState;
  self: boolean;
  /** False in voice-only mode, and while the camera is off and nothing is shared. */
  showVideo: boolean;
  connection?: RTCPeerConnectionState;
}) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = video.current;
    if (!el) return;
    if (el.srcObject !== stream) el.srcObject = stream;
    if (stream) void el.play().catch(() => {});
  }, [stream, tracks, showVideo]);
  const connecting = !self && connection !== undefined && connection !== 'connected';
  return (
    <li
      className="relative flex aspect-video min-h-0 items-center justify-center overflow-hidden rounded-xl bg-zinc-800"
      data-testid="call-tile"
      data-user-id={userId}
      data-self={self ? 'true' : undefined}
      data-connection={connection}
    >
      {/* Audio plays through the element even when the video is hidden; our own is muted. */}
      <video
        ref={video}
        autoPlay
        playsInline
        muted={self}
        data-testid={self ? 'local-video' : 'remote-video'}
        className={`h-full w-full object-contain ${showVideo ? '' : 'invisible absolute'} ${self && !media.screen ? '-scale-x-100' : ''}`}
      />
      {!showVideo && <Avatar name={name} size={64} />}
      <div className="absolute inset-x-2 bottom-2 flex items-center gap-1.5 text-xs text-white">
        <span className="truncate rounded-md bg-black/55 px-2 py-0.5" data-testid="call-tile-name">
          {self ? `${name} (you)` : name}
        </span>
        {!media.audio && (
          <span className="rounded-md bg-red-600/90 p-0.5" data-testid="indicator-muted" title="Muted">
            <MicOffIcon width={14} height={14} />
            <span className="sr-only">Muted</span>
          </span>
        )}
        {!media.video && !media.screen && (
          <span className="rounded-md bg-black/55 p-0.5" data-testid="indicator-camera-off" title="Camera off">
            <CameraOffIcon width={14} height={14} />
            <span className="sr-only">Camera off</span>
          </span>
        )}
        {media.screen && (
          <span className="rounded-md bg-accent-600/90 p-0.5" data-testid="indicator-sharing" title="Sharing the screen">
            <ScreenIcon width={14} height={14} />
            <span className="sr-only">Sharing the screen</span>
          </span>
        )}
      </div>
      {connecting && (
        <span className="absolute top-2 left-2 rounded-md bg-black/55 px-2 py-0.5 text-xs text-white" role="status">
          Connecting…
        </span>
      )}
    </li>
  );
});
