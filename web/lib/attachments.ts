// Uploaded files as the server describes them (POST /api/uploads answers one; a message of type
// `image` or `file` carries them in `metadata.attachments`), and the pure rules around them:
// which message type a set of files makes, how messages are cut, what a preview box measures.
import type { Message } from './types';

export interface FileInfo {
  id: string;
  name: string;
  size: number;
  mime: string;
  width?: number;
  height?: number;
  url: string;
  thumbUrl?: string;
}

/** The contract's cap on attachments per message. */
export const MAX_ATTACHMENTS = 10;

export function isImageFile(f: Pick<FileInfo, 'mime'>): boolean {
  return f.mime.startsWith('image/');
}

function isFileInfo(v: unknown): v is FileInfo {
  const f = v as Partial<FileInfo> | null;
  return (
    !!f &&
    typeof f.id === 'string' &&
    typeof f.name === 'string' &&
    typeof f.size === 'number' &&
    typeof f.mime === 'string' &&
    typeof f.url === 'string'
  );
}

export function attachmentsOf(m: Pick<Message, 'metadata'>): FileInfo[] {
  const a = m.metadata?.attachments;
  return Array.isArray(a) ? a.filter(isFileInfo) : [];
}

/** `image` when every file is an image, else `file`. */
export function attachmentMessageType(files: readonly Pick<FileInfo, 'mime'>[]): 'image' | 'file' {
  return files.length > 0 && files.every(isImageFile) ? 'image' : 'file';
}

export interface AttachmentMessage {
  type: 'image' | 'file';
  body: string;
  files: FileInfo[];
}

/**
 * The messages that send `files` with `caption`: images together as `image` messages (the
 * server lets those carry images only), everything else as `file` messages, at most
 * MAX_ATTACHMENTS each. The caption goes with the first message only, so it is said once.
 */
export function planAttachmentMessages(caption: string, files: FileInfo[]): AttachmentMessage[] {
  const images = files.filter(isImageFile);
  const others = files.filter((f) => !isImageFile(f));
  const messages: AttachmentMessage[] = [];
  for (const [type, list] of [['image', images], ['file', others]] as const) {
    for (let i = 0; i < list.length; i += MAX_ATTACHMENTS) {
      messages.push({ type, body: '', files: list.slice(i, i + MAX_ATTACHMENTS) });
    }
  }
  if (messages[0]) messages[0].body = caption;
  return messages;
}

/**
 * The box an image preview takes in the timeline, known before the thumbnail arrives (so rows
 * do not jump): the image's own proportions, scaled down to fit `max`, never up.
 */
export function previewBox(
  f: Pick<FileInfo, 'width' | 'height'>,
  max: { width: number; height: number } = { width: 320, height: 320 },
): { width: number; height: number } {
  const w = f.width ?? 0;
  const h = f.height ?? 0;
  if (w <= 0 || h <= 0) return { width: Math.min(240, max.width), height: Math.min(180, max.height) };
  const scale = Math.min(1, max.width / w, max.height / h);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

/** What a list row, a notification or a quote says of a message (its text, or its files). */
export function messageSummary(m: Pick<Message, 'body' | 'type' | 'metadata'>): string {
  if (m.metadata?.deleted === true) return 'Message deleted';
  const files = attachmentsOf(m);
  if ((m.type === 'image' || m.type === 'file') && files.length > 0) {
    if (m.type === 'image') return files.length === 1 ? 'Photo' : `${files.length} photos`;
    return files.length === 1 ? `File: ${files[0]!.name}` : `${files.length} files`;
  }
  return m.body;
}

/** The kind of file, for the card's icon and its label. */
export type FileKind = 'image' | 'pdf' | 'audio' | 'video' | 'archive' | 'document' | 'spreadsheet' | 'slides' | 'text' | 'other';

export function fileKind(mime: string): FileKind {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  if (mime === 'application/pdf') return 'pdf';
  if (mime === 'application/zip') return 'archive';
  if (mime.startsWith('text/csv') || /spreadsheet|ms-excel/.test(mime)) return 'spreadsheet';
  if (/presentation|ms-powerpoint/.test(mime)) return 'slides';
  if (/wordprocessing|msword|opendocument\.text|ms-office/.test(mime)) return 'document';
  if (mime.startsWith('text/')) return 'text';
  return 'other';
}
