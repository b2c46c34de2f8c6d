// The upload queue against a fake transfer: parallel starts, progress, the end states,
// cancel (the transfer is aborted), retry, and taking the finished files for a message.
import { describe, expect, it } from 'vitest';
import { UploadQueue } from '@/client/upload-queue';
import type { StartUpload } from '@/client/upload-request';
import type { FileInfo } from '@/lib/attachments';
import type { UploadFailure } from '@/lib/upload-errors';
import { createUploadStore, uploadProgress, uploadsIn } from '@/stores/upload-store';

interface FakeTransfer {
  file: File;
  progress(sent: number): void;
  succeed(info?: Partial<FileInfo>): Promise<void>;
  fail(f: UploadFailure): Promise<void>;
  aborted: boolean;
}

function fakeServer() {
  const transfers: FakeTransfer[] = [];
  const start: StartUpload = (file, onProgress) => {
    let resolve!: (f: FileInfo) => void;
    let reject!: (e: UploadFailure) => void;
    const done = new Promise<FileInfo>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const t: FakeTransfer = {
      file,
      aborted: false,
      progress: (sent) => onProgress(sent, file.size),
      succeed: async (info = {}) => {
        resolve({ id: `id-${file.name}`, name: file.name, size: file.size, mime: file.type, url: `/api/files/id-${file.name}`, ...info });
        await done.catch(() => {});
      },
      fail: async (f) => {
        reject(f);
        await done.catch(() => {});
      },
    };
    transfers.push(t);
    return {
      done,
      abort: () => {
        t.aborted = true;
        reject({ status: 0, code: 'aborted', message: 'cancelled' });
      },
    };
  };
  return { transfers, start };
}

const fileOf = (name: string, size = 100, type = 'image/png') => new File([new Uint8Array(size)], name, { type });
const tick = () => new Promise((r) => setTimeout(r, 0));

function setup(maxParallel = 3) {
  const store = createUploadStore();
  const server = fakeServer();
  const queue = new UploadQueue(store, server.start, maxParallel);
  const status = () => store.getState().items.map((it) => `${it.source.name}:${it.status}`);
  return { store, server, queue, status };
}

describe('UploadQueue', () => {
  it('starts each file at once, at most N at a time, the rest when a slot frees', async () => {
    const { server, queue, status } = setup(2);
    queue.add('c1', [fileOf('a'), fileOf('b'), fileOf('c')]);
    expect(status()).toEqual(['a:uploading', 'b:uploading', 'c:queued']);
    expect(server.transfers.map((t) => t.file.name)).toEqual(['a', 'b']);
    await server.transfers[0]!.succeed();
    expect(status()).toEqual(['a:done', 'b:uploading', 'c:uploading']);
  });

  it('reports progress, then done with the server’s file object', async () => {
    const { store, server, queue } = setup();
    const [id] = queue.add('c1', [fileOf('a', 200)]);
    server.transfers[0]!.progress(50);
    const item = () => store.getState().items.find((it) => it.id === id)!;
    expect(item().sent).toBe(50);
    expect(uploadProgress(item())).toBe(0.25);
    await server.transfers[0]!.succeed({ width: 4, height: 3 });
    expect(item().status).toBe('done');
    expect(item().file).toMatchObject({ id: 'id-a', width: 4, height: 3 });
    expect(uploadProgress(item())).toBe(1);
  });

  it('a refusal fails the file with a human sentence; retry sends it again', async () => {
    const { store, server, queue } = setup();
    const [id] = queue.add('c1', [fileOf('a')]);
    await server.transfers[0]!.fail({ status: 415, code: 'unsupported_type', message: 'file: type not allowed' });
    const item = () => store.getState().items.find((it) => it.id === id)!;
    expect(item().status).toBe('failed');
    expect(item().error).toMatch(/not allowed/);

    queue.retry(id!);
    expect(item()).toMatchObject({ status: 'uploading', error: undefined, sent: 0 });
    expect(server.transfers).toHaveLength(2);
    await server.transfers[1]!.succeed();
    expect(item().status).toBe('done');
  });

  it('remembers the limit a 413 named, for a later refusal that does not name it', async () => {
    const { store, server, queue } = setup();
    queue.add('c1', [fileOf('a', 2048), fileOf('b', 9000)]);
    await server.transfers[0]!.fail({ status: 413, code: 'too_large', message: 'file: larger than the limit of 1024 bytes' });
    await server.transfers[1]!.fail({ status: 413, code: 'too_large', message: 'request body too large' });
    expect(store.getState().items.map((it) => it.error)).toEqual([
      'Too large: this file is 2 KB, and files can be at most 1 KB.',
      'Too large: this file is 8.8 KB, and files can be at most 1 KB.',
    ]);
  });

  it('cancel aborts the transfer, removes the file and lets a waiting one start', async () => {
    const { server, queue, status } = setup(1);
    const [a] = queue.add('c1', [fileOf('a'), fileOf('b')]);
    queue.cancel(a!);
    expect(server.transfers[0]!.aborted).toBe(true);
    await tick();
    expect(status()).toEqual(['b:uploading']);
    expect(server.transfers.map((t) => t.file.name)).toEqual(['a', 'b']);
  });

  it('dismissing a failed file removes it; a late answer of a cancelled transfer changes nothing', async () => {
    const { store, server, queue } = setup();
    const [a, b] = queue.add('c1', [fileOf('a'), fileOf('b')]);
    await server.transfers[0]!.fail({ status: 503, code: 'unavailable', message: 'scanner down' });
    queue.cancel(a!);
    queue.cancel(b!);
    await server.transfers[1]!.succeed(); // too late: it was cancelled
    expect(store.getState().items).toEqual([]);
  });

  it('takeReady hands over the finished files of one conversation, in order, and leaves the rest', async () => {
    const { store, server, queue } = setup();
    queue.add('c1', [fileOf('a'), fileOf('b')]);
    queue.add('c2', [fileOf('x')]);
    await server.transfers[1]!.succeed();
    await server.transfers[2]!.succeed();
    expect(queue.takeReady('c1').map((f) => f.name)).toEqual(['b']);
    expect(uploadsIn(store.getState().items, 'c1').map((it) => it.source.name)).toEqual(['a']);
    expect(uploadsIn(store.getState().items, 'c2').map((it) => it.status)).toEqual(['done']);
  });

  it('stopAll aborts every transfer and empties the tray', () => {
    const { store, server, queue } = setup();
    queue.add('c1', [fileOf('a'), fileOf('b')]);
    queue.stopAll();
    expect(server.transfers.every((t) => t.aborted)).toBe(true);
    expect(store.getState().items).toEqual([]);
  });
});
