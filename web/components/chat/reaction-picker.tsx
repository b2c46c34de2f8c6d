'use client';
// Six common reactions one click away, and a small grid of more.
import { useEffect, useRef } from 'react';
import { Popover } from '@/components/ui/popover';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'] as const;
const MORE_REACTIONS = [
  '🙏', '👀', '🔥', '✅', '💯', '🚀', '👏', '🙌',
  '😊', '😍', '🤔', '😅', '😎', '🥳', '😴', '🤯',
  '😬', '🙃', '😡', '🤝', '💪', '👋', '☕', '🍕',
  '⭐', '💡', '⚠️', '❌', '➕', '👎', '🐛', '🎯',
];

export function ReactionPicker({
  anchor,
  onPick,
  onClose,
}: {
  anchor: HTMLElement;
  onPick(emoji: string): void;
  onClose(): void;
}) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus({ preventScroll: true }), []);
  const button = (emoji: string, i: number, big: boolean) => (
    <button
      key={emoji}
      ref={i === 0 && big ? first : undefined}
      type="button"
      onClick={() => {
        onPick(emoji);
        onClose();
      }}
      aria-label={`React with ${emoji}`}
      data-testid="reaction-option"
      data-emoji={emoji}
      className={`flex items-center justify-center rounded-lg transition hover:scale-110 hover:bg-zinc-100 dark:hover:bg-zinc-800 ${
        big ? 'h-9 w-9 text-xl' : 'h-8 w-8 text-lg'
      }`}
    >
      {emoji}
    </button>
  );
  return (
    <Popover anchor={anchor} onClose={onClose} label="Add a reaction" testId="reaction-picker">
      <div className="flex gap-0.5 border-b border-zinc-100 pb-1.5 dark:border-zinc-800">
        {QUICK_REACTIONS.map((e, i) => button(e, i, true))}
      </div>
      <div className="grid grid-cols-8 gap-0.5 pt-1.5">{MORE_REACTIONS.map((e, i) => button(e, i, false))}</div>
    </Popover>
  );
}
