// The round icon button of the call screens; `label` is what a screen reader says (and the
// tooltip), `pressed` makes it a toggle (aria-pressed), `look` its colours and size.
import type { ReactNode } from 'react';

export function RoundButton({
  label,
  testId,
  look,
  onClick,
  pressed,
  disabled,
  children,
}: {
  label: string;
  testId: string;
  look: string;
  onClick(): void;
  pressed?: boolean;
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      aria-pressed={pressed}
      data-testid={testId}
      disabled={disabled}
      onClick={onClick}
      className={`flex items-center justify-center rounded-full transition disabled:opacity-40 ${look}`}
    >
      {children}
    </button>
  );
}
