// Time from navigation to the conversation list on screen, in Chromium against a fresh server
// serving web/out (the budget in docs/performance.md is 1 s on loopback). Warm: one page
// reloaded `runs` times (HTTP cache warm); cold: `runs` fresh browser contexts (nothing cached).
// Two figures per load: from the script's goto() to the list seen by the page (wall clock, with
// the CDP round trips), and the page's own time from navigation start to the frame after the
// first conversation item entered the DOM (in page). The page tells it through a promise an init
// script sets up; Playwright's selector engine (a ~100 ms script compiled in the page while
// it loads, docs/performance.md) is not used.
//   node scripts/list-visible.mjs [runs]      (from web/, after make build)
//   GC_WEB_ROOT=DIR node scripts/list-visible.mjs   another build of the client, for an A/B
import { startServer, repoRoot } from '../../tests/integration/lib/server.mjs';
import { register, postMessage, dmId } from '../../tests/integration/lib/client.mjs';
import { launchChromium } from '../e2e/pages.mjs';
import { join } from 'node:path';

const runs = Number(process.argv[2] ?? 5);
const webRoot = process.env.GC_WEB_ROOT ?? join(repoRoot, 'web', 'out');
// Resolves window.__gcListShown with the time of the frame after the first conversation item
// entered the DOM (ms since navigation start).
const LIST_SHOWN = `
  window.__gcListShown = new Promise((resolve) => {
    new MutationObserver((_, obs) => {
      if (!document.querySelector('[data-testid="conversation-item"]')) return;
      obs.disconnect();
      requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
    }).observe(document, { childList: true, subtree: true });
  });
`;
const listShown = (page) =>
  page.evaluate(() => Promise.race([window.__gcListShown, new Promise((_, no) => setTimeout(() => no(new Error('no conversation item within 10 s')), 10_000))]));

const server = await startServer({ args: ['--web-root', webRoot] });
const browser = await launchChromium();
try {
  const a = await register(server);
  const b = await register(server);
  await postMessage(server, a, dmId(a, b), 'hello');
  const context = await browser.newContext();
  await context.addInitScript(LIST_SHOWN);
  await context.addCookies([{ name: 'gc_token', value: a.token, url: server.baseUrl }]);
  const page = await context.newPage();
  const times = [];
  const inPage = [];
  for (let i = 0; i <= runs; i++) {
    await context.clearCookies();
    await context.addCookies([{ name: 'gc_token', value: a.token, url: server.baseUrl }]);
    const started = Date.now();
    await page.goto(server.baseUrl + '/');
    const shown = await listShown(page);
    if (i > 0) {
      times.push(Date.now() - started); // the first run warms the HTTP cache
      inPage.push(Math.round(shown));
    }
  }
  const colds = [];
  const coldsInPage = [];
  let coldPage;
  for (let i = 0; i < runs; i++) {
    const cold = await browser.newContext();
    await cold.addInitScript(LIST_SHOWN);
    await cold.addCookies([{ name: 'gc_token', value: a.token, url: server.baseUrl }]);
    coldPage = await cold.newPage();
    const started = Date.now();
    await coldPage.goto(server.baseUrl + '/');
    const shown = await listShown(coldPage);
    colds.push(Date.now() - started);
    coldsInPage.push(Math.round(shown));
    if (i < runs - 1) await cold.close(); // the last one stays for VERBOSE
  }
  if (process.env.VERBOSE) {
    console.log(await coldPage.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      const r = performance.getEntriesByType('resource').map((e) => `${e.name.replace(location.origin, '')} ${e.startTime.toFixed(0)}→${e.responseEnd.toFixed(0)}`);
      return [`html ${n.responseEnd.toFixed(0)} interactive ${n.domInteractive.toFixed(0)} dcl ${n.domContentLoadedEventEnd.toFixed(0)} load ${n.loadEventEnd.toFixed(0)} now ${performance.now().toFixed(0)}`, ...r].join('\n');
    }));
  }
  const med = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  const max = (xs) => Math.max(...xs);
  console.log(
    `list visible: cold cache median ${med(colds)} ms, max ${max(colds)} ms; ` +
      `warm cache median ${med(times)} ms, max ${max(times)} ms (${runs} runs each; ${webRoot})\n` +
      `  in page:    cold cache median ${med(coldsInPage)} ms, max ${max(coldsInPage)} ms; ` +
      `warm cache median ${med(inPage)} ms, max ${max(inPage)} ms`,
  );
} finally {
  await browser.close();
  await server.cleanup();
}
