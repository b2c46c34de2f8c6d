// The error of the last action in a dialog, read out by screen readers.
export function AlertLine({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p role="alert" data-testid="action-error" className="mx-4 mt-2 rounded-lg bg-red-50 px-3 py-2 text-[13px] text-red-700 dark:bg-red-950/40 dark:text-red-300">
      {error}
    </p>
  );
}
