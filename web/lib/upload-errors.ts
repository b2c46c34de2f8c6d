// What a failed upload tells the person, per answer of POST /api/uploads (docs/api.md, Files):
// a sentence that says what happened and what they can do, never a status code.
import { formatBytes } from './file-size';

/** How an upload ended without a file: the HTTP status (0: no answer) and the error body. */
export interface UploadFailure {
  status: number;
  /** The contract's error code; `network` when nothing came back, `aborted` when cancelled. */
  code: string;
  message: string;
}

// The server names the per-file limit in its 413 ("file: larger than the limit of 26214400
// bytes"), from the declared length or as the part grows; a proxy's 413 may not.
const LIMIT_RE = /limit of (\d+) bytes/;
const QUOTA_RE = /quota/i;

export function limitFromMessage(message: string): number | null {
  const m = LIMIT_RE.exec(message);
  return m ? Number(m[1]) : null;
}

export function describeUploadFailure(f: UploadFailure, fileSize: number, knownLimit?: number | null): string {
  switch (f.status) {
    case 0:
      return 'Upload failed: the server could not be reached. Check your connection and try again.';
    case 401:
      return 'Your session has ended. Sign in again to upload files.';
    case 413: {
      if (QUOTA_RE.test(f.message)) return 'Your storage for uploads is full. Delete older files or ask an admin for more room.';
      const limit = limitFromMessage(f.message) ?? knownLimit ?? null;
      return limit
        ? `Too large: this file is ${formatBytes(fileSize)}, and files can be at most ${formatBytes(limit)}.`
        : `Too large: this file (${formatBytes(fileSize)}) is over the server’s upload limit.`;
    }
    case 415:
      return 'This type of file is not allowed. Images, PDFs, text, office documents, zip archives, audio and video can be sent.';
    case 422:
      return 'Virus found: the scan rejected this file, and it was not uploaded.';
    case 429:
      return 'Too many uploads at once. Wait a moment and try again.';
    case 503:
      return 'The virus scanner is unavailable right now, so uploads are paused. Try again later.';
    default:
      if (f.status >= 500) return 'The server could not store this file. Try again in a moment.';
      return f.message ? `Upload refused: ${f.message}` : `Upload refused (HTTP ${f.status}).`;
  }
}

/**
 * Whether sending the same file again can succeed: a lost connection, a busy or unavailable
 * server, a rate limit or a full quota (after deleting files) may pass; a file too large, of
 * a type not allowed or holding a virus is refused the same way every time.
 */
export function isRetryable(f: UploadFailure): boolean {
  if (f.status === 413) return QUOTA_RE.test(f.message);
  return f.status === 0 || f.status === 408 || f.status === 429 || f.status >= 500;
}
