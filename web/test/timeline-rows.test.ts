// System messages in the timeline: their own rows, and the message after one shows its
// author again.
import { describe, expect, it } from 'vitest';
import { buildRows, type ItemRow } from '@/components/chat/timeline-rows';
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
