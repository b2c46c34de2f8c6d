// The arithmetic of a windowed list with rows of different heights: where each row starts,
// which rows a viewport shows, and how to keep the row under the reader's eyes in place when
// rows are added above it or turn out taller than estimated. Pure, so it is tested alone.

/** offsets[i] is where row i starts; offsets[n] is the total height. */
export function prefixOffsets(heights: readonly number[]): number[] {
  const out = new Array<number>(heights.length + 1);
  out[0] = 0;
  for (let i = 0; i < heights.length; i++) out[i + 1] = out[i]! + heights[i]!;
  return out;
}

/** The row that contains `y` (clamped to the first and last row); -1 for no rows. */
export function rowAt(offsets: readonly number[], y: number): number {
  const n = offsets.length - 1;
  if (n <= 0) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export interface Range {
  /** First rendered row. */
  start: number;
  /** One past the last rendered row. */
  end: number;
}

/** The rows that intersect the viewport grown by `overscan` pixels on both sides. */
export function visibleRange(
  offsets: readonly number[],
  scrollTop: number,
  viewport: number,
  overscan: number,
): Range {
  const n = offsets.length - 1;
  if (n <= 0) return { start: 0, end: 0 };
  const start = rowAt(offsets, Math.max(0, scrollTop - overscan));
  const last = rowAt(offsets, scrollTop + viewport + overscan);
  return { start, end: Math.min(n, last + 1) };
}

/** The first row whose bottom is below the top edge, and how far the edge is into it. */
export interface Anchor {
  key: string;
  delta: number;
}

export function captureAnchor(
  offsets: readonly number[],
  keys: readonly string[],
  scrollTop: number,
): Anchor | null {
  const i = rowAt(offsets, scrollTop);
  if (i < 0) return null;
  return { key: keys[i]!, delta: scrollTop - offsets[i]! };
}

/** The scrollTop that puts the anchor's row where it was; null when the row is gone. */
export function restoreAnchor(
  offsets: readonly number[],
  keys: readonly string[],
  anchor: Anchor,
  indexOf: (key: string) => number = (k) => keys.indexOf(k),
): number | null {
  const i = indexOf(anchor.key);
  if (i < 0) return null;
  return offsets[i]! + anchor.delta;
}
