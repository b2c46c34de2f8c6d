import { describe, expect, it } from 'vitest';
import { describeUploadFailure, isRetryable, limitFromMessage } from '@/lib/upload-errors';

const MB = 1024 * 1024;

describe('describeUploadFailure', () => {
  it('413 names the limit the server gave, and the file size', () => {
    const text = describeUploadFailure(
      { status: 413, code: 'too_large', message: 'file: larger than the limit of 26214400 bytes' },
      30 * MB,
    );
    expect(text).toBe('Too large: this file is 30 MB, and files can be at most 25 MB.');
  });

  it('413 refused from the length alone uses a limit learned earlier, else says it is over the limit', () => {
    const early = { status: 413, code: 'too_large', message: 'request body too large' };
    expect(describeUploadFailure(early, 40 * MB, 25 * MB)).toContain('at most 25 MB');
    expect(describeUploadFailure(early, 40 * MB)).toBe('Too large: this file (40 MB) is over the server’s upload limit.');
  });

  it('413 for a full quota says so', () => {
    expect(describeUploadFailure({ status: 413, code: 'too_large', message: 'file: your upload quota is used up' }, 1)).toMatch(
      /storage for uploads is full/,
    );
  });

  it('415, 422, 503 and no answer each get their own sentence', () => {
    const of = (status: number) => describeUploadFailure({ status, code: 'x', message: '' }, 1);
    expect(of(415)).toMatch(/^This type of file is not allowed/);
    expect(of(422)).toMatch(/^Virus found/);
    expect(of(503)).toMatch(/virus scanner is unavailable.*Try again later/);
    expect(of(0)).toMatch(/could not be reached/);
    expect(new Set([of(415), of(422), of(503), of(0)]).size).toBe(4);
  });

  it('other refusals pass the server’s sentence on', () => {
    expect(describeUploadFailure({ status: 400, code: 'invalid_request', message: 'file: empty' }, 0)).toBe(
      'Upload refused: file: empty',
    );
  });

  it('reads the limit out of the server’s sentence', () => {
    expect(limitFromMessage('file: larger than the limit of 1024 bytes')).toBe(1024);
    expect(limitFromMessage('request body too large')).toBeNull();
  });
});

describe('isRetryable', () => {
  const f = (status: number, message = '') => ({ status, code: 'x', message });
  it('offers a retry when the same file may pass later', () => {
    for (const status of [0, 408, 429, 500, 503]) expect(isRetryable(f(status))).toBe(true);
    expect(isRetryable(f(413, 'file: your upload quota is used up'))).toBe(true);
  });
  it('not when the file itself is refused (size, type, virus, a bad request)', () => {
    expect(isRetryable(f(413, 'file: larger than the limit of 26214400 bytes'))).toBe(false);
    for (const status of [400, 401, 403, 415, 422]) expect(isRetryable(f(status))).toBe(false);
  });
});
