// The ring of an incoming call: a two-tone burst every two seconds, made with Web Audio like
// client/chime.ts (no sound file). `shouldPlay` is asked before every burst, so turning the
// app's sound off silences a ringing call at once.
import { playTone } from './tone';

const BURST_EVERY_MS = 2_000;

export interface Ringtone {
  stop(): void;
}

export function startRingtone(shouldPlay: () => boolean): Ringtone {
  let context: AudioContext | null = null;
  const burst = () => {
    if (!shouldPlay()) return;
    try {
      context ??= new AudioContext();
      const ctx = context;
      if (ctx.state === 'suspended') void ctx.resume();
      const now = ctx.currentTime;
      for (let i = 0; i < 4; i++) playTone(ctx, i % 2 === 0 ? 660 : 880, now + i * 0.18, { peak: 0.07, length: 0.16 });
    } catch {
      /* no audio device, or autoplay refused before any gesture: the dialog still shows */
    }
  };
  burst();
  const timer = setInterval(burst, BURST_EVERY_MS);
  return {
    stop() {
      clearInterval(timer);
      void context?.close().catch(() => {});
      context = null;
    },
  };
}
