import { describe, expect, it } from 'vitest';
import { backoffDelay } from '@/client/chat-socket';

describe('reconnect backoff', () => {
  const cfg = { baseMs: 500, capMs: 15_000 };

  it('doubles from the base up to the cap, half of it fixed and half jitter', () => {
    const low = (n: number) => backoffDelay(n, cfg, () => 0);
    const high = (n: number) => backoffDelay(n, cfg, () => 1);
    expect([0, 1, 2, 3, 4, 5, 6].map(low)).toEqual([250, 500, 1000, 2000, 4000, 7500, 7500]);
    expect([0, 1, 2, 3, 4, 5, 6].map(high)).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000]);
    expect(backoffDelay(1000, cfg, () => 1)).toBe(15_000); // no overflow after many failures
  });

  it('spreads clients apart: different random draws give different delays', () => {
    const draws = [0.1, 0.5, 0.9].map((r) => backoffDelay(3, cfg, () => r));
    expect(new Set(draws).size).toBe(3);
    for (const d of draws) expect(d).toBeGreaterThanOrEqual(2000);
  });
});
