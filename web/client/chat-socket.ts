// The /ws connection: JSON frames in and out, a keep-alive ping, and reconnection with
// exponential backoff and jitter after any close that is not final. It knows nothing of
// conversations: client/chat-engine.ts decides what an open or a frame means.
import type { ServerFrame } from '@/lib/types';

export interface SocketEvents {
  onOpen(): void;
  onFrame(frame: ServerFrame): void;
  /** `final`: the server ended the session (logout, expired token); no reconnect follows. */
  onClose(info: { code: number; final: boolean; retryInMs: number | null }): void;
}

export interface Backoff {
  baseMs: number;
  capMs: number;
}

/** The n-th delay (n from 0): half of min(cap, base·2ⁿ) fixed, the other half random. */
export function backoffDelay(attempt: number, { baseMs, capMs }: Backoff, random = Math.random) {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

const PING_EVERY_MS = 20_000;
const PONG_WITHIN_MS = 10_000;
const POLICY_VIOLATION = 1008; // logout or expired token (docs/api.md)

export class ChatSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongDeadline: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly url: string,
    private readonly events: SocketEvents,
    private readonly backoff: Backoff = { baseMs: 500, capMs: 15_000 },
  ) {}

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.ws?.close(1000, 'bye');
    this.ws = null;
  }

  /** Sends when open; false when not (the caller keeps the frame for the next open). */
  send(frame: object): boolean {
    if (!this.isOpen) return false;
    this.ws!.send(JSON.stringify(frame));
    return true;
  }

  /** Skips the wait: used when the browser says the network is back or the tab is shown. */
  reconnectNow(): void {
    if (this.stopped || this.ws) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  private connect(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.startPing();
      this.events.onOpen();
    };
    ws.onmessage = (ev) => {
      if (this.pongDeadline) clearTimeout(this.pongDeadline);
      this.pongDeadline = null;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        return;
      }
      this.events.onFrame(frame);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.clearTimers();
      const final = ev.code === POLICY_VIOLATION || this.stopped;
      let retryInMs: number | null = null;
      if (!final) {
        retryInMs = backoffDelay(this.attempt++, this.backoff);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.connect();
        }, retryInMs);
      }
      this.events.onClose({ code: ev.code, final, retryInMs });
    };
  }

  // A connection can die without a close (a sleeping laptop, a dropped route): a ping that
  // gets no frame back in time closes it, and the close starts a reconnect.
  private startPing(): void {
    this.pingTimer = setInterval(() => {
      if (!this.send({ type: 'ping' })) return;
      if (this.pongDeadline) return;
      this.pongDeadline = setTimeout(() => this.ws?.close(4000, 'no pong'), PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  private clearTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongDeadline) clearTimeout(this.pongDeadline);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pingTimer = this.pongDeadline = this.retryTimer = null;
  }
}
