// What a modal (dialogs, the search panel) does with Tab: focus stays inside, wrapping from
// the last focusable element to the first and back. Between the ends the browser's own order
// applies.

export const FOCUSABLE =
  'button:not([disabled]):not([tabindex="-1"]), input:not([disabled]), textarea, select, [href], [tabindex="0"]';

interface TabKey {
  key: string;
  shiftKey: boolean;
  preventDefault(): void;
}

export function keepTabInside(e: TabKey, container: Element | null): void {
  if (e.key !== 'Tab' || !container) return;
  const focusable = [...container.querySelectorAll<HTMLElement>(FOCUSABLE)];
  if (focusable.length === 0) return;
  const first = focusable[0] as HTMLElement;
  const last = focusable[focusable.length - 1] as HTMLElement;
  const active = document.activeElement;
  const outside = !active || !container.contains(active);
  if (e.shiftKey && (active === first || outside)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || outside)) {
    e.preventDefault();
    first.focus();
  }
}
