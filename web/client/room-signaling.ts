// The room's WebSocket on the video service: JSON frames in and out, a ping every 20 s so idle
// calls are not dropped by the server's keep-alive, no reconnect (a lost room socket ends the
// call: the peers saw `peer-left` and dropped us already).
import type { OutgoingSignal, RoomFrame } from '@/lib/call-types';

const PING_EVERY_MS = 20_000;

export interface RoomSignalingHandlers {
  onFrame(frame: RoomFrame): void;
  /** The socket closed; `code` is the close code (1008 refused/ended, 4000 replaced…). */
  onClose(code: number, reason: string): void;
}

export interface SignalingChannel {
  send(frame: OutgoingSignal): boolean;
  close(): void;
}

export class RoomSignaling implements SignalingChannel {
  private readonly ws: WebSocket;
  private ping: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(url: string, handlers: RoomSignalingHandlers, makeSocket = (u: string) => new WebSocket(u)) {
    this.ws = makeSocket(url);
    this.ws.onopen = () => {
      this.ping = setInterval(() => this.send({ type: 'ping' }), PING_EVERY_MS);
    };
    this.ws.onmessage = (e) => {
      if (typeof e.data !== 'string') return;
      let frame: unknown;
      try {
        frame = JSON.parse(e.data);
      } catch {
        return;
      }
      if (frame && typeof frame === 'object' && typeof (frame as { type?: unknown }).type === 'string') {
        handlers.onFrame(frame as RoomFrame);
      }
    };
    this.ws.onclose = (e) => {
      this.stopPing();
      if (this.closed) return;
      this.closed = true;
      handlers.onClose(e.code, e.reason);
    };
  }

  send(frame: OutgoingSignal): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  close(): void {
    this.closed = true;
    this.stopPing();
    this.ws.close(1000);
  }

  private stopPing(): void {
    if (this.ping) clearInterval(this.ping);
    this.ping = null;
  }
}
