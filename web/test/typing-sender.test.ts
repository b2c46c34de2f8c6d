// The composer's typing frames: throttled starts while typing, one stop at the end.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TypingSender, TYPING_PAUSE_MS, TYPING_REPEAT_MS, type TypingFrame } from '@/client/typing-sender';
import { AwayWhenHidden, type PresenceFrame } from '@/client/away-when-hidden';

let sent: (TypingFrame | PresenceFrame)[];
let online: boolean;
const send = (f: TypingFrame | PresenceFrame) => {
  if (!online) return false;
  sent.push(f);
  return true;
};
const states = () => sent.map((f) => ('state' in f ? `${f.conversationId}:${f.state}` : f.status));

beforeEach(() => {
  vi.useFakeTimers();
  sent = [];
  online = true;
});
afterEach(() => vi.useRealTimers());

describe('TypingSender', () => {
  it('one start per interval while typing, a stop after a pause', () => {
    const t = new TypingSender(send);
    t.input('c1', 'h');
    t.input('c1', 'he');
    vi.advanceTimersByTime(TYPING_REPEAT_MS - 1);
    t.input('c1', 'hel');
    expect(states()).toEqual(['c1:start']);
    vi.advanceTimersByTime(1);
    t.input('c1', 'hell');
    expect(states()).toEqual(['c1:start', 'c1:start']);
    vi.advanceTimersByTime(TYPING_PAUSE_MS);
    expect(states()).toEqual(['c1:start', 'c1:start', 'c1:stop']);
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(3);
  });

  it('sending, emptying the box and switching conversation stop at once', () => {
    const t = new TypingSender(send);
    t.input('c1', 'x');
    t.stop(); // sent
    t.stop(); // nothing more to stop
    t.input('c1', 'y');
    t.input('c1', '   '); // emptied
    t.input('c1', 'z');
    t.input('c2', 'w'); // another conversation
    expect(states()).toEqual(['c1:start', 'c1:stop', 'c1:start', 'c1:stop', 'c1:start', 'c1:stop', 'c2:start']);
  });

  it('a start that could not be sent is tried again on the next key, and needs no stop', () => {
    const t = new TypingSender(send);
    online = false;
    t.input('c1', 'a');
    t.stop();
    online = true;
    t.input('c1', 'ab');
    expect(states()).toEqual(['c1:start']);
  });
});

describe('AwayWhenHidden', () => {
  it('away after a minute hidden, online when shown; a short hide sends nothing', () => {
    const a = new AwayWhenHidden(send, 60_000);
    a.visibilityChanged(true);
    vi.advanceTimersByTime(30_000);
    a.visibilityChanged(false);
    vi.advanceTimersByTime(120_000);
    expect(states()).toEqual([]);
    a.visibilityChanged(true);
    vi.advanceTimersByTime(60_000);
    expect(states()).toEqual(['away']);
    a.reconnected(); // a new connection starts online: say away again
    expect(states()).toEqual(['away', 'away']);
    a.visibilityChanged(false);
    expect(states()).toEqual(['away', 'away', 'online']);
  });
});
