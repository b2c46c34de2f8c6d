'use client';
// A destructive button that asks once more: the first press arms it ("Remove?"), the second
// acts; it disarms itself after a few seconds or when focus leaves.
import { useEffect, useState } from 'react';
import { Button } from './button';

export function ConfirmButton({
  label,
  confirmLabel,
  onConfirm,
  disabled,
  testId,
}: {
  label: string;
  confirmLabel: string;
  onConfirm(): void;
  disabled?: boolean;
  testId?: string;
}) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const t = setTimeout(() => setArmed(false), 4000);
    return () => clearTimeout(t);
  }, [armed]);
  return (
    <Button
      variant={armed ? 'danger' : 'ghost'}
      disabled={disabled}
      data-testid={testId}
      data-armed={armed || undefined}
      onBlur={() => setArmed(false)}
      onClick={() => {
        if (armed) {
          setArmed(false);
          onConfirm();
        } else setArmed(true);
      }}
    >
      {armed ? confirmLabel : label}
    </Button>
  );
}
