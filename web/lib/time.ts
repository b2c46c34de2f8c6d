// Day separators and timestamps in the reader's locale. The sidebar's formats are made once,
// at their first use, and kept: `toLocaleTimeString` with options builds a new formatter on
// every call (0.3–3 ms each in Chromium). The first format in a page costs ~40 ms more, ICU
// loading its locale and time zone data; moving it earlier did not help (docs/performance.md).
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function dayLabel(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const start = (x: Date) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const days = Math.round((start(now) - start(d)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  const sameYear = d.getFullYear() === now.getFullYear();
  return d.toLocaleDateString(undefined, {
    weekday: days < 7 ? 'long' : undefined,
    month: 'long',
    day: 'numeric',
    year: sameYear ? undefined : 'numeric',
  });
}

interface StampFormats {
  time: Intl.DateTimeFormat;
  weekday: Intl.DateTimeFormat;
  monthDay: Intl.DateTimeFormat;
}

let formats: StampFormats | null = null;

/** The formats of timeLabel and shortStamp, made at the first call and kept. */
export function stampFormats(): StampFormats {
  formats ??= {
    time: new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' }),
    weekday: new Intl.DateTimeFormat(undefined, { weekday: 'short' }),
    monthDay: new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' }),
  };
  return formats;
}

export function timeLabel(iso: string): string {
  return stampFormats().time.format(new Date(iso));
}

/** Sidebar stamp: the time today, the weekday this week, else a short date. */
export function shortStamp(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const age = now.getTime() - d.getTime();
  if (dayKey(iso) === dayKey(now.toISOString())) return timeLabel(iso);
  const f = stampFormats();
  return age < 6 * 86_400_000 ? f.weekday.format(d) : f.monthDay.format(d);
}
