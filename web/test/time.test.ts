import { describe, expect, it } from 'vitest';
import { stampFormats, shortStamp, timeLabel } from '@/lib/time';

// The kept formatters must say exactly what the per-call toLocale*String forms said.
describe('time stamps', () => {
  const now = new Date(2026, 10, 27, 15, 0);

  it("gives today's time like toLocaleTimeString", () => {
    const iso = new Date(2026, 10, 27, 9, 5).toISOString();
    const expected = new Date(iso).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
    expect(timeLabel(iso)).toBe(expected);
    expect(shortStamp(iso, now)).toBe(expected);
  });

  it('gives the weekday this week and a short date before', () => {
    const threeDays = new Date(2026, 10, 24, 12, 0);
    expect(shortStamp(threeDays.toISOString(), now)).toBe(threeDays.toLocaleDateString(undefined, { weekday: 'short' }));
    const lastMonth = new Date(2026, 9, 2, 12, 0);
    expect(shortStamp(lastMonth.toISOString(), now)).toBe(
      lastMonth.toLocaleDateString(undefined, { month: 'short', day: 'numeric' }),
    );
  });

  it('makes the formats once', () => {
    expect(stampFormats()).toBe(stampFormats());
  });
});
