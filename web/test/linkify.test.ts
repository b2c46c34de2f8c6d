import { describe, expect, it } from 'vitest';
import { linkify } from '@/lib/linkify';
import { dmId, dmPeerId } from '@/lib/conversation-id';

describe('linkify', () => {
  it('finds http(s) and www links, leaving trailing punctuation out', () => {
    expect(linkify('see https://example.test/a?b=1, and www.example.test.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.test/a?b=1', href: 'https://example.test/a?b=1' },
      { kind: 'text', text: ', and ' },
      { kind: 'link', text: 'www.example.test', href: 'https://www.example.test' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('never makes a link of other schemes, and keeps markup as text', () => {
    const pieces = linkify('<img src=x onerror=alert(1)> javascript:alert(1)');
    expect(pieces).toEqual([{ kind: 'text', text: '<img src=x onerror=alert(1)> javascript:alert(1)' }]);
  });
});

describe('dm ids', () => {
  it('sorts the two ids and finds the peer', () => {
    expect(dmId('b1', 'a2')).toBe('dm_a2_b1');
    expect(dmPeerId('dm_a2_b1', 'b1')).toBe('a2');
    expect(dmPeerId('grp_x', 'b1')).toBeNull();
  });
});
