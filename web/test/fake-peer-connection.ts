// An RTCPeerConnection stand-in with the signaling state machine that perfect negotiation
// depends on (JSEP: stable → have-local-offer → stable; a remote offer in have-local-offer
// rolls ours back, as setRemoteDescription's implicit rollback does), for the PeerLink and
// MeshCall tests. No media, no ICE: the tests drive connectionState themselves.
export class FakeSender {
  replaced: (FakeTrack | null)[] = [];
  constructor(public track: FakeTrack | null) {}
  async replaceTrack(track: FakeTrack | null) {
    this.replaced.push(track);
    this.track = track;
  }
}

export class FakeTrack {
  enabled = true;
  stopped = false;
  onended: (() => void) | null = null;
  constructor(readonly kind: 'audio' | 'video', readonly id = `${kind}-${Math.random().toString(36).slice(2, 8)}`) {}
  stop() {
    this.stopped = true;
  }
}

export class FakeStream {
  constructor(private tracks: FakeTrack[] = []) {}
  getTracks() {
    return [...this.tracks];
  }
  getAudioTracks() {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === 'video');
  }
  addTrack(t: FakeTrack) {
    this.tracks.push(t);
  }
  removeTrack(t: FakeTrack) {
    this.tracks = this.tracks.filter((x) => x !== t);
  }
}

let sdpCounter = 0;

export class FakePeerConnection {
  static all: FakePeerConnection[] = [];
  signalingState: RTCSignalingState = 'stable';
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: { type: RTCSdpType; sdp: string } | null = null;
  remoteDescription: { type: RTCSdpType; sdp: string } | null = null;
  senders: FakeSender[] = [];
  /** Transceivers by kind and direction, as addTrack and addTransceiver made them. */
  transceivers: { kind: string; direction: RTCRtpTransceiverDirection }[] = [];
  candidates: unknown[] = [];
  restarts = 0;
  rollbacks = 0;
  closed = false;
  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: ((e: { candidate: unknown }) => void) | null = null;
  ontrack: ((e: { track: FakeTrack }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  /** Every description set, in order: [local|remote, type]. */
  log: string[] = [];

  constructor(readonly config: RTCConfiguration) {
    FakePeerConnection.all.push(this);
  }

  addTrack(track: FakeTrack) {
    const sender = new FakeSender(track);
    this.senders.push(sender);
    this.transceivers.push({ kind: track.kind, direction: 'sendrecv' });
    this.negotiationNeeded();
    return sender;
  }

  addTransceiver(kind: string, init: { direction: RTCRtpTransceiverDirection }) {
    this.transceivers.push({ kind, direction: init.direction });
    this.negotiationNeeded();
  }

  getTransceivers() {
    return this.transceivers;
  }

  getSenders() {
    return this.senders;
  }

  async setLocalDescription() {
    await Promise.resolve();
    const type: RTCSdpType = this.signalingState === 'have-remote-offer' ? 'answer' : 'offer';
    this.localDescription = { type, sdp: `v=0 ${type} ${++sdpCounter}` };
    this.signalingState = type === 'offer' ? 'have-local-offer' : 'stable';
    this.log.push(`local ${type}`);
  }

  async setRemoteDescription(d: { type: RTCSdpType; sdp: string }) {
    await Promise.resolve();
    if (d.type === 'offer' && this.signalingState === 'have-local-offer') {
      this.rollbacks += 1;
      this.log.push('rollback');
    }
    if (d.type === 'answer' && this.signalingState !== 'have-local-offer') throw new Error('InvalidStateError');
    this.remoteDescription = d;
    this.signalingState = d.type === 'offer' ? 'have-remote-offer' : 'stable';
    this.log.push(`remote ${d.type}`);
  }

  async addIceCandidate(c: unknown) {
    if (!this.remoteDescription) throw new Error('InvalidStateError: no remote description');
    this.candidates.push(c);
  }

  restartIce() {
    this.restarts += 1;
    this.negotiationNeeded();
  }

  setConnectionState(state: RTCPeerConnectionState) {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }

  close() {
    this.closed = true;
    this.signalingState = 'closed';
  }

  private queued = false;
  private negotiationNeeded() {
    // Browsers fire it asynchronously and once for several changes made together.
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      if (!this.closed && this.signalingState === 'stable') this.onnegotiationneeded?.();
    });
  }
}
