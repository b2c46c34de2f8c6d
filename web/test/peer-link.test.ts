// PeerLink's perfect negotiation against two fake peer connections wired to each other:
// glare (both offer at once) settles with the polite side answering and the impolite side's
// offer winning; a link that answers first holds its tracks for its answer and never offers
// first; a failed connection restarts ICE (the polite side later, and only if still down),
// and so does one that stays disconnected; the video sender's track is swapped without a new
// offer.
import { describe, expect, it, vi } from 'vitest';
import { DISCONNECTED_RESTART_MS, PeerLink, POLITE_RESTART_DELAY_MS } from '@/client/peer-link';
import type { OutgoingSignal } from '@/lib/call-types';
import { FakePeerConnection, FakeStream, FakeTrack } from './fake-peer-connection';

const A = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbbbbbbbbbb';

/**
 * Two links, A → B and B → A, whose signals are held until `deliver` runs them; the links
 * named in `answerFirst` wait for the other's offer.
 */
function pair({ answerFirst = [] as string[] } = {}) {
  const outbox: { from: string; frame: OutgoingSignal }[] = [];
  const states: Record<string, RTCPeerConnectionState[]> = { [A]: [], [B]: [] };
  const make = (self: string, peer: string) =>
    new PeerLink({
      peerId: peer,
      polite: self < peer,
      config: {},
      signal: (frame) => outbox.push({ from: self, frame }),
      onRemoteStream: () => {},
      onStateChange: (s) => states[self]!.push(s),
      createPeerConnection: (c) => new FakePeerConnection(c) as unknown as RTCPeerConnection,
      createStream: () => new FakeStream() as unknown as MediaStream,
      answerFirst: answerFirst.includes(self),
    });
  const a = make(A, B);
  const b = make(B, A);
  const links: Record<string, PeerLink> = { [A]: a, [B]: b };
  /** Delivers everything queued (and what that produces) until nothing moves. */
  async function deliver() {
    for (let round = 0; round < 20; round++) {
      await settle();
      const batch = outbox.splice(0);
      if (batch.length === 0) return;
      for (const { from, frame } of batch) {
        const to = from === A ? b : a;
        if (frame.type === 'offer' || frame.type === 'answer') await to.handleDescription(frame.type, frame.sdp);
        else if (frame.type === 'ice-candidate') await to.handleCandidate(frame.candidate);
      }
    }
    throw new Error('signaling did not settle');
  }
  return { a, b, links, outbox, states, deliver, fake: (l: PeerLink) => l.pc as unknown as FakePeerConnection };
}

async function settle() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

const stream = (...tracks: FakeTrack[]) => new FakeStream(tracks) as unknown as MediaStream;
const tracks = (...t: FakeTrack[]) => t as unknown as MediaStreamTrack[];

