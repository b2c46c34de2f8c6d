// One RTCPeerConnection to one peer of a mesh call, negotiated with the "perfect negotiation"
// pattern (W3C WebRTC §10.7; MDN "Establishing a connection: the perfect negotiation
// pattern"): either side may offer whenever its tracks change (onnegotiationneeded). When both
// offer at once (glare) the impolite peer ignores the incoming offer and the polite one rolls
// its own back (setRemoteDescription does the rollback) and answers. The two sides agree on who
// is polite from the user ids alone, so nobody has to coordinate.
//
// Glare is settled, but it is also avoided where it is predictable, because Chromium (120 on
// Debian 12, measured with two links in one page) does not always survive the rollback: when
// the polite side's own offer had started gathering candidates, its answer's ICE agent can
// stay stuck (gathering never ends, no connectivity checks, the call never connects; about 1
// glare in 5). So:
// - At the start of a call only the newcomer offers: a link made with `answerFirst` (the peer
//   joined after us and will offer) holds our tracks until that offer arrives and sends them
//   in the answer.
// - After a failure both sides would restart ICE at once: the impolite side restarts, and the
//   polite side only if the connection is still down POLITE_RESTART_DELAY_MS later.
//
// A connection that fails (a network change: new address, Wi-Fi to cellular, a TURN relay
// that went away) gets an ICE restart (restartIce → negotiationneeded → an offer with fresh
// credentials), so the call survives without hanging up. One that stays 'disconnected' for
// DISCONNECTED_RESTART_MS is restarted too: Chromium may take half a minute more to call
// it 'failed', and a path that is gone does not come back by itself.
import type { OutgoingSignal, SignalCandidate } from '@/lib/call-types';

/** How long a connection may stay 'disconnected' (a brief loss often heals) before ICE restarts. */
export const DISCONNECTED_RESTART_MS = 4_000;
/** How much later than the impolite side the polite side restarts a connection that is down. */
export const POLITE_RESTART_DELAY_MS = 3_000;

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
  /**
   * The peer offers first (it joined the room after us): our tracks wait for its offer and
   * go out in our answer, so the two sides do not offer at once.
   */
  answerFirst?: boolean;
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
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  /** With `answerFirst`, the tracks to send once the peer's first offer is in. */
  private held: { stream: MediaStream | null; tracks: MediaStreamTrack[] } | null;

  constructor(private readonly opts: PeerLinkOptions) {
    this.peerId = opts.peerId;
    this.polite = opts.polite;
    this.pc = (opts.createPeerConnection ?? ((c) => new RTCPeerConnection(c)))(opts.config);
    this.remote = (opts.createStream ?? (() => new MediaStream()))();
    this.held = opts.answerFirst ? { stream: null, tracks: [] } : null;
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
      if (state === 'disconnected' || state === 'failed') {
        // The impolite side restarts; the polite one answers its offer, or restarts itself
        // when none came (the other side may not have noticed).
        const wait = (state === 'disconnected' ? DISCONNECTED_RESTART_MS : 0) + (this.polite ? POLITE_RESTART_DELAY_MS : 0);
        if (wait === 0) this.restartIce();
        else
          this.restartTimer ??= setTimeout(() => {
            this.restartTimer = null;
            if (pc.connectionState === 'disconnected' || pc.connectionState === 'failed') this.restartIce();
          }, wait);
      } else {
        this.clearRestartTimer();
      }
      this.opts.onStateChange(state);
    };
  }

  /** Our outgoing video sender; it keeps that role while its track is null (camera off). */
  private video: RTCRtpSender | null = null;

  /**
   * Sends these tracks to the peer: an offer follows through negotiationneeded, or, while the
   * peer's first offer is awaited, our answer carries them. With no tracks at all (no
   * microphone, no camera) we still offer, to receive.
   */
  addTracks(stream: MediaStream, tracks: MediaStreamTrack[]): void {
    if (this.held) {
      this.held.stream = stream;
      this.held.tracks.push(...tracks);
      return;
    }
    if (tracks.length === 0 && this.pc.getTransceivers().length === 0) {
      this.pc.addTransceiver('audio', { direction: 'recvonly' });
      this.pc.addTransceiver('video', { direction: 'recvonly' });
    }
    for (const track of tracks) {
      const sender = this.pc.addTrack(track, stream);
      if (track.kind === 'video') this.video = sender;
    }
  }

  /** Whether the peer's first offer is still awaited (our tracks are held until then). */
  awaitingOffer(): boolean {
    return this.held !== null;
  }

  /**
   * Swaps the outgoing video (camera ↔ screen, or null for "camera off") on the existing
   * sender: no renegotiation. Returns false when there is no video sender yet (a voice call):
   * then the caller adds the track with addTracks, which negotiates.
   */
  async replaceVideo(track: MediaStreamTrack | null): Promise<boolean> {
    if (this.held) {
      // Not sent yet: the answer will carry whatever video is current then.
      const others = this.held.tracks.filter((t) => t.kind !== 'video');
      this.held.tracks = track ? [...others, track] : others;
      return true;
    }
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
        this.releaseHeld();
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

  /** Our held tracks join the transceivers the peer's offer made: the answer sends them. */
  private releaseHeld(): void {
    const held = this.held;
    if (!held) return;
    this.held = null;
    if (held.stream) this.addTracks(held.stream, held.tracks);
  }

  restartIce(): void {
    if (this.closed) return;
    this.iceRestarts += 1;
    this.pc.restartIce();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearRestartTimer();
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.queue.then(() => (this.closed ? undefined : step()));
    // One bad frame must not stop the ones after it.
    this.queue = run.catch(() => {});
    return run;
  }
}
