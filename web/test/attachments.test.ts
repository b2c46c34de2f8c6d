import { describe, expect, it } from 'vitest';
import {
  attachmentMessageType,
  attachmentsOf,
  fileKind,
  messageSummary,
  planAttachmentMessages,
  previewBox,
  type FileInfo,
} from '@/lib/attachments';

function file(id: string, mime: string, extra: Partial<FileInfo> = {}): FileInfo {
  return { id, name: `${id}.bin`, size: 10, mime, url: `/api/files/${id}`, ...extra };
}
const png = (id: string) => file(id, 'image/png', { width: 64, height: 48, thumbUrl: `/api/files/${id}?thumb=1` });
const pdf = (id: string) => file(id, 'application/pdf');

describe('planAttachmentMessages', () => {
  it('sends images as one image message with the caption', () => {
    expect(planAttachmentMessages('look', [png('a'), png('b')])).toEqual([
      { type: 'image', body: 'look', files: [png('a'), png('b')] },
    ]);
  });

  it('splits images from other files, the caption said once, on the first', () => {
    const plan = planAttachmentMessages('both', [pdf('p'), png('a')]);
    expect(plan).toEqual([
      { type: 'image', body: 'both', files: [png('a')] },
      { type: 'file', body: '', files: [pdf('p')] },
    ]);
  });

  it('cuts at ten files per message (the contract cap)', () => {
    const files = Array.from({ length: 12 }, (_, i) => pdf(`f${i}`));
    const plan = planAttachmentMessages('', files);
    expect(plan.map((m) => m.files.length)).toEqual([10, 2]);
    expect(plan.every((m) => m.type === 'file')).toBe(true);
  });

  it('image when every file is an image, file otherwise', () => {
    expect(attachmentMessageType([png('a')])).toBe('image');
    expect(attachmentMessageType([png('a'), pdf('p')])).toBe('file');
  });
});

describe('previewBox', () => {
  it('keeps a small image at its size and scales a large one into the box, proportions kept', () => {
    expect(previewBox({ width: 64, height: 48 })).toEqual({ width: 64, height: 48 });
    expect(previewBox({ width: 4000, height: 3000 })).toEqual({ width: 320, height: 240 });
    expect(previewBox({ width: 1000, height: 4000 })).toEqual({ width: 80, height: 320 });
  });

  it('gives a placeholder box when the size is unknown', () => {
    expect(previewBox({})).toEqual({ width: 240, height: 180 });
  });
});

describe('messageSummary and attachmentsOf', () => {
  const base = { body: '', metadata: {} };
  it('says Photo or File: name, and counts several', () => {
    expect(messageSummary({ ...base, type: 'image', metadata: { attachments: [png('a')] } })).toBe('Photo');
    expect(messageSummary({ ...base, type: 'image', metadata: { attachments: [png('a'), png('b')] } })).toBe('2 photos');
    expect(messageSummary({ ...base, type: 'file', metadata: { attachments: [{ ...pdf('p'), name: 'q3.pdf' }] } })).toBe(
      'File: q3.pdf',
    );
    expect(messageSummary({ ...base, type: 'file', metadata: { attachments: [pdf('p'), pdf('q')] } })).toBe('2 files');
  });

  it('is the body for text, and says a deletion', () => {
    expect(messageSummary({ body: 'hi', type: 'text' })).toBe('hi');
    expect(messageSummary({ body: '', type: 'image', metadata: { deleted: true } })).toBe('Message deleted');
  });

  it('ignores malformed attachment entries', () => {
    expect(attachmentsOf({ metadata: { attachments: [png('a'), { id: 1 }, null, 'x'] } })).toEqual([png('a')]);
    expect(attachmentsOf({ metadata: { attachments: 'nope' } })).toEqual([]);
  });

  it('tells the kind of a file from its type', () => {
    expect(fileKind('application/pdf')).toBe('pdf');
    expect(fileKind('application/zip')).toBe('archive');
    expect(fileKind('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).toBe('spreadsheet');
    expect(fileKind('application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBe('document');
    expect(fileKind('audio/mpeg')).toBe('audio');
    expect(fileKind('text/plain')).toBe('text');
    expect(fileKind('')).toBe('other');
  });
});
