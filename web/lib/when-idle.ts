// Runs `task` once the main thread is idle (at the latest after `timeoutMs`), for work that
// must not compete with the first screen. Safari has no requestIdleCallback: a plain timeout
// there. Returns a cancel function.
export function whenIdle(task: () => void, timeoutMs: number): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(task, { timeout: timeoutMs });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(task, Math.min(timeoutMs, 500));
  return () => clearTimeout(id);
}
