// The connections of one call: the room's signaling socket, one PeerLink per other
// participant (a full mesh: each pair has its own RTCPeerConnection, fine up to the room's cap
// of 4), and our own media. Created and torn down by hooks/use-webrtc.ts; writes what the
// views show into the call store.
//
// Who offers: the newcomer. The welcome's peers get links that offer at once; a peer that
// joins after us gets a link that waits for its offer and answers with our tracks, so a call
// does not start with both sides offering (a glare Chromium does not always survive: see
// client/peer-link.ts). Later renegotiations (camera on in a voice call, ICE restarts) may
// come from either side; perfect negotiation settles them. The polite side of a pair is the
// one with the smaller user id.
//
// Outgoing video is one sender per link, created with the camera track. Camera off puts null
// on it, screen sharing puts the screen track on it (RTCRtpSender.replaceTrack): neither
// renegotiates. Only a call started without a camera (voice only) negotiates again when video
// is first sent.
import type { IceServer, MediaState, RoomFrame } from '@/lib/call-types';
import type { CallStore } from '@/stores/call-store';
import { PeerLink } from './peer-link';
import { RoomSignaling, type RoomSignalingHandlers, type SignalingChannel } from './room-signaling';

export type MeshEnd =
  | { why: 'alone' } // everybody else left
  | { why: 'refused'; code: string; message: string } // the room said no (full, forbidden…)
  | { why: 'lost'; code: number }; // the room socket closed under us

export interface MediaSource {
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  getDisplayMedia(constraints: DisplayMediaStreamOptions): Promise<MediaStream>;
}

export interface MeshCallOptions {
  roomUrl: string;
  selfId: string;
  iceServers: IceServer[];
  voiceOnly: boolean;
  store: CallStore;
  media: MediaSource;
  /** A peer entered the room (the ringing is over). */
  onPeerJoined(): void;
  /** The first peer connection is up. */
  onConnected(): void;
  onEnded(end: MeshEnd): void;
  createSignaling?(url: string, handlers: RoomSignalingHandlers): SignalingChannel;
  createPeerConnection?(config: RTCConfiguration): RTCPeerConnection;
  createStream?(tracks?: MediaStreamTrack[]): MediaStream;
}

export class MeshCall {
  private readonly links = new Map<string, PeerLink>();
  private signaling: SignalingChannel | null = null;
  private iceServers: IceServer[];
  private selfId: string;
  private local: MediaStream | null = null;
  private camera: MediaStreamTrack | null = null;
  private screen: MediaStreamTrack | null = null;
  private microphone: MediaStreamTrack | null = null;
  private preview: MediaStream | null = null;
  private hadPeers = false;
  private connected = false;
  private ended = false;

  constructor(private readonly opts: MeshCallOptions) {
    this.iceServers = opts.iceServers;
    this.selfId = opts.selfId;
  }

  private stream(tracks: MediaStreamTrack[] = []): MediaStream {
    return (this.opts.createStream ?? ((t: MediaStreamTrack[] = []) => new MediaStream(t)))(tracks);
  }

  /** Takes the microphone (and camera unless voice only), then joins the room. */
  async start(): Promise<void> {
    const { media, voiceOnly } = this.opts;
    let captured: MediaStream;
    try {
      captured = await media.getUserMedia({ audio: true, video: !voiceOnly });
    } catch {
      // No camera (or it is refused): a voice call is still a call.
      captured = await media.getUserMedia({ audio: true, video: false }).catch(() => this.stream());
    }
    if (this.ended) {
      for (const t of captured.getTracks()) t.stop();
      return;
    }
    this.microphone = captured.getAudioTracks()[0] ?? null;
    this.camera = captured.getVideoTracks()[0] ?? null;
    this.local = this.stream([this.microphone, this.camera].filter((t): t is MediaStreamTrack => t !== null));
    this.publishLocal({ voiceOnly });
    const handlers: RoomSignalingHandlers = {
      onFrame: (f) => this.onFrame(f),
      onClose: (code) => {
        if (!this.ended) this.finish({ why: 'lost', code });
      },
    };
    this.signaling = (this.opts.createSignaling ?? ((u, h) => new RoomSignaling(u, h)))(this.opts.roomUrl, handlers);
  }

  // --- what the user does

  toggleMute(): void {
    if (!this.microphone) return;
    this.microphone.enabled = !this.microphone.enabled;
    this.publishLocal();
  }

  async toggleCamera(): Promise<void> {
    if (this.camera) await this.cameraOff();
    else await this.cameraOn();
  }

  async setVoiceOnly(on: boolean): Promise<void> {
    if (on) await this.cameraOff();
    else if (!this.camera) await this.cameraOn();
    this.publishLocal({ voiceOnly: on });
  }

  async toggleScreen(): Promise<void> {
    if (this.screen) {
      await this.stopScreen();
      return;
    }
    let shared: MediaStream;
    try {
      shared = await this.opts.media.getDisplayMedia({ video: true, audio: false });
    } catch {
      return; // the person cancelled the picker
    }
    const track = shared.getVideoTracks()[0];
    if (!track || this.ended) {
      for (const t of shared.getTracks()) t.stop();
      return;
    }
    this.screen = track;
    // The browser's own "Stop sharing" button ends the track.
    track.onended = () => void this.stopScreen();
    await this.sendVideo(track);
    this.publishLocal();
  }

  hangUp(): void {
    this.teardown();
  }

  // --- the room

