// Call state of the signed-in session: the video service's address, the invite ringing now,
// the call we are in (its phase and timing), each peer's media and connection, and our own
// media. A store factory like stores/chat-store.ts (made by components/call-provider.tsx, read
// with useCall), never a module-global store. Logic lives in client/call-controller.ts (the
// call's life: invite, ring, accept, end) and client/mesh-call.ts (the connections).
import { createStore } from 'zustand/vanilla';
import type { CallEndReason, IceServer, MediaState } from '@/lib/call-types';

export interface IncomingCall {
  roomId: string;
  conversationId: string;
  /** Who invited. */
  from: string;
  messageId: string;
}

export type CallPhase = 'ringing' | 'connecting' | 'connected';

export interface ActiveCall {
  roomId: string;
  conversationId: string;
  /** outgoing: I invited (I post the call's end); incoming: I accepted an invite. */
  direction: 'outgoing' | 'incoming';
  phase: CallPhase;
  iceServers: IceServer[];
  startedAt: number;
  /** When the first peer connection came up: the call's duration counts from here. */
  connectedAt: number | null;
  /** Somebody else joined the room at some point. */
  everJoined: boolean;
}

export interface PeerView {
  userId: string;
  stream: MediaStream | null;
  media: MediaState;
  connection: RTCPeerConnectionState;
  /** Bumped when a track joins the stream, so views re-attach it. */
  tracks: number;
}

export interface LocalMedia {
  /** What the preview shows: the microphone and the outgoing video (camera or screen). */
  preview: MediaStream | null;
  audio: boolean;
  video: boolean;
  screen: boolean;
  /** Voice only: no camera, and peers' video is not shown. */
  voiceOnly: boolean;
}

/** A short line after a call, e.g. "Call declined" or "Call ended · 1:05". */
export interface CallNotice {
  text: string;
  reason: CallEndReason | 'error';
}

export interface CallState {
  /** undefined until the chat server told us; null when it has no video service. */
  videoUrl: string | null | undefined;
  incoming: IncomingCall | null;
  call: ActiveCall | null;
  peers: Record<string, PeerView>;
  local: LocalMedia;
  notice: CallNotice | null;

  setVideoUrl(url: string | null): void;
  ring(incoming: IncomingCall): void;
  stopRinging(roomId?: string): void;
  begin(call: ActiveCall): void;
  update(patch: Partial<ActiveCall>): void;
  upsertPeer(userId: string, patch: Partial<Omit<PeerView, 'userId'>>): void;
  removePeer(userId: string): void;
  setLocal(patch: Partial<LocalMedia>): void;
  /** Leaves the call: peers and local media go, the notice stays. */
  finish(notice: CallNotice | null): void;
  setNotice(notice: CallNotice | null): void;
}

export const NO_MEDIA: MediaState = { audio: true, video: true, screen: false };
const IDLE_LOCAL: LocalMedia = { preview: null, audio: true, video: true, screen: false, voiceOnly: false };

export function createCallStore() {
  return createStore<CallState>()((set) => ({
    videoUrl: undefined,
    incoming: null,
    call: null,
    peers: {},
    local: IDLE_LOCAL,
    notice: null,

    setVideoUrl: (videoUrl) => set({ videoUrl }),
    ring: (incoming) => set({ incoming }),
    stopRinging: (roomId) =>
      set((s) => (s.incoming && (roomId === undefined || s.incoming.roomId === roomId) ? { incoming: null } : s)),
    begin: (call) => set({ call, peers: {}, local: IDLE_LOCAL, notice: null }),
    update: (patch) => set((s) => (s.call ? { call: { ...s.call, ...patch } } : s)),
    upsertPeer: (userId, patch) =>
      set((s) => {
        const known = s.peers[userId] ?? { userId, stream: null, media: NO_MEDIA, connection: 'new' as const, tracks: 0 };
        return { peers: { ...s.peers, [userId]: { ...known, ...patch } } };
      }),
    removePeer: (userId) =>
      set((s) => {
        if (!s.peers[userId]) return s;
        const peers = { ...s.peers };
        delete peers[userId];
        return { peers };
      }),
    setLocal: (patch) => set((s) => ({ local: { ...s.local, ...patch } })),
    finish: (notice) => set({ call: null, peers: {}, local: IDLE_LOCAL, notice }),
    setNotice: (notice) => set({ notice }),
  }));
}

export type CallStore = ReturnType<typeof createCallStore>;

/** The call's length in whole seconds, from the first connection to `now`. */
export function callSeconds(call: Pick<ActiveCall, 'connectedAt'>, now: number): number {
  return call.connectedAt === null ? 0 : Math.max(0, Math.round((now - call.connectedAt) / 1000));
}

/** "m:ss", or "h:mm:ss" from an hour (the server's formatCallDuration). */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor(seconds / 60) % 60;
  const s = seconds % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
