// A text button in four looks; every action button of the dialogs and panels.
import type { ButtonHTMLAttributes } from 'react';

export function Button({
  variant = 'secondary',
  className = '',
  ...rest
}: { variant?: 'primary' | 'secondary' | 'danger' | 'ghost' } & ButtonHTMLAttributes<HTMLButtonElement>) {
  const look = {
    primary: 'bg-accent-600 text-white hover:bg-accent-700 disabled:bg-zinc-300 dark:disabled:bg-zinc-700',
    secondary:
      'border border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800',
    danger: 'border border-red-200 bg-white text-red-700 hover:bg-red-50 dark:border-red-900/60 dark:bg-transparent dark:text-red-400 dark:hover:bg-red-950/40',
    ghost: 'text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800',
  }[variant];
  return (
    <button
      type="button"
      className={`inline-flex h-8 items-center justify-center gap-1.5 rounded-lg px-3 text-[13px] font-medium transition disabled:cursor-not-allowed disabled:opacity-60 ${look} ${className}`}
      {...rest}
    />
  );
}
