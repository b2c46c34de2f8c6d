'use client';
import type { ReactNode } from 'react';

/** A row of tabs (role=tab, aria-selected) over a dialog's sections. */
export function Tabs<T extends string>({
  value,
  onChange,
  tabs,
}: {
  value: T;
  onChange(v: T): void;
  tabs: { id: T; label: ReactNode }[];
}) {
  return (
    <div
      role="tablist"
      className="flex gap-1 overflow-x-auto border-b border-zinc-200 px-3 dark:border-zinc-800"
      onKeyDown={(e) => {
        // Left and right move between tabs (the WAI-ARIA tabs pattern); Tab leaves the row.
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
        const i = tabs.findIndex((t) => t.id === value);
        const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
        if (!next) return;
        e.preventDefault();
        onChange(next.id);
        e.currentTarget.querySelector<HTMLElement>(`[data-testid="tab-${next.id}"]`)?.focus();
      }}
    >
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          tabIndex={value === t.id ? 0 : -1}
          aria-selected={value === t.id}
          data-testid={`tab-${t.id}`}
          onClick={() => onChange(t.id)}
          className={`-mb-px flex shrink-0 items-center gap-1.5 border-b-2 px-2.5 py-2 text-sm transition ${
            value === t.id
              ? 'border-accent-600 font-medium text-zinc-900 dark:border-accent-400 dark:text-white'
              : 'border-transparent text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200'
          }`}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
