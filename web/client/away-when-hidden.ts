// Tells friends "away" when this tab has been hidden for a while, and "online" when it is
// shown again (the client presence frame of docs/api.md; the server aggregates over a user's
// connections, so another tab in use keeps them online).
export const AWAY_AFTER_HIDDEN_MS = 60_000;

export type PresenceFrame = { type: 'presence'; status: 'away' | 'online' };

export class AwayWhenHidden {
  private away = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: (frame: PresenceFrame) => boolean,
    private readonly afterMs = AWAY_AFTER_HIDDEN_MS,
  ) {}

  visibilityChanged(hidden: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (hidden) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.send({ type: 'presence', status: 'away' })) this.away = true;
      }, this.afterMs);
    } else if (this.away) {
      this.away = false;
      this.send({ type: 'presence', status: 'online' });
    }
  }

  /** A new connection starts `online` on the server: repeat `away` if we still are. */
  reconnected(): void {
    if (this.away && !this.send({ type: 'presence', status: 'away' })) this.away = false;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
