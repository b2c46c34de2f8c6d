// MeshCall against a fake room socket, fake media and fake peer connections: a link per peer
// from the welcome (offering) and from peer-joined (answering first), media-state broadcast on every change, a screen
// share put on every link's existing video sender (no new offer), peer-left closing its link,
// the last one ending the call, and hang-up releasing every capture.
import { beforeEach, describe, expect, it } from 'vitest';
import { MeshCall, type MeshEnd } from '@/client/mesh-call';
import type { RoomSignalingHandlers } from '@/client/room-signaling';
import type { OutgoingSignal, RoomFrame } from '@/lib/call-types';
import { createCallStore } from '@/stores/call-store';
import { FakePeerConnection, FakeStream, FakeTrack } from './fake-peer-connection';

const ME = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const ANN = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const CY = 'cccccccccccccccccccccccc';

let sent: OutgoingSignal[];
let handlers: RoomSignalingHandlers | null;
let closed: boolean;
let captured: FakeTrack[];
let ends: MeshEnd[];

async function settle() {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function makeCall({ voiceOnly = false } = {}) {
  const store = createCallStore();
  const call = new MeshCall({
    roomUrl: 'ws://v/ws/r1',
    selfId: ME,
    iceServers: [],
    voiceOnly,
    store,
    media: {
      getUserMedia: async (c: MediaStreamConstraints) => {
        const tracks = [...(c.audio ? [new FakeTrack('audio')] : []), ...(c.video ? [new FakeTrack('video')] : [])];
        captured.push(...tracks);
        return new FakeStream(tracks) as unknown as MediaStream;
      },
      getDisplayMedia: async () => {
        const screen = new FakeTrack('video', 'screen');
        captured.push(screen);
        return new FakeStream([screen]) as unknown as MediaStream;
      },
    },
    onPeerJoined: () => {},
    onConnected: () => {},
    onEnded: (e) => ends.push(e),
    createSignaling: (_url, h) => {
      handlers = h;
      return { send: (f) => (sent.push(f), true), close: () => void (closed = true) };
    },
    createPeerConnection: (c) => new FakePeerConnection(c) as unknown as RTCPeerConnection,
    createStream: (tracks = []) => new FakeStream(tracks as unknown as FakeTrack[]) as unknown as MediaStream,
  });
  const frame = (f: RoomFrame) => handlers!.onFrame(f);
  return { store, call, frame };
}

const pcs = () => FakePeerConnection.all;

beforeEach(() => {
  sent = [];
  handlers = null;
  closed = false;
  captured = [];
  ends = [];
  FakePeerConnection.all = [];
});

describe('MeshCall', () => {
  it('links every peer of the welcome with our tracks and tells the room our media', async () => {
    const { store, call, frame } = makeCall();
    await call.start();
    frame({ type: 'welcome', selfId: ME, peers: [ANN, CY], iceServers: [{ urls: 'turn:t', username: 'u', credential: 'c' }] });
    expect(pcs()).toHaveLength(2);
    expect(pcs()[0]!.config.iceServers).toEqual([{ urls: 'turn:t', username: 'u', credential: 'c' }]);
    expect(pcs().map((p) => p.senders.map((s) => s.track?.kind))).toEqual([['audio', 'video'], ['audio', 'video']]);
    expect(sent.filter((f) => f.type === 'media-state').at(-1)).toEqual({ type: 'media-state', audio: true, video: true, screen: false });
    expect(Object.keys(store.getState().peers).sort()).toEqual([ANN, CY]);
    await settle();
    expect(sent.filter((f) => f.type === 'offer').map((f) => (f as { to: string }).to).sort()).toEqual([ANN, CY]);
  });

  it('a peer that joins after us offers: our link waits and answers with our tracks', async () => {
    const { call, frame } = makeCall();
    await call.start();
    frame({ type: 'welcome', selfId: ME, peers: [], iceServers: [] });
    frame({ type: 'peer-joined', userId: CY });
    await settle();
    expect(pcs()).toHaveLength(1);
    expect(sent.filter((f) => f.type === 'offer')).toEqual([]); // no glare with the newcomer's offer
    frame({ type: 'offer', from: CY, sdp: 'v=0 offer from cy' });
    await settle();
    expect(pcs()[0]!.log).toEqual(['remote offer', 'local answer']);
    expect(pcs()[0]!.senders.map((s) => s.track?.kind)).toEqual(['audio', 'video']);
    expect(sent.filter((f) => f.type === 'answer').map((f) => (f as { to: string }).to)).toEqual([CY]);
  });

  it('a screen share goes on every existing video sender; stopping it brings the camera back', async () => {
    const { store, call, frame } = makeCall();
    await call.start();
    frame({ type: 'welcome', selfId: ME, peers: [ANN, CY], iceServers: [] });
    await settle();
    const offers = sent.filter((f) => f.type === 'offer').length;
    await call.toggleScreen();
    for (const pc of pcs()) {
      const video = pc.senders.find((s) => s.replaced.length)!;
      expect(video.track?.id).toBe('screen');
    }
    expect(store.getState().local.screen).toBe(true);
    expect(sent.at(-1)).toEqual({ type: 'media-state', audio: true, video: true, screen: true });
    await call.toggleScreen();
    await settle();
    for (const pc of pcs()) expect(pc.senders.find((s) => s.replaced.length)!.track?.kind).toBe('video');
    expect(pcs().every((pc) => pc.senders.find((s) => s.replaced.length)!.track?.id !== 'screen')).toBe(true);
    expect(captured.find((t) => t.id === 'screen')!.stopped).toBe(true);
    expect(sent.filter((f) => f.type === 'offer').length).toBe(offers); // no renegotiation
  });

  it('mute and camera off are media-state changes; camera off sends null on the sender', async () => {
    const { store, call, frame } = makeCall();
    await call.start();
    frame({ type: 'welcome', selfId: ME, peers: [ANN], iceServers: [] });
    call.toggleMute();
    expect(store.getState().local.audio).toBe(false);
    expect(sent.at(-1)).toMatchObject({ type: 'media-state', audio: false });
    await call.toggleCamera();
    expect(pcs()[0]!.senders.find((s) => s.replaced.length)!.replaced).toEqual([null]);
    expect(sent.at(-1)).toEqual({ type: 'media-state', audio: false, video: false, screen: false });
    frame({ type: 'media-state', from: ANN, audio: false, video: true, screen: true });
    expect(store.getState().peers[ANN]!.media).toEqual({ audio: false, video: true, screen: true });
  });

  it('peer-left closes that link; the last one ends the call; hang-up releases everything', async () => {
    const { store, call, frame } = makeCall();
    await call.start();
    frame({ type: 'welcome', selfId: ME, peers: [ANN], iceServers: [] });
    frame({ type: 'peer-joined', userId: CY });
    expect(pcs()).toHaveLength(2);
    frame({ type: 'peer-left', userId: ANN });
    expect(pcs()[0]!.closed).toBe(true);
    expect(store.getState().peers[ANN]).toBeUndefined();
    expect(ends).toEqual([]);
    frame({ type: 'peer-left', userId: CY });
    expect(ends).toEqual([{ why: 'alone' }]);
    expect(pcs().every((p) => p.closed)).toBe(true);
    expect(closed).toBe(true);
    expect(captured.every((t) => t.stopped)).toBe(true);
  });

  it('a refused join ends the call with the reason; a voice call takes no camera', async () => {
    const { call, frame } = makeCall({ voiceOnly: true });
    await call.start();
    expect(captured.map((t) => t.kind)).toEqual(['audio']);
    frame({ type: 'error', code: 'room_full', message: 'the room is full' });
    expect(ends).toEqual([{ why: 'refused', code: 'room_full', message: 'the room is full' }]);
  });
});
