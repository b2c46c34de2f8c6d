// Page-object steps for calls, on top of ChatPage, and what the tests read from the browser's
// own WebRTC objects: every RTCPeerConnection the page makes is recorded (an init script wraps
// the constructor, the app is unchanged), so a test can ask getStats() whether video frames
// are decoded, which candidate pair carries the call, and how many descriptions were applied.
import { register, waitFor } from '../../tests/integration/lib/client.mjs';
import { ChatPage } from './pages.mjs';

const WAIT = { timeout: 20_000 };

/**
 * Installed before any page script runs. `relayOnly` makes every connection relay-only
 * (iceTransportPolicy 'relay'), as a deployment that must hide addresses would.
 */
function recordPeerConnections({ relayOnly }) {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  // Every camera, microphone and screen track handed out, to check they are released.
  window.__tracks = [];
  for (const name of ['getUserMedia', 'getDisplayMedia']) {
    const original = navigator.mediaDevices[name].bind(navigator.mediaDevices);
    navigator.mediaDevices[name] = async (...args) => {
      const stream = await original(...args);
      window.__tracks.push(...stream.getTracks());
      return stream;
    };
  }
  // What the call went through on this page, for the message of a failed wait: media
  // requests, the room socket's life and the frames it carried, refused REST calls.
  window.__callLog = [];
  const note = (what) => window.__callLog.push(`${Math.round(performance.now())} ${what}`);
  const media = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (...args) => {
    note('getUserMedia asked');
    try {
      const stream = await media(...args);
      note(`getUserMedia gave ${stream.getTracks().length} tracks`);
      return stream;
    } catch (e) {
      note(`getUserMedia failed: ${e.name}`);
      throw e;
    }
  };
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(url, ...rest) {
      super(url, ...rest);
      const path = new URL(url).pathname;
      if (path === '/ws') return; // the chat socket: not the call's
      note(`room socket ${path}`);
      this.addEventListener('open', () => note('room socket open'));
      this.addEventListener('close', (e) => note(`room socket closed ${e.code}`));
      this.addEventListener('message', (e) => {
        try {
          const f = JSON.parse(e.data);
          if (f.type === 'ice-candidate') return; // dozens a call: the rest tells the story
          note(`room got ${f.type}${f.code ? ` ${f.code}` : ''}${f.peers ? ` peers=${f.peers.length}` : ''}`);
        } catch {
          note('room got a non-JSON frame');
        }
      });
    }
  };
  const nativeFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const res = await nativeFetch(input, init);
    const url = typeof input === 'string' ? input : input.url;
    if (!res.ok && /\/api\/(config|rooms)/.test(url)) note(`${url.replace(/^https?:\/\/[^/]+/, '')} answered ${res.status}`);
    return res;
  };
  window.RTCPeerConnection = class extends Native {
    constructor(config = {}) {
      super(relayOnly ? { ...config, iceTransportPolicy: 'relay' } : config);
      this.__remoteDescriptions = 0;
      this.__config = config;
      window.__pcs.push(this);
      // The connection's own story: states, candidates gathered and added.
      const pc = `pc${window.__pcs.length}`;
      let gathered = 0;
      this.addEventListener('signalingstatechange', () => note(`${pc} signaling ${this.signalingState}`));
      this.addEventListener('iceconnectionstatechange', () => note(`${pc} ice ${this.iceConnectionState}`));
      this.addEventListener('connectionstatechange', () => note(`${pc} connection ${this.connectionState}`));
      this.addEventListener('icecandidate', (e) => {
        if (e.candidate) gathered += 1;
        else note(`${pc} gathered ${gathered} candidates`);
      });
      this.__note = (what) => note(`${pc} ${what}`);
    }
    setLocalDescription(...args) {
      return super.setLocalDescription(...args).then(
        () => this.__note(`set local ${this.localDescription?.type}`),
        (e) => {
          this.__note(`set local failed: ${e.name}`);
          throw e;
        },
      );
    }
    setRemoteDescription(...args) {
      this.__remoteDescriptions += 1;
      return super.setRemoteDescription(...args).then(
        () => this.__note(`set remote ${args[0]?.type}`),
        (e) => {
          this.__note(`set remote ${args[0]?.type} failed: ${e.name}`);
          throw e;
        },
      );
    }
    addIceCandidate(...args) {
      return super.addIceCandidate(...args).catch((e) => {
        this.__note(`candidate refused: ${e.name}`);
        throw e;
      });
    }
  };
}

/** Call this on a context before its pages open. */
export async function recordCalls(context, { relayOnly = false } = {}) {
  await context.addInitScript(recordPeerConnections, { relayOnly });
}

/**
 * A new user `who` (registered through the API), signed in on a context of its own whose
 * peer connections are recorded: {chat, user}.
 */
