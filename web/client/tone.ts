// One short sine note on a Web Audio context: the chime (client/chime.ts) and the ringtone
// (client/ringtone.ts) are sequences of these.
export function playTone(ctx: AudioContext, freq: number, at: number, { peak, length }: { peak: number; length: number }): void {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = 'sine';
  osc.frequency.value = freq;
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(peak, at + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
  osc.connect(gain).connect(ctx.destination);
  osc.start(at);
  osc.stop(at + length + 0.05);
}
