// Splits a message body into text and link pieces. Rendered as React text nodes and <a>
// elements: a body is never interpreted as HTML.
export type Piece = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

export function linkify(body: string): Piece[] {
  const out: Piece[] = [];
  let last = 0;
  for (const m of body.matchAll(URL_RE)) {
    let text = m[0];
    const start = m.index ?? 0;
    const trail = TRAILING.exec(text);
    // Keep a closing parenthesis that belongs to the URL, e.g. wiki links.
    if (trail && !(trail[0] === ')' && text.includes('('))) text = text.slice(0, -trail[0].length);
    if (!text) continue;
    if (start > last) out.push({ kind: 'text', text: body.slice(last, start) });
    const href = text.toLowerCase().startsWith('www.') ? `https://${text}` : text;
    out.push({ kind: 'link', text, href });
    last = start + text.length;
  }
  if (last < body.length) out.push({ kind: 'text', text: body.slice(last) });
  return out;
}
