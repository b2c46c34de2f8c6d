'use client';
// Read markers move only while the reader can see the newest message: the open
// conversation's history is scrolled to (near) the bottom. Scrolling back down reads what
// arrived meanwhile.
import { useEffect, type RefObject } from 'react';
import { useEngine } from '@/components/chat-engine-provider';

const BOTTOM_PX = 48;

export function useReadAtBottom(container: RefObject<HTMLElement | null>, cid: string): void {
  const engine = useEngine();
  useEffect(() => {
    // The history's scroller is the message list's own element (data-testid, as the e2e
    // suite finds it); the list needs to know nothing of read markers.
    const scroller = container.current?.querySelector<HTMLElement>('[data-testid="message-scroller"]');
    if (!scroller) return;
    const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < BOTTOM_PX;
    engine.canSeeNewest = atBottom;
    const onScroll = () => {
      if (atBottom()) engine.markReadIfSeen();
    };
    scroller.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      scroller.removeEventListener('scroll', onScroll);
      if (engine.canSeeNewest === atBottom) engine.canSeeNewest = () => true;
    };
  }, [container, engine, cid]);
}
