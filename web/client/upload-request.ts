// One upload: POST /api/uploads as multipart/form-data (one part named `file`), through
// XMLHttpRequest because fetch reports no upload progress. The HttpOnly session cookie goes
// along (same origin). Resolves with the server's file object; rejects with an UploadFailure.
import type { FileInfo } from '@/lib/attachments';
import type { UploadFailure } from '@/lib/upload-errors';

export interface UploadHandle {
  done: Promise<FileInfo>;
  /** Stops the transfer; `done` then rejects with code `aborted`. */
  abort(): void;
}

/** How the queue starts an upload: this in the app, a fake in tests. */
export type StartUpload = (file: File, onProgress: (sent: number, total: number) => void) => UploadHandle;

function failureOf(xhr: XMLHttpRequest): UploadFailure {
  let code = 'unknown';
  let message = `HTTP ${xhr.status}`;
  try {
    const err = (JSON.parse(xhr.responseText) as { error?: { code?: string; message?: string } }).error;
    code = err?.code ?? code;
    message = err?.message ?? message;
  } catch {
    /* not the contract's JSON (a proxy's page): the status still says enough */
  }
  return { status: xhr.status, code, message };
}

export const startUpload: StartUpload = (file, onProgress) => {
  const xhr = new XMLHttpRequest();
  const done = new Promise<FileInfo>((resolve, reject) => {
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      if (xhr.status === 201) {
        try {
          resolve((JSON.parse(xhr.responseText) as { file: FileInfo }).file);
          return;
        } catch {
          /* falls through to a failure */
        }
      }
      reject(failureOf(xhr));
    };
    xhr.onerror = () => reject({ status: 0, code: 'network', message: 'network error' } satisfies UploadFailure);
    xhr.onabort = () => reject({ status: 0, code: 'aborted', message: 'cancelled' } satisfies UploadFailure);
    xhr.open('POST', '/api/uploads');
    xhr.withCredentials = true;
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
};
