'use client';
// Opens the search panel on Ctrl/Cmd+K (or the header button) and turns a chosen hit into
// "open that conversation and jump to that message". The panel's code is loaded the first time
// it opens: it is not part of the first screen (docs/performance.md, "Web client").
import { lazy, Suspense, useEffect } from 'react';
import { useMessageUi, useMessageUiApi } from '@/components/message-features-provider';
import type { SearchHit } from '@/lib/types';

const SearchPanel = lazy(() => import('./search-panel').then((m) => ({ default: m.SearchPanel })));

export function SearchLauncher({ activeId, onSelect }: { activeId: string | null; onSelect(id: string): void }) {
  const ui = useMessageUiApi();
  const open = useMessageUi((s) => s.searchOpen);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        ui.getState().setSearchOpen(!ui.getState().searchOpen);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ui]);
  if (!open) return null;
  const openHit = (hit: SearchHit) => {
    const { conversationId, seq } = hit.message;
    ui.getState().setSearchOpen(false);
    ui.getState().requestJump(conversationId, seq);
    if (conversationId !== activeId) onSelect(conversationId);
  };
  return (
    <Suspense fallback={null}>
      <SearchPanel activeId={activeId} onOpenHit={openHit} onClose={() => ui.getState().setSearchOpen(false)} />
    </Suspense>
  );
}