describe('PeerLink', () => {
  it('the smaller user id is the polite side', () => {
    const { a, b } = pair();
    expect(a.polite).toBe(true);
    expect(b.polite).toBe(false);
  });

  it('one side offers: the other answers, both end stable', async () => {
    const { a, b, deliver, fake, outbox } = pair();
    const mic = new FakeTrack('audio');
    a.addTracks(stream(mic), tracks(mic));
    await settle();
    expect(outbox.map((o) => o.frame.type)).toEqual(['offer']);
    await deliver();
    expect(fake(a).signalingState).toBe('stable');
    expect(fake(b).signalingState).toBe('stable');
    expect(fake(b).log).toEqual(['remote offer', 'local answer']);
  });

  it('glare: both offer at once; the polite side rolls back and answers, the impolite offer wins', async () => {
    const { a, b, deliver, fake, outbox } = pair();
    const [ma, mb] = [new FakeTrack('audio'), new FakeTrack('audio')];
    a.addTracks(stream(ma), tracks(ma));
    b.addTracks(stream(mb), tracks(mb));
    await settle();
    expect(outbox.map((o) => `${o.from === A ? 'a' : 'b'} ${o.frame.type}`).sort()).toEqual(['a offer', 'b offer']);
    await deliver();
    // a (polite) dropped its own offer for b's; b (impolite) ignored a's.
    expect(fake(a).rollbacks).toBe(1);
    expect(fake(b).rollbacks).toBe(0);
    expect(fake(a).log).toEqual(['local offer', 'rollback', 'remote offer', 'local answer']);
    expect(fake(b).log).toEqual(['local offer', 'remote answer']);
    expect(fake(a).signalingState).toBe('stable');
    expect(fake(b).signalingState).toBe('stable');
  });

  it('a link that answers first holds its tracks: only the newcomer offers, the answer sends both ways', async () => {
    const { a, b, deliver, fake, outbox } = pair({ answerFirst: [A] });
    const [ma, ca, mb] = [new FakeTrack('audio'), new FakeTrack('video'), new FakeTrack('audio')];
    a.addTracks(stream(ma, ca), tracks(ma, ca)); // a was in the room; b just joined
    await settle();
    expect(outbox).toEqual([]); // a does not offer: no glare
    expect(a.awaitingOffer()).toBe(true);
    // The camera changes while waiting: the answer carries the current video, no offer.
    const screen = new FakeTrack('video', 'screen');
    expect(await a.replaceVideo(tracks(screen)[0]!)).toBe(true);
    b.addTracks(stream(mb), tracks(mb));
    await deliver();
    expect(a.awaitingOffer()).toBe(false);
    expect(fake(b).log).toEqual(['local offer', 'remote answer']);
    expect(fake(a).log).toEqual(['remote offer', 'local answer']);
    expect(fake(a).rollbacks + fake(b).rollbacks).toBe(0);
    expect(fake(a).senders.map((s) => s.track?.id)).toEqual([ma.id, 'screen']);
    expect(fake(a).signalingState).toBe('stable');
    expect(fake(b).signalingState).toBe('stable');
  });

  it('with no microphone and no camera a link still offers, to receive audio and video', async () => {
    const { a, b, deliver, fake } = pair();
    b.addTracks(stream(), []);
    await deliver();
    expect(fake(b).transceivers).toEqual([
      { kind: 'audio', direction: 'recvonly' },
      { kind: 'video', direction: 'recvonly' },
    ]);
    expect(fake(a).log).toEqual(['remote offer', 'local answer']);
  });

  it('candidates of an ignored offer are dropped quietly; others are applied', async () => {
    const { b, fake } = pair();
    const mb = new FakeTrack('audio');
    b.addTracks(stream(mb), tracks(mb));
    await settle(); // b (impolite) now has its own offer out
    await b.handleDescription('offer', 'v=0 glare');
    expect(fake(b).log).toEqual(['local offer']); // ignored
    await expect(b.handleCandidate({ candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 })).resolves.toBeUndefined();
    expect(fake(b).candidates).toEqual([]);
  });

  it('a failed connection restarts ICE: a fresh offer goes out', async () => {
    const { a, b, deliver, fake, outbox, states } = pair();
    const mic = new FakeTrack('audio');
    a.addTracks(stream(mic), tracks(mic));
    await deliver();
    fake(b).setConnectionState('connected');
    fake(b).setConnectionState('failed');
    expect(fake(b).restarts).toBe(1);
    expect(b.iceRestarts).toBe(1);
    expect(states[B]).toEqual(['connected', 'failed']);
    await settle();
    expect(outbox.map((o) => `${o.from === B ? 'b' : 'a'} ${o.frame.type}`)).toEqual(['b offer']);
    await deliver();
    expect(fake(a).signalingState).toBe('stable');
    expect(fake(b).signalingState).toBe('stable');
  });

  it('the polite side restarts a failed connection only if it is still down a while later', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { a, b, deliver, fake } = pair();
      const mic = new FakeTrack('audio');
      b.addTracks(stream(mic), tracks(mic));
      await deliver();
      // Both see the failure: b (impolite) restarts at once, a waits for b's offer.
      fake(a).setConnectionState('failed');
      fake(b).setConnectionState('failed');
      expect([a.iceRestarts, b.iceRestarts]).toEqual([0, 1]);
      await deliver();
      fake(a).setConnectionState('connected'); // b's restart worked
      vi.advanceTimersByTime(POLITE_RESTART_DELAY_MS);
      expect(a.iceRestarts).toBe(0);
      // Only a sees the failure this time: it restarts, later.
      fake(a).setConnectionState('failed');
      vi.advanceTimersByTime(POLITE_RESTART_DELAY_MS - 1);
      expect(a.iceRestarts).toBe(0);
      vi.advanceTimersByTime(1);
      expect(a.iceRestarts).toBe(1);
      expect(fake(a).restarts).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a connection that stays disconnected restarts ICE; one that comes back does not', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { a, b, deliver, fake } = pair();
      const mic = new FakeTrack('audio');
      a.addTracks(stream(mic), tracks(mic));
      await deliver();
      fake(b).setConnectionState('connected');
      fake(b).setConnectionState('disconnected'); // a brief loss…
      vi.advanceTimersByTime(DISCONNECTED_RESTART_MS - 1);
      fake(b).setConnectionState('connected'); // …that healed by itself
      vi.advanceTimersByTime(DISCONNECTED_RESTART_MS);
      expect(b.iceRestarts).toBe(0);

      fake(b).setConnectionState('disconnected'); // the path is gone
      vi.advanceTimersByTime(DISCONNECTED_RESTART_MS - 1);
      expect(b.iceRestarts).toBe(0);
      vi.advanceTimersByTime(1);
      expect(b.iceRestarts).toBe(1);
      expect(fake(b).restarts).toBe(1);

      // Closed while disconnected: no restart of a connection that is gone.
      fake(a).setConnectionState('disconnected');
      a.close();
      vi.advanceTimersByTime(DISCONNECTED_RESTART_MS + POLITE_RESTART_DELAY_MS);
      expect(a.iceRestarts).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('replaceVideo swaps the outgoing video on its sender without negotiating', async () => {
    const { a, deliver, fake, outbox } = pair();
    const [mic, cam, screen] = [new FakeTrack('audio'), new FakeTrack('video'), new FakeTrack('video')];
    expect(await a.replaceVideo(tracks(screen)[0]!)).toBe(false); // nothing to swap yet
    a.addTracks(stream(mic, cam), tracks(mic, cam));
    await deliver();
    const descriptions = fake(a).log.length;
    expect(await a.replaceVideo(tracks(screen)[0]!)).toBe(true);
    expect(await a.replaceVideo(null)).toBe(true);
    await settle();
    const video = fake(a).senders.find((s) => s.replaced.length > 0)!;
    expect(video.replaced).toEqual([screen, null]);
    expect(fake(a).log.length).toBe(descriptions);
    expect(outbox).toEqual([]);
  });

  it('close stops everything: later frames do nothing', async () => {
    const { a, fake } = pair();
    a.close();
    expect(fake(a).closed).toBe(true);
    await a.handleDescription('offer', 'v=0 late');
    expect(fake(a).log).toEqual([]);
  });
});
