import { describe, expect, it } from 'vitest';
import { formatBytes } from '@/lib/file-size';

describe('formatBytes', () => {
  it('counts bytes below a kilobyte, singular for one', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1023)).toBe('1023 bytes');
  });

  it('one decimal below 10 units, none from 10, and no trailing .0', () => {
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(2.4 * 1024 * 1024)).toBe('2.4 MB');
    expect(formatBytes(312 * 1024 + 100)).toBe('312 KB');
    expect(formatBytes(26_214_400)).toBe('25 MB'); // the server's default limit
    expect(formatBytes(3 * 1024 ** 3)).toBe('3 GB');
  });

  it('carries a rounding into the next unit instead of saying 1024', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MB');
  });

  it('says nothing for sizes that are not sizes', () => {
    expect(formatBytes(-1)).toBe('');
    expect(formatBytes(Number.NaN)).toBe('');
  });
});
