'use client';
// Everything about calls that sits above the app: the ringing invite, the call itself (its
// connections and view, components/calls/call-session.tsx), and the line that says how the
// last call ended. The invite and the call are loaded when first needed, not with the first
// screen (docs/performance.md, "Web client").
import { lazy, Suspense, useEffect } from 'react';
import { useCall, useCallStoreApi } from '@/components/call-provider';

const IncomingCall = lazy(() => import('./incoming-call').then((m) => ({ default: m.IncomingCall })));
const loadCallSession = () => import('./call-session');
const CallSession = lazy(() => loadCallSession().then((m) => ({ default: m.CallSession })));

const NOTICE_MS = 6_000;

export function CallLayer() {
  const ringing = useCall((s) => s.incoming !== null);
  const call = useCall((s) => s.call);
  useEffect(() => {
    // While it rings, so that accepting does not wait for the call's code.
    if (ringing) void loadCallSession();
  }, [ringing]);
  return (
    <>
      {/* Two boundaries: the first invite's code loading must not hide a call on screen. */}
      <Suspense fallback={null}>{ringing && <IncomingCall />}</Suspense>
      <Suspense fallback={null}>{call && <CallSession call={call} />}</Suspense>
      <CallNotice />
    </>
  );
}

function CallNotice() {
  const store = useCallStoreApi();
  const notice = useCall((s) => s.notice);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => store.getState().setNotice(null), NOTICE_MS);
    return () => clearTimeout(t);
  }, [notice, store]);
  if (!notice) return null;
  return (
    <p
      role="status"
      data-testid="call-notice"
      data-reason={notice.reason}
      className="fixed bottom-4 left-1/2 z-50 -translate-x-1/2 rounded-full bg-zinc-900 px-4 py-2 text-sm text-white shadow-lg dark:bg-zinc-100 dark:text-zinc-900"
    >
      {notice.text}
    </p>
  );
}
