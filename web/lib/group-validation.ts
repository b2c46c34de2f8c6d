// The server's group limits (docs/api.md, "Groups"), checked before asking it.
export const GROUP_NAME_MAX = 100;
export const GROUP_DESCRIPTION_MAX = 1000;
export const GROUP_MEMBERS_MIN = 2;
export const GROUP_MEMBERS_MAX = 10_000;

export interface GroupFields {
  name: string;
  description: string;
  isPublic: boolean;
  allowInvites: boolean;
  maxMembers: string;
}

export const EMPTY_GROUP_FIELDS: GroupFields = {
  name: '',
  description: '',
  isPublic: false,
  allowInvites: false,
  maxMembers: '1000',
};

/** field → problem, for the fields that would be refused. */
export function groupFieldErrors(f: GroupFields, memberCount = 1): Partial<Record<keyof GroupFields, string>> {
  const errors: Partial<Record<keyof GroupFields, string>> = {};
  const name = f.name.trim();
  if (!name) errors.name = 'A group needs a name.';
  else if ([...name].length > GROUP_NAME_MAX) errors.name = `At most ${GROUP_NAME_MAX} characters.`;
  else if (/[\u0000-\u001f\u007f]/.test(name)) errors.name = 'No line breaks or control characters.';
  if ([...f.description.trim()].length > GROUP_DESCRIPTION_MAX) errors.description = `At most ${GROUP_DESCRIPTION_MAX} characters.`;
  const max = Number(f.maxMembers);
  if (!/^\d+$/.test(f.maxMembers.trim()) || max < GROUP_MEMBERS_MIN || max > GROUP_MEMBERS_MAX) {
    errors.maxMembers = `A whole number from ${GROUP_MEMBERS_MIN} to ${GROUP_MEMBERS_MAX.toLocaleString('en')}.`;
  } else if (max < memberCount) {
    errors.maxMembers = `The group already has ${memberCount} members.`;
  }
  return errors;
}
