// The video service's wire types (../shared/spec/api.md "Video service", docs/api.md) and the
// call messages in a conversation (`call-invite`, and the `system` message of a call's end).

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** What each side tells the room about its own media (`media-state` frames). */
export interface MediaState {
  audio: boolean;
  video: boolean;
  screen: boolean;
}

export interface RoomCreated {
  roomId: string;
  iceServers: IceServer[];
  expiresAt: string;
}

export interface RoomInfo {
  roomId: string;
  /** Who is in the call now, in join order. */
  participants: string[];
  createdBy: string;
  conversationId: string | null;
  createdAt: string;
  expiresAt: string;
}

export interface SignalCandidate {
  candidate: string;
  sdpMid: string | null;
  sdpMLineIndex: number | null;
  usernameFragment?: string | null;
}

/** Frames the video service sends on /ws/:roomId. */
export type RoomFrame =
  | { type: 'welcome'; selfId: string; peers: string[]; iceServers: IceServer[] }
  | { type: 'peer-joined'; userId: string }
  | { type: 'peer-left'; userId: string }
  | { type: 'offer' | 'answer'; from: string; sdp: string }
  | { type: 'ice-candidate'; from: string; candidate: SignalCandidate }
  | ({ type: 'media-state'; from: string } & MediaState)
  | { type: 'error'; code: string; message: string }
  | { type: 'pong' };

/** Frames we send: the server adds `from` and relays to `to` (media-state to everyone). */
export type OutgoingSignal =
  | { type: 'offer' | 'answer'; to: string; sdp: string }
  | { type: 'ice-candidate'; to: string; candidate: SignalCandidate }
  | ({ type: 'media-state' } & MediaState)
  | { type: 'ping' };

/** Why a call ended, as the `system` message says (`metadata.reason`). */
export type CallEndReason = 'completed' | 'missed' | 'declined' | 'failed';

export const CALL_ENDED_EVENT = 'call-ended';