  private onFrame(frame: RoomFrame): void {
    if (this.ended) return;
    switch (frame.type) {
      case 'welcome':
        this.selfId = frame.selfId;
        if (frame.iceServers.length) this.iceServers = frame.iceServers;
        for (const peer of frame.peers) this.link(peer, { answerFirst: false });
        this.sendMediaState();
        return;
      case 'peer-joined':
        this.link(frame.userId);
        this.sendMediaState(); // so the newcomer learns it
        return;
      case 'peer-left':
        this.drop(frame.userId);
        if (this.links.size === 0 && this.hadPeers) this.finish({ why: 'alone' });
        return;
      case 'offer':
      case 'answer':
        void this.link(frame.from).handleDescription(frame.type, frame.sdp).catch(() => {});
        return;
      case 'ice-candidate':
        void this.link(frame.from).handleCandidate(frame.candidate).catch(() => {});
        return;
      case 'media-state':
        this.opts.store.getState().upsertPeer(frame.from, {
          media: { audio: frame.audio, video: frame.video, screen: frame.screen },
        });
        return;
      case 'error':
        // A refused join comes with a close (1008) right after: end with the reason.
        if (['room_full', 'forbidden', 'blocked', 'not_found', 'room_expired', 'replaced'].includes(frame.code)) {
          this.finish({ why: 'refused', code: frame.code, message: frame.message });
        }
        return;
      default:
    }
  }

  /** The link to `peerId`, made on first mention; one we did not make from the welcome answers first. */
  private link(peerId: string, { answerFirst = true } = {}): PeerLink {
    const known = this.links.get(peerId);
    if (known) return known;
    const store = this.opts.store;
    const link = new PeerLink({
      peerId,
      polite: this.selfId < peerId,
      config: { iceServers: this.iceServers as RTCIceServer[] },
      signal: (f) => this.signaling?.send(f),
      onRemoteStream: (stream) => {
        const tracks = stream.getTracks().length;
        store.getState().upsertPeer(peerId, { stream, tracks });
      },
      onStateChange: (connection) => {
        store.getState().upsertPeer(peerId, { connection });
        if (connection === 'connected' && !this.connected) {
          this.connected = true;
          this.opts.onConnected();
        }
      },
      createPeerConnection: this.opts.createPeerConnection,
      createStream: this.opts.createStream ? () => this.stream() : undefined,
      answerFirst,
    });
    this.links.set(peerId, link);
    store.getState().upsertPeer(peerId, {});
    const outgoingVideo = this.screen ?? this.camera;
    if (this.local) {
      const tracks = [this.microphone, outgoingVideo].filter((t): t is MediaStreamTrack => t !== null);
      link.addTracks(this.local, tracks);
    }
    if (!this.hadPeers) {
      this.hadPeers = true;
      this.opts.onPeerJoined();
    }
    return link;
  }

  private drop(peerId: string): void {
    this.links.get(peerId)?.close();
    this.links.delete(peerId);
    this.opts.store.getState().removePeer(peerId);
  }

  // --- our media

  private async cameraOff(): Promise<void> {
    const camera = this.camera;
    if (!camera) return;
    this.camera = null;
    camera.stop();
    if (!this.screen) await this.sendVideo(null);
    this.publishLocal();
  }

  private async cameraOn(): Promise<void> {
    let track: MediaStreamTrack | undefined;
    try {
      track = (await this.opts.media.getUserMedia({ video: true, audio: false })).getVideoTracks()[0];
    } catch {
      return;
    }
    if (!track) return;
    if (this.ended) {
      track.stop();
      return;
    }
    this.camera = track;
    if (!this.screen) await this.sendVideo(track);
    this.publishLocal({ voiceOnly: false });
  }

  private async stopScreen(): Promise<void> {
    const screen = this.screen;
    if (!screen) return;
    this.screen = null;
    screen.onended = null;
    screen.stop();
    await this.sendVideo(this.camera);
    this.publishLocal();
  }

  /** Puts `track` on every link's video sender; a link without one gets it added (negotiates). */
  private async sendVideo(track: MediaStreamTrack | null): Promise<void> {
    await Promise.all(
      [...this.links.values()].map(async (link) => {
        const swapped = await link.replaceVideo(track);
        if (!swapped && track && this.local) link.addTracks(this.local, [track]);
      }),
    );
  }

  private mediaState(): MediaState {
    return {
      audio: this.microphone?.enabled ?? false,
      video: this.camera !== null,
      screen: this.screen !== null,
    };
  }

  private sendMediaState(): void {
    this.signaling?.send({ type: 'media-state', ...this.mediaState() });
  }

  /** The preview (microphone + what we send as video) and the switches, to the store. */
  private publishLocal(extra: { voiceOnly?: boolean } = {}): void {
    const tracks = [this.microphone, this.screen ?? this.camera].filter((t): t is MediaStreamTrack => t !== null);
    // A new stream only when its tracks change: a mute must not make the preview flicker.
    const known = this.preview?.getTracks() ?? [];
    if (!this.preview || known.length !== tracks.length || tracks.some((t) => !known.includes(t))) {
      this.preview = this.stream(tracks);
    }
    this.opts.store.getState().setLocal({ preview: this.preview, ...this.mediaState(), ...extra });
    this.sendMediaState();
  }

  private finish(end: MeshEnd): void {
    if (this.ended) return;
    this.teardown();
    this.opts.onEnded(end);
  }

  private teardown(): void {
    if (this.ended) return;
    this.ended = true;
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.signaling?.close();
    this.signaling = null;
    for (const t of [this.microphone, this.camera, this.screen]) t?.stop();
    this.microphone = this.camera = this.screen = null;
  }
}
