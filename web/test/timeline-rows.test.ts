// System messages in the timeline: their own rows, and the message after one shows its
// author again.
import { describe, expect, it } from 'vitest';
import { buildRows, type ItemRow } from '@/components/chat/timeline-rows';
import type { FileInfo } from '@/lib/attachments';
import type { Message } from '@/lib/types';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();
const msg = (seq: number, from: string, type = 'text'): Message => ({
  id: `m${seq}`, conversationId: 'grp_g', seq, from, to: 'g', body: `b${seq}`, type, timestamp: seq, createdAt: at(seq), clientMsgId: null,
});

describe('timeline rows of a group', () => {
  it('keep the system type, and the next message after a note starts a new group', () => {
    const rows = buildRows([msg(1, 'alice', 'system'), msg(2, 'alice'), msg(3, 'alice')], [], 'me')
      .filter((r): r is ItemRow => r.kind === 'message');
    expect(rows.map((r) => [r.seq, r.type, r.head])).toEqual([
      [1, 'system', true],
      [2, 'text', true],
      [3, 'text', false],
    ]);
  });
});

describe('timeline rows with files', () => {
  const photo: FileInfo = { id: 'f1', name: 'cat.png', size: 9, mime: 'image/png', width: 2, height: 1, url: '/api/files/f1' };
  it('carry the attachments of sent messages and of pending sends alike', () => {
    const sent = { ...msg(1, 'alice', 'image'), body: '', metadata: { attachments: [photo] } };
    const pending = {
      clientMsgId: 'c-1', conversationId: 'grp_g', body: 'caption', createdAt: at(5), status: 'pending' as const,
      attempts: 1, attachments: [photo],
    };
    const rows = buildRows([sent], [pending], 'me').filter((r): r is ItemRow => r.kind === 'message');
    expect(rows.map((r) => [r.status, r.body, r.attachments])).toEqual([
      ['sent', '', [photo]],
      ['pending', 'caption', [photo]],
    ]);
  });
});
