'use client';
import { useId, type HTMLInputTypeAttribute } from 'react';

interface Props {
  label: string;
  name: string;
  value: string;
  onChange(v: string): void;
  type?: HTMLInputTypeAttribute;
  autoComplete?: string;
  error?: string | null;
  hint?: string;
  autoFocus?: boolean;
}

export function TextField({ label, name, value, onChange, type = 'text', autoComplete, error, hint, autoFocus }: Props) {
  const id = useId();
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-700 dark:text-zinc-300">
        {label}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        value={value}
        autoComplete={autoComplete}
        autoFocus={autoFocus}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={!!error}
        aria-describedby={describedBy}
        className="block h-10 w-full rounded-lg border border-zinc-300 bg-white px-3 text-sm shadow-xs outline-none transition placeholder:text-zinc-400 focus:border-accent-500 focus:ring-3 focus:ring-accent-500/20 aria-invalid:border-red-400 dark:border-zinc-700 dark:bg-zinc-950 dark:focus:border-accent-400"
      />
      {error ? (
        <p id={`${id}-error`} className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
