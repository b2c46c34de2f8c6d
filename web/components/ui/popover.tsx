'use client';
// A small floating panel next to the element that opened it, rendered into <body> with fixed
// coordinates so that no scrolling container clips it. Below the anchor when there is room,
// above otherwise; closed by Escape or a press outside, and focus goes back to the anchor.
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

export function Popover({
  anchor,
  onClose,
  label,
  children,
  testId,
}: {
  anchor: HTMLElement;
  onClose(): void;
  label: string;
  children: ReactNode;
  testId?: string;
}) {
  const panel = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState<{ top: number; left: number } | null>(null);

  useLayoutEffect(() => {
    const el = panel.current;
    if (!el) return;
    const a = anchor.getBoundingClientRect();
    const { width, height } = el.getBoundingClientRect();
    const below = a.bottom + 6 + height <= window.innerHeight - 8;
    const top = below ? a.bottom + 6 : Math.max(8, a.top - 6 - height);
    // Starts under the anchor's left edge; pushed left when it would leave the window.
    const left = Math.max(8, Math.min(a.left, window.innerWidth - width - 8));
    setPos({ top, left });
  }, [anchor]);

  useEffect(() => {
    const onDown = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!panel.current?.contains(t) && !anchor.contains(t)) onClose();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    document.addEventListener('pointerdown', onDown, true);
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('pointerdown', onDown, true);
      document.removeEventListener('keydown', onKey, true);
      if (document.activeElement === document.body || panel.current?.contains(document.activeElement)) {
        anchor.focus({ preventScroll: true });
      }
    };
  }, [anchor, onClose]);

  return createPortal(
    <div
      ref={panel}
      role="dialog"
      aria-label={label}
      data-testid={testId}
      style={{ top: pos?.top ?? -9999, left: pos?.left ?? -9999 }}
      className="fixed z-50 rounded-xl border border-zinc-200 bg-white p-1.5 shadow-xl dark:border-zinc-800 dark:bg-zinc-900"
    >
      {children}
    </div>,
    document.body,
  );
}
