// Read receipts on my own messages, from the other participants' markers (chat-store
// `peerRead`; a marker covers every seq at or below it). A DM shows ✓ once the server has
// the message and ✓✓ once the peer's marker covers it; a group shows who has seen it.

/**
 * The users whose marker covers `seq`, never me, in the order their markers are listed.
 * In a group, `members` (when known) keeps only the current members: a marker learned
 * live from someone who has left since no longer counts. `hidden` (the people I blocked)
 * are left out, as the server leaves them out of GET /reads.
 */
export function seenBy(
  markers: Record<string, number> | undefined,
  seq: number,
  me: string,
  { members, hidden = [] }: { members?: readonly string[]; hidden?: readonly string[] } = {},
): string[] {
  if (!markers) return [];
  return Object.entries(markers)
    .filter(([uid, read]) => uid !== me && read >= seq && !hidden.includes(uid) && (!members || members.includes(uid)))
    .map(([uid]) => uid);
}

export type DmReceipt = 'sent' | 'read';

/** ✓ (the server has it) or ✓✓ (the peer's marker covers it). */
export function dmReceipt(markers: Record<string, number> | undefined, seq: number, me: string): DmReceipt {
  return seenBy(markers, seq, me).length > 0 ? 'read' : 'sent';
}

/** "Seen by alice, bob and 3 others": the tooltip of a group receipt. */
export function seenByLabel(names: string[], max = 5): string {
  if (names.length <= max) return `Seen by ${joinNames(names)}`;
  const rest = names.length - max;
  return `Seen by ${names.slice(0, max).join(', ')} and ${rest} other${rest === 1 ? '' : 's'}`;
}

function joinNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? 'nobody';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
