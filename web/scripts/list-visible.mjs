// Time from navigation to the conversation list on screen, in Chromium against a fresh server
// serving web/out (the budget in docs/performance.md is 1 s on loopback). Warm: one page
// reloaded `runs` times (HTTP cache warm); cold: `runs` fresh browser contexts (nothing cached).
//   node scripts/list-visible.mjs [runs]      (from web/, after make build)
//   GC_WEB_ROOT=DIR node scripts/list-visible.mjs   another build of the client, for an A/B
import { startServer, repoRoot } from '../../tests/integration/lib/server.mjs';
import { register, postMessage, dmId } from '../../tests/integration/lib/client.mjs';
import { launchChromium } from '../e2e/pages.mjs';
import { join } from 'node:path';

const runs = Number(process.argv[2] ?? 5);
const webRoot = process.env.GC_WEB_ROOT ?? join(repoRoot, 'web', 'out');
const server = await startServer({ args: ['--web-root', webRoot] });
const browser = await launchChromium();
try {
  const a = await register(server);
  const b = await register(server);
  await postMessage(server, a, dmId(a, b), 'hello');
  const context = await browser.newContext();
  await context.addCookies([{ name: 'gc_token', value: a.token, url: server.baseUrl }]);
  const page = await context.newPage();
  const times = [];
  for (let i = 0; i <= runs; i++) {
    await context.clearCookies();
    await context.addCookies([{ name: 'gc_token', value: a.token, url: server.baseUrl }]);
    const started = Date.now();
    await page.goto(server.baseUrl + '/');
    await page.getByTestId('conversation-item').first().waitFor({ timeout: 10_000 });
    if (i > 0) times.push(Date.now() - started); // the first run warms the HTTP cache
  }
  const colds = [];
  let coldPage;
  for (let i = 0; i < runs; i++) {
    const cold = await browser.newContext();
    await cold.addCookies([{ name: 'gc_token', value: a.token, url: server.baseUrl }]);
    coldPage = await cold.newPage();
    const started = Date.now();
    await coldPage.goto(server.baseUrl + '/');
    await coldPage.getByTestId('conversation-item').first().waitFor({ timeout: 10_000 });
    colds.push(Date.now() - started);
    if (i < runs - 1) await cold.close(); // the last one stays for VERBOSE
  }
  if (process.env.VERBOSE) {
    console.log(await coldPage.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      const r = performance.getEntriesByType('resource').map((e) => `${e.name.replace(location.origin, '')} ${e.startTime.toFixed(0)}→${e.responseEnd.toFixed(0)}`);
      return [`html ${n.responseEnd.toFixed(0)} interactive ${n.domInteractive.toFixed(0)} dcl ${n.domContentLoadedEventEnd.toFixed(0)} load ${n.loadEventEnd.toFixed(0)} now ${performance.now().toFixed(0)}`, ...r].join('\n');
    }));
  }
  times.sort((x, y) => x - y);
  colds.sort((x, y) => x - y);
  console.log(
    `list visible: cold cache median ${colds[colds.length >> 1]} ms, max ${colds.at(-1)} ms; ` +
      `warm cache median ${times[times.length >> 1]} ms, max ${times.at(-1)} ms (${runs} runs each; ${webRoot})`,
  );
} finally {
  await browser.close();
  await server.cleanup();
}
