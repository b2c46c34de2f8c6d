'use client';
// Framer Motion with only the DOM animation features loaded (a smaller bundle than `motion`).
import { domAnimation, LazyMotion } from 'framer-motion';
import type { ReactNode } from 'react';

export function MotionProvider({ children }: { children: ReactNode }) {
  return (
    <LazyMotion features={domAnimation} strict>
      {children}
    </LazyMotion>
  );
}
