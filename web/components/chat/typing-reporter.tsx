'use client';
// Wraps the composer and reports its input as typing frames (client/typing-sender.ts): the
// textarea's `input` events bubble up here, so the composer itself knows nothing of typing.
import { useEffect, type ReactNode } from 'react';
import { useSocialEngine } from '@/components/social-provider';

export function TypingReporter({ cid, children }: { cid: string; children: ReactNode }) {
  const engine = useSocialEngine();
  useEffect(() => () => engine.typing.stop(), [engine, cid]);
  return (
    <div
      className="contents"
      onInput={(e) => {
        const target = e.target as HTMLElement;
        if (target instanceof HTMLTextAreaElement) engine.typing.input(cid, target.value);
      }}
    >
      {children}
    </div>
  );
}
