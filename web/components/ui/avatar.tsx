// Initials on a colour picked from the name, so a person looks the same everywhere.
// `presence` is the slot for the presence dot (not served by the server yet).
const PALETTE = [
  'bg-rose-500', 'bg-orange-500', 'bg-amber-500', 'bg-emerald-500',
  'bg-teal-500', 'bg-sky-500', 'bg-indigo-500', 'bg-violet-500', 'bg-fuchsia-500',
];

function colourFor(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length] as string;
}

export function Avatar({
  name,
  size = 36,
  presence,
}: {
  name: string;
  size?: number;
  presence?: 'online' | 'away' | 'offline';
}) {
  const initials = name.replace(/[^A-Za-z0-9]/g, '').slice(0, 2).toUpperCase() || '?';
  return (
    <span className="relative inline-flex shrink-0" style={{ width: size, height: size }} aria-hidden="true">
      <span
        className={`${colourFor(name)} flex h-full w-full items-center justify-center rounded-lg font-semibold text-white`}
        style={{ fontSize: Math.round(size * 0.38) }}
      >
        {initials}
      </span>
      {presence && (
        <span
          className={`absolute -right-0.5 -bottom-0.5 h-3 w-3 rounded-full ring-2 ring-white dark:ring-zinc-900 ${
            presence === 'online' ? 'bg-emerald-500' : presence === 'away' ? 'bg-amber-400' : 'bg-zinc-400'
          }`}
        />
      )}
    </span>
  );
}
