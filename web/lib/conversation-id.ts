// dm_<idA>_<idB> with the two ids sorted (the contract's direct conversation id).
export function dmId(a: string, b: string): string {
  return a < b ? `dm_${a}_${b}` : `dm_${b}_${a}`;
}

/** The other participant of a DM, or the user themself for notes-to-self. */
export function dmPeerId(conversationId: string, me: string): string | null {
  const m = /^dm_([0-9a-f]+)_([0-9a-f]+)$/.exec(conversationId);
  if (!m) return null;
  return m[1] === me ? (m[2] as string) : (m[1] as string);
}
