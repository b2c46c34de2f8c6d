// Human file sizes, as chat products show them: "2.4 MB", "312 KB", "17 bytes". Binary
// multiples (1 KB = 1024 bytes), so the server's 25 MiB default limit reads "25 MB".
const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${Math.round(bytes)} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // One decimal below 10 ("2.4 MB"), none above ("312 KB"); "25.0" reads "25". Rounding
  // may carry into the next unit (1023.9 KB is "1 MB", not "1024 KB").
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  if (rounded >= 1024 && unit < UNITS.length - 1) return `1 ${UNITS[unit + 1]}`;
  return `${rounded} ${UNITS[unit]}`;
}
