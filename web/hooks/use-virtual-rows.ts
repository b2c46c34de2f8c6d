'use client';
// A windowed list: only the rows near the viewport are in the DOM, the rest are two spacers.
// Row heights are estimated until a row has been on screen, then measured (ResizeObserver),
// so rows may have any height and change it (an edit, a reaction, a font load).
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { prefixOffsets, visibleRange } from '@/lib/virtual-window';

export interface VirtualRows {
  offsets: number[];
  start: number;
  end: number;
  padTop: number;
  padBottom: number;
  /** The scroll position and viewport height this render was windowed for. */
  scrollTop: number;
  viewport: number;
  /** Ref callback for a rendered row: measures it while it is mounted. */
  measure(key: string): (el: HTMLElement | null) => void;
  /** The scroll position and viewport this render used (call after the scroller moved). */
  sync(): void;
}

export function useVirtualRows(
  keys: readonly string[],
  estimate: (index: number) => number,
  scroller: RefObject<HTMLElement | null>,
  overscan = 400,
): VirtualRows {
  const heights = useRef(new Map<string, number>());
  const [measured, setMeasured] = useState(0); // bumped when a height changes
  const [view, setView] = useState({ top: 0, height: 800 });

  const offsets = useMemo(
    () => prefixOffsets(keys.map((k, i) => heights.current.get(k) ?? estimate(i))),
    // `measured` stands for the contents of the heights map.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [keys, estimate, measured],
  );

  const sync = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    setView((v) =>
      v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight },
    );
  }, [scroller]);

  // One observer for every mounted row; changes are applied once per frame.
  const observed = useRef(new Map<Element, string>());
  const frame = useRef(0);
  const observer = useMemo(() => {
    if (typeof ResizeObserver === 'undefined') return null;
    return new ResizeObserver((entries) => {
      let changed = false;
      for (const e of entries) {
        const key = observed.current.get(e.target);
        if (key === undefined) continue;
        const h = e.borderBoxSize?.[0]?.blockSize ?? (e.target as HTMLElement).offsetHeight;
        if (h > 0 && Math.abs((heights.current.get(key) ?? -1) - h) > 0.5) {
          heights.current.set(key, h);
          changed = true;
        }
      }
      if (changed && !frame.current) {
        frame.current = requestAnimationFrame(() => {
          frame.current = 0;
          setMeasured((n) => n + 1);
        });
      }
    });
  }, []);
  useEffect(
    () => () => {
      observer?.disconnect();
      cancelAnimationFrame(frame.current);
    },
    [observer],
  );

  const refs = useRef(new Map<string, (el: HTMLElement | null) => void>());
  const measure = useCallback(
    (key: string) => {
      let ref = refs.current.get(key);
      if (!ref) {
        let current: HTMLElement | null = null;
        ref = (el) => {
          if (current) {
            observer?.unobserve(current);
            observed.current.delete(current);
          }
          current = el;
          if (el) {
            observed.current.set(el, key);
            observer?.observe(el);
          } else {
            refs.current.delete(key);
          }
        };
        refs.current.set(key, ref);
      }
      return ref;
    },
    [observer],
  );

  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    sync();
    const ro = new ResizeObserver(() => sync());
    ro.observe(el);
    return () => ro.disconnect();
  }, [scroller, sync]);

  const { start, end } = visibleRange(offsets, view.top, view.height, overscan);
  const total = offsets[offsets.length - 1] ?? 0;
  return {
    offsets,
    start,
    end,
    padTop: offsets[start] ?? 0,
    padBottom: total - (offsets[end] ?? total),
    scrollTop: view.top,
    viewport: view.height,
    measure,
    sync,
  };
}
