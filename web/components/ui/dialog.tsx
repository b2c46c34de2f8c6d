'use client';
// A modal: centred (`center`) or a panel from the right edge (`side`, full screen on a phone).
// Focus moves in on open, stays inside (Tab wraps), goes back to the opener on close; Esc and
// a click on the backdrop close it. Rendered into <body> (a transformed ancestor would trap a
// fixed box), so a dialog opened from a dialog stacks on top; Esc closes the top one only.
import { m } from 'framer-motion';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { FOCUSABLE, keepTabInside } from '@/lib/focus-trap';
import { CloseIcon } from './icons';

export function Dialog({
  title,
  onClose,
  variant = 'center',
  testId,
  children,
  footer,
}: {
  title: ReactNode;
  onClose(): void;
  variant?: 'center' | 'side';
  testId?: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  const titleId = useId();
  const box = useRef<HTMLDivElement>(null);
  // The portal needs <body>: not there in the static export's prerender.
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    setMounted(true);
    return () => opener?.focus?.();
  }, []);
  useEffect(() => {
    if (!mounted) return;
    const first = box.current?.querySelector<HTMLElement>('[data-autofocus]') ?? box.current?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
  }, [mounted]);
  // Esc closes even when focus fell out of the dialog (a button that acted and went away).
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const onEscape = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      const open = document.querySelectorAll('[role="dialog"]');
      if (open[open.length - 1] !== box.current) return; // a dialog above this one
      e.preventDefault();
      close.current();
    };
    document.addEventListener('keydown', onEscape);
    return () => document.removeEventListener('keydown', onEscape);
  }, []);

  const side = variant === 'side';
  if (!mounted) return null;
  return createPortal(
    <div
      className={`fixed inset-0 z-40 flex bg-zinc-950/40 backdrop-blur-[2px] ${
        side ? 'justify-end' : 'items-start justify-center px-4 pt-[10vh]'
      }`}
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
    >
      <m.div
        ref={box}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        onKeyDown={(e) => keepTabInside(e, box.current)}
        initial={side ? { x: 24, opacity: 0 } : { opacity: 0, y: -8, scale: 0.98 }}
        animate={side ? { x: 0, opacity: 1 } : { opacity: 1, y: 0, scale: 1 }}
        transition={{ duration: 0.16, ease: 'easeOut' }}
        className={`flex flex-col overflow-hidden border-zinc-200 bg-white shadow-2xl dark:border-zinc-800 dark:bg-zinc-900 ${
          side
            ? 'h-full w-full border-l sm:w-[26rem]'
            : 'max-h-[80vh] w-full max-w-md rounded-2xl border'
        }`}
      >
        <div className="flex shrink-0 items-center justify-between gap-3 px-4 pt-4 pb-2">
          <h2 id={titleId} className="truncate text-sm font-semibold">
            {title}
          </h2>
          <button
            type="button"
            onClick={onClose}
            aria-label="Close"
            data-testid="dialog-close"
            className="flex h-7 w-7 shrink-0 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
          >
            <CloseIcon width={16} height={16} />
          </button>
        </div>
        <div className="scroll-thin min-h-0 flex-1 overflow-y-auto">{children}</div>
        {footer && <div className="shrink-0 border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">{footer}</div>}
      </m.div>
    </div>,
    document.body,
  );
}
