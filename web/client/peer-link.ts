// One RTCPeerConnection to one peer of a mesh call, negotiated with the "perfect negotiation"
// pattern (W3C WebRTC §10.7; MDN "Establishing a connection: the perfect negotiation
// pattern"): either side may offer whenever its tracks change (onnegotiationneeded). When both
// offer at once (glare) the impolite peer ignores the incoming offer and the polite one rolls
// its own back (setRemoteDescription does the rollback) and answers. The two sides agree on who
// is polite from the user ids alone, so nobody has to coordinate.
//
// A connection that fails (a network change: new address, Wi-Fi to cellular, a TURN relay
// that went away) gets an ICE restart (restartIce → negotiationneeded → an offer with fresh
// credentials), so the call survives without hanging up. One that stays 'disconnected' for
// DISCONNECTED_RESTART_MS is restarted too: Chromium may take half a minute more to call
// it 'failed', and a path that is gone does not come back by itself.
import type { OutgoingSignal, SignalCandidate } from '@/lib/call-types';

/** How long a connection may stay 'disconnected' (a brief loss often heals) before ICE restarts. */
export const DISCONNECTED_RESTART_MS = 4_000;

export interface PeerLinkOptions {
  peerId: string;
  polite: boolean;
  config: RTCConfiguration;
  signal(frame: OutgoingSignal): void;
  /** The peer's media (one stream per peer; tracks join it as they arrive). */
  onRemoteStream(stream: MediaStream): void;
  onStateChange(state: RTCPeerConnectionState): void;
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
  createStream?: () => MediaStream;
}

export class PeerLink {
  readonly peerId: string;
  readonly polite: boolean;
  readonly pc: RTCPeerConnection;
  private readonly remote: MediaStream;
  private makingOffer = false;
  private ignoreOffer = false;
  private closed = false;
  /** Descriptions and candidates are applied one at a time, in arrival order. */
  private queue: Promise<void> = Promise.resolve();
  /** ICE restarts so far (a connection that fails again and again is restarted each time). */
  iceRestarts = 0;
  private disconnectedTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly opts: PeerLinkOptions) {
    this.peerId = opts.peerId;
    this.polite = opts.polite;
    this.pc = (opts.createPeerConnection ?? ((c) => new RTCPeerConnection(c)))(opts.config);
    this.remote = (opts.createStream ?? (() => new MediaStream()))();
    const pc = this.pc;

    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        if (this.closed || !pc.localDescription) return;
        this.opts.signal({ type: pc.localDescription.type as 'offer', to: this.peerId, sdp: pc.localDescription.sdp });
      } catch {
        /* the state moved under us (a remote offer won); the next negotiationneeded retries */
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      // null is the end of gathering: nothing to tell (the peer needs no end-of-candidates).
      if (!candidate || this.closed) return;
      const c = candidate.toJSON();
      this.opts.signal({
        type: 'ice-candidate',
        to: this.peerId,
        candidate: {
          candidate: c.candidate ?? '',
          sdpMid: c.sdpMid ?? null,
          sdpMLineIndex: c.sdpMLineIndex ?? null,
          ...(c.usernameFragment ? { usernameFragment: c.usernameFragment } : {}),
        },
      });
    };
    pc.ontrack = ({ track }) => {
      if (!this.remote.getTracks().includes(track)) this.remote.addTrack(track);
      // The peer's track ends when it is removed (renegotiation); the stream drops it.
      track.onended = () => this.remote.removeTrack(track);
      this.opts.onRemoteStream(this.remote);
    };
    pc.onconnectionstatechange = () => {
      if (this.closed) return;
      const state = pc.connectionState;
      if (state === 'disconnected') {
        this.disconnectedTimer ??= setTimeout(() => {
          this.disconnectedTimer = null;
          if (pc.connectionState === 'disconnected') this.restartIce();
        }, DISCONNECTED_RESTART_MS);
      } else {
        this.clearDisconnectedTimer();
        if (state === 'failed') this.restartIce();
      }
      this.opts.onStateChange(state);
    };
  }

  /** Our outgoing video sender; it keeps that role while its track is null (camera off). */
  private video: RTCRtpSender | null = null;

  /** Sends these tracks to the peer (an offer follows through negotiationneeded). */
  addTracks(stream: MediaStream, tracks: MediaStreamTrack[]): void {
    for (const track of tracks) {
      const sender = this.pc.addTrack(track, stream);
      if (track.kind === 'video') this.video = sender;
    }
  }

  hasVideoSender(): boolean {
    return this.video !== null;
  }

  /**
   * Swaps the outgoing video (camera ↔ screen, or null for "camera off") on the existing
   * sender: no renegotiation. Returns false when there is no video sender yet (a voice call):
   * then the caller adds the track with addTracks, which negotiates.
   */
  async replaceVideo(track: MediaStreamTrack | null): Promise<boolean> {
    if (!this.video) return false;
    await this.video.replaceTrack(track);
    return true;
  }

  handleDescription(type: 'offer' | 'answer', sdp: string): Promise<void> {
    return this.enqueue(async () => {
      const pc = this.pc;
      const collision = type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) return;
      // The polite side's setRemoteDescription rolls its own offer back first (implicit rollback).
      await pc.setRemoteDescription({ type, sdp });
      if (type === 'offer') {
        await pc.setLocalDescription();
        if (pc.localDescription) this.opts.signal({ type: 'answer', to: this.peerId, sdp: pc.localDescription.sdp });
      }
    });
  }

  handleCandidate(candidate: SignalCandidate): Promise<void> {
    return this.enqueue(async () => {
      try {
        await this.pc.addIceCandidate(candidate.candidate === '' ? null : candidate);
      } catch (e) {
        // Candidates of an offer we ignored are expected to fail; anything else is real.
        if (!this.ignoreOffer) throw e;
      }
    });
  }

  restartIce(): void {
    if (this.closed) return;
    this.iceRestarts += 1;
    this.pc.restartIce();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearDisconnectedTimer();
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
  }

  private clearDisconnectedTimer(): void {
    if (this.disconnectedTimer) clearTimeout(this.disconnectedTimer);
    this.disconnectedTimer = null;
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.queue.then(() => (this.closed ? undefined : step()));
    // One bad frame must not stop the ones after it.
    this.queue = run.catch(() => {});
    return run;
  }
}
