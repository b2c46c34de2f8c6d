// The contract's account limits, checked before a request so the form can say what is wrong.
export const USERNAME_RE = /^[A-Za-z0-9_]{3,32}$/;
export const MAX_BODY_CHARS = 4000;

export function checkUsername(v: string): string | null {
  return USERNAME_RE.test(v) ? null : '3–32 letters, digits or _';
}
export function checkEmail(v: string): string | null {
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v) ? null : 'Enter a valid email address';
}
export function checkPassword(v: string): string | null {
  const bytes = new TextEncoder().encode(v).length;
  if (bytes < 8) return 'At least 8 characters';
  if (bytes > 72) return 'At most 72 bytes';
  return null;
}
