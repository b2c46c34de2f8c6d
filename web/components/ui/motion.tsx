'use client';
// Framer Motion with only the DOM animation features (a smaller bundle than `motion`), and
// those loaded asynchronously: the first screen does not wait for their code, `m` components
// render at their end state until the features arrive (docs/performance.md, "Web client").
import { LazyMotion } from 'framer-motion';
import type { ReactNode } from 'react';

const loadFeatures = () => import('./motion-features').then((m) => m.default);

export function MotionProvider({ children }: { children: ReactNode }) {
  return (
    <LazyMotion features={loadFeatures} strict>
      {children}
    </LazyMotion>
  );
}
