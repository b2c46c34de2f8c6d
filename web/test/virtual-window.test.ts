import { describe, expect, it } from 'vitest';
import { captureAnchor, prefixOffsets, restoreAnchor, rowAt, visibleRange } from '@/lib/virtual-window';

describe('virtual window', () => {
  const heights = [40, 20, 60, 20, 100];
  const offsets = prefixOffsets(heights); // 0 40 60 120 140 240

  it('prefix offsets end at the total height', () => {
    expect(offsets).toEqual([0, 40, 60, 120, 140, 240]);
    expect(prefixOffsets([])).toEqual([0]);
  });

  it('finds the row under a y, clamped to the ends', () => {
    expect(rowAt(offsets, 0)).toBe(0);
    expect(rowAt(offsets, 39.9)).toBe(0);
    expect(rowAt(offsets, 40)).toBe(1);
    expect(rowAt(offsets, 125)).toBe(3);
    expect(rowAt(offsets, 10_000)).toBe(4);
    expect(rowAt(offsets, -5)).toBe(0);
    expect(rowAt([0], 0)).toBe(-1);
  });

  it('renders the rows in the viewport plus overscan only', () => {
    expect(visibleRange(offsets, 50, 20, 0)).toEqual({ start: 1, end: 3 });
    expect(visibleRange(offsets, 50, 20, 30)).toEqual({ start: 0, end: 3 }); // 20..100 px
    expect(visibleRange(offsets, 50, 20, 80)).toEqual({ start: 0, end: 5 });
    expect(visibleRange([0], 0, 100, 10)).toEqual({ start: 0, end: 0 });
  });

  it('10,000 rows of 26 px: a 700 px viewport with 400 px overscan renders about 60', () => {
    const big = prefixOffsets(new Array(10_000).fill(26));
    const { start, end } = visibleRange(big, 130_000, 700, 400);
    expect(end - start).toBeLessThan(65);
    expect(big[start]!).toBeLessThanOrEqual(130_000 - 400);
    expect(big[end]!).toBeGreaterThanOrEqual(130_000 + 700 + 400);
  });

  it('keeps the top row in place when older rows are prepended', () => {
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const anchor = captureAnchor(offsets, keys, 70)!; // 10 px into c
    expect(anchor).toEqual({ key: 'c', delta: 10 });
    const grown = prefixOffsets([30, 30, ...heights]);
    expect(restoreAnchor(grown, ['y', 'z', ...keys], anchor)).toBe(60 + 60 + 10);
  });

  it('keeps it in place when a row above is measured taller than estimated', () => {
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const anchor = captureAnchor(offsets, keys, 150)!; // in e
    const measured = prefixOffsets([40, 80, 60, 20, 100]); // b grew by 60
    expect(restoreAnchor(measured, keys, anchor)).toBe(210);
  });

  it('has nothing to restore when the anchored row is gone', () => {
    expect(restoreAnchor(offsets, ['a'], { key: 'zz', delta: 0 })).toBeNull();
  });
});
