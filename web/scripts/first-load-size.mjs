// First-load JavaScript per page of the static export: every script the page's HTML loads
// (Next lists them all as <script src> tags; the noModule polyfills are not loaded by
// current browsers and are left out), gzipped at level 9, summed.
//   node scripts/first-load-size.mjs [out]      (from web/, after `next build`)
// Exits 1 when a page is over the budget of docs/performance.md (250 KB gzipped).
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const out = process.argv[2] ?? 'out';
const BUDGET = 250 * 1024;
const pages = { '/': 'index.html', '/login/': 'login/index.html', '/signup/': 'signup/index.html' };
let over = false;
for (const [route, file] of Object.entries(pages)) {
  const path = join(out, file);
  if (!existsSync(path)) continue;
  const html = readFileSync(path, 'utf8');
  // `noModule` scripts (polyfills) are skipped by every browser that runs modules.
  const tags = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"[^>]*>/g)];
  const srcs = [...new Set(tags.filter((m) => !/\snoModule/i.test(m[0])).map((m) => m[1]))];
  let raw = 0;
  let gz = 0;
  for (const src of srcs) {
    const bytes = readFileSync(join(out, decodeURIComponent(src.split('?')[0])));
    raw += bytes.length;
    gz += gzipSync(bytes, { level: 9 }).length;
  }
  const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)]
    .map((m) => m[1]).join('');
  const inlineGz = gzipSync(Buffer.from(inline), { level: 9 }).length;
  const kb = (n) => (n / 1024).toFixed(1);
  console.log(
    `${route.padEnd(9)} ${String(srcs.length).padStart(2)} scripts  ${kb(raw).padStart(6)} KB raw  ` +
      `${kb(gz).padStart(6)} KB gzipped  (+ ${kb(inlineGz)} KB gzipped inline)`,
  );
  if (gz + inlineGz > BUDGET) over = true;
}
process.exit(over ? 1 : 0);