export async function signedInCaller(browser, server, who, { viewport = { width: 1024, height: 700 }, relayOnly = false } = {}) {
  const context = await browser.newContext({ viewport, colorScheme: 'light' });
  await recordCalls(context, { relayOnly });
  const user = await register(server, { username: who });
  await context.addCookies([{ name: 'gc_token', value: user.token, url: server.baseUrl, httpOnly: true, sameSite: 'Lax' }]);
  const chat = await ChatPage.open(context, server.baseUrl, '/');
  await chat.byTest('me-username').filter({ hasText: who }).waitFor(WAIT);
  return { chat, user };
}

// Every page a test drove a call on: a failed wait reports what each of them went through.
const callPages = new Set();

async function callLogs() {
  const out = {};
  for (const chat of callPages) {
    const name = await chat.page.locator('[data-testid="me-username"]').first().textContent().catch(() => '?');
    out[name] = await chat.page.evaluate(() => window.__callLog?.slice(-30) ?? []).catch((e) => [`unreadable: ${e.message}`]);
  }
  return out;
}

/** @param {import('./pages.mjs').ChatPage} chat */
export function calls(chat) {
  const { page } = chat;
  callPages.add(chat);
  const t = (id) => chat.byTest(id);
  return {
    async start() {
      await t('start-call').click();
      await t('call-view').waitFor(WAIT);
    },
    incoming() {
      return t('incoming-call');
    },
    async accept({ voiceOnly = false } = {}) {
      await t(voiceOnly ? 'accept-call-voice' : 'accept-call').click();
      await t('call-view').waitFor(WAIT);
    },
    async decline() {
      await t('decline-call').click();
      await t('incoming-call').waitFor({ state: 'detached', ...WAIT });
    },
    async hangUp() {
      await t('hang-up').click();
      await t('call-view').waitFor({ state: 'detached', ...WAIT });
    },
    view() {
      return t('call-view');
    },
    tile(userId) {
      return t('call-tile').and(page.locator(`[data-user-id="${userId}"]`));
    },
    /** Per recorded connection: states, descriptions applied, ICE ufrag, inbound video, the pair in use. */
    stats() {
      return page.evaluate(async () => {
        const out = [];
        for (const pc of window.__pcs) {
          const entry = {
            connection: pc.connectionState,
            signaling: pc.signalingState,
            remoteDescriptions: pc.__remoteDescriptions,
            // Changes with every ICE restart (fresh credentials).
            ufrag: /a=ice-ufrag:(\S+)/.exec(pc.localDescription?.sdp ?? '')?.[1] ?? null,
            iceServers: pc.__config.iceServers ?? [],
            policy: pc.getConfiguration().iceTransportPolicy,
            video: [],
            pair: null,
          };
          if (pc.signalingState !== 'closed') {
            const report = await pc.getStats();
            const byId = new Map();
            report.forEach((r) => byId.set(r.id, r));
            report.forEach((r) => {
              if (r.type === 'inbound-rtp' && r.kind === 'video') {
                entry.video.push({ framesDecoded: r.framesDecoded ?? 0, frameWidth: r.frameWidth ?? 0, frameHeight: r.frameHeight ?? 0, track: r.trackIdentifier });
              }
              if (r.type === 'transport' && r.selectedCandidatePairId) {
                const p = byId.get(r.selectedCandidatePairId);
                entry.pair = p
                  ? { local: byId.get(p.localCandidateId)?.candidateType, remote: byId.get(p.remoteCandidateId)?.candidateType }
                  : null;
              }
            });
          }
          out.push(entry);
        }
        return out;
      });
    },
    /** readyState of every capture track so far ('live' or 'ended'). */
    tracks() {
      return page.evaluate(() => window.__tracks.map((t) => `${t.kind} ${t.readyState}`));
    },
    /** The open connections (a closed one is a call that ended). */
    async live() {
      return (await this.stats()).filter((s) => s.signaling !== 'closed');
    },
    /**
     * Waits until `count` open connections are connected and each decodes video frames
     * (framesDecoded > minFrames on one inbound video stream); returns their stats.
     */
    async decoding(count, { minFrames = 0, timeoutMs = 45_000 } = {}) {
      let last;
      try {
        return await waitFor(
          async () => {
            last = await this.live();
            const ok =
              last.length === count &&
              last.every((s) => s.connection === 'connected' && s.video.some((v) => v.framesDecoded > minFrames));
            return ok ? last : null;
          },
          { timeoutMs, intervalMs: 200, what: `${count} connections decoding video` },
        );
      } catch (e) {
        const view = await page.evaluate(() => ({
          phase: document.querySelector('[data-testid="call-view"]')?.getAttribute('data-phase') ?? 'no call view',
          notice: document.querySelector('[data-testid="call-notice"]')?.textContent ?? null,
        }));
        throw new Error(
          `${e.message}; last stats: ${JSON.stringify(last)}; call: ${JSON.stringify(view)}; page errors: ${JSON.stringify(chat.errors.slice(-5))}; ` +
            `call logs: ${JSON.stringify(await callLogs())}`,
        );
      }
    },
  };
}
