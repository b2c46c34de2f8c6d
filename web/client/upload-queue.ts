// Runs the uploads the composer was given: each file starts at once (at most MAX_PARALLEL
// transfers at a time, the rest wait their turn), reports its progress into the upload store,
// and ends done (its file object waits to be sent), failed (with a sentence saying why) or
// cancelled (gone). A failed file can be retried or dismissed.
import type { FileInfo } from '@/lib/attachments';
import { describeUploadFailure, isRetryable, limitFromMessage, type UploadFailure } from '@/lib/upload-errors';
import type { UploadItem, UploadStore } from '@/stores/upload-store';
import { startUpload, type StartUpload, type UploadHandle } from './upload-request';

const MAX_PARALLEL = 3;

function asFailure(reason: unknown): UploadFailure {
  const f = reason as Partial<UploadFailure> | null;
  return f && typeof f.status === 'number' && typeof f.code === 'string'
    ? { status: f.status, code: f.code, message: f.message ?? '' }
    : { status: 0, code: 'network', message: String(reason) };
}

export class UploadQueue {
  private readonly running = new Map<string, UploadHandle>();
  private nextId = 1;
  /** The server's per-file limit, once a refusal has named it (some 413s do not). */
  private limit: number | null = null;

  constructor(
    private readonly store: UploadStore,
    private readonly start: StartUpload = startUpload,
    private readonly maxParallel = MAX_PARALLEL,
  ) {}

  /** Queues `files` for conversation `cid` and starts as many as may run; returns their ids. */
  add(cid: string, files: readonly File[]): string[] {
    const items: UploadItem[] = files.map((source) => ({
      id: `u${this.nextId++}`,
      conversationId: cid,
      source,
      status: 'queued',
      sent: 0,
    }));
    this.store.getState().add(items);
    this.pump();
    return items.map((it) => it.id);
  }

  /** Stops an upload (or drops a waiting, done or failed one): it leaves the tray. */
  cancel(id: string): void {
    const handle = this.running.get(id);
    this.running.delete(id);
    this.store.getState().remove([id]);
    handle?.abort();
    this.pump();
  }

  retry(id: string): void {
    const it = this.find(id);
    if (it?.status !== 'failed') return;
    this.store.getState().update(id, { status: 'queued', sent: 0, error: undefined, retryable: undefined });
    this.pump();
  }

  /** The uploaded files of `cid`, in the order they were chosen, taken out of the tray. */
  takeReady(cid: string): FileInfo[] {
    const ready = this.store.getState().items.filter((it) => it.conversationId === cid && it.status === 'done');
    this.store.getState().remove(ready.map((it) => it.id));
    return ready.flatMap((it) => (it.file ? [it.file] : []));
  }

  /** The session ends: every transfer stops, the tray empties. */
  stopAll(): void {
    const handles = [...this.running.values()];
    this.running.clear();
    this.store.getState().remove(this.store.getState().items.map((it) => it.id));
    for (const h of handles) h.abort();
  }

  private find(id: string): UploadItem | undefined {
    return this.store.getState().items.find((it) => it.id === id);
  }

  private pump(): void {
    for (const it of this.store.getState().items) {
      if (this.running.size >= this.maxParallel) return;
      if (it.status === 'queued') this.run(it);
    }
  }

  private run(it: UploadItem): void {
    const { update } = this.store.getState();
    update(it.id, { status: 'uploading', sent: 0 });
    const handle = this.start(it.source, (sent) => {
      if (this.running.has(it.id)) update(it.id, { sent });
    });
    this.running.set(it.id, handle);
    handle.done.then(
      (file) => this.settle(it.id, handle, { status: 'done', sent: it.source.size, file }),
      (reason: unknown) => {
        const failure = asFailure(reason);
        if (failure.code === 'aborted') return; // cancelled: already out of the tray
        if (failure.status === 413) this.limit = limitFromMessage(failure.message) ?? this.limit;
        this.settle(it.id, handle, {
          status: 'failed',
          error: describeUploadFailure(failure, it.source.size, this.limit),
          retryable: isRetryable(failure),
        });
      },
    );
  }

  private settle(id: string, handle: UploadHandle, patch: Partial<UploadItem>): void {
    if (this.running.get(id) !== handle) return; // cancelled meanwhile
    this.running.delete(id);
    this.store.getState().update(id, patch);
    this.pump();
  }
}
