// Sends this client's typing frames for the composer: a `start` when typing begins and again
// every few seconds while it goes on (a `start` shows for 6 s on the other side, and the
// server relays at most one every 2 s), a `stop` after a pause, on send, on an emptied box
// and when the composer moves to another conversation.
export const TYPING_REPEAT_MS = 3_000;
export const TYPING_PAUSE_MS = 4_000;

export type TypingFrame = { type: 'typing'; conversationId: string; state: 'start' | 'stop' };

export class TypingSender {
  private cid: string | null = null;
  private lastStart = 0;
  private pauseTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: (frame: TypingFrame) => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** The composer of `cid` now holds `text`. */
  input(cid: string, text: string): void {
    if (this.cid !== cid) this.stop();
    if (text.trim() === '') {
      this.stop();
      return;
    }
    this.cid = cid;
    const t = this.now();
    if (this.lastStart === 0 || t - this.lastStart >= TYPING_REPEAT_MS) {
      // Not sent (socket down): try again on the next key instead of believing it showed.
      if (this.send({ type: 'typing', conversationId: cid, state: 'start' })) this.lastStart = t;
    }
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => this.stop(), TYPING_PAUSE_MS);
  }

  /** Typing ended (sent, emptied, paused, or left): a `stop` if a `start` went out. */
  stop(): void {
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
    if (this.cid && this.lastStart !== 0) {
      this.send({ type: 'typing', conversationId: this.cid, state: 'stop' });
    }
    this.cid = null;
    this.lastStart = 0;
  }

  /** The conversation whose typing frames went out last (to place a refusal). */
  get conversationId(): string | null {
    return this.cid;
  }
}
