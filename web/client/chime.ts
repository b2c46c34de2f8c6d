// A short two-note chime made with Web Audio: no sound file to ship or fetch.
import { playTone } from './tone';

let context: AudioContext | null = null;

export function playChime(): void {
  try {
    context ??= new AudioContext();
    const ctx = context;
    if (ctx.state === 'suspended') void ctx.resume();
    const now = ctx.currentTime;
    [880, 1320].forEach((freq, i) => playTone(ctx, freq, now + i * 0.09, { peak: 0.08, length: 0.25 }));
  } catch {
    /* no audio device, or autoplay refused before any gesture: stay silent */
  }
}
