// Time from navigation to the conversation list on screen, in Chromium against a fresh server
// serving web/out (the budget in docs/performance.md is 1 s on loopback). Warm: one page
// reloaded `runs` times (HTTP cache warm); cold: `runs` fresh browser contexts (nothing cached).
// Two figures per load: from the script's goto() to the list seen by the page (wall clock, with
// the CDP round trips), and the page's own time from navigation start to the frame after the
// first conversation item entered the DOM (in page). The page tells it through a promise an init
// script sets up; Playwright's selector engine (a ~100 ms script compiled in the page while
// it loads, docs/performance.md) is not used.
//   node scripts/list-visible.mjs [runs]      (from web/, after make build)
//   GC_WEB_ROOT=DIR node scripts/list-visible.mjs   another build of the client
//   GC_WEB_ROOT=DIR1,DIR2,… node scripts/list-visible.mjs   an A/B: one server per build, the
//     loads taken in turn (A, B, A, B…) so that a shared machine's load changes hit every build
import { startServer, repoRoot } from '../../tests/integration/lib/server.mjs';
import { register, postMessage, dmId } from '../../tests/integration/lib/client.mjs';
import { launchChromium } from '../e2e/pages.mjs';
import { join } from 'node:path';

const runs = Number(process.argv[2] ?? 5);
const webRoots = (process.env.GC_WEB_ROOT ?? join(repoRoot, 'web', 'out')).split(',');
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
  page.evaluate(() =>
    Promise.race([
      window.__gcListShown,
      new Promise((_, no) => setTimeout(() => no(new Error('no conversation item within 10 s')), 10_000)),
    ]),
  );

/** One build: its server, a signed-in user with one conversation, and what was measured. */
async function prepare(webRoot) {
  const server = await startServer({ args: ['--web-root', webRoot] });
  const a = await register(server);
  const b = await register(server);
  await postMessage(server, a, dmId(a, b), 'hello');
  return { webRoot, server, user: a, warm: [], warmInPage: [], cold: [], coldInPage: [] };
}

async function newContext(browser, build) {
  const context = await browser.newContext();
  await context.addInitScript(LIST_SHOWN);
  await context.addCookies([{ name: 'gc_token', value: build.user.token, url: build.server.baseUrl }]);
  return context;
}

/** Loads the chat page; returns [wall clock ms, in-page ms]. */
async function load(page, build) {
  const started = Date.now();
  await page.goto(build.server.baseUrl + '/');
  const shown = await listShown(page);
  return [Date.now() - started, Math.round(shown)];
}

const builds = [];
const browser = await launchChromium();
try {
  for (const root of webRoots) builds.push(await prepare(root));
  const pages = [];
  for (const build of builds) {
    const page = await (await newContext(browser, build)).newPage();
    await load(page, build); // warms the HTTP cache
    pages.push(page);
  }
  for (let i = 0; i < runs; i++) {
    for (const [k, build] of builds.entries()) {
      const [wall, inPage] = await load(pages[k], build);
      build.warm.push(wall);
      build.warmInPage.push(inPage);
    }
  }
  let lastCold;
  for (let i = 0; i < runs; i++) {
    for (const build of builds) {
      await lastCold?.close(); // the very last one stays open for VERBOSE
      lastCold = await newContext(browser, build);
      const [wall, inPage] = await load(await lastCold.newPage(), build);
      build.cold.push(wall);
      build.coldInPage.push(inPage);
    }
  }
  if (process.env.VERBOSE) {
    console.log(
      await lastCold.pages()[0].evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0];
        const r = performance
          .getEntriesByType('resource')
          .map((e) => `${e.name.replace(location.origin, '')} ${e.startTime.toFixed(0)}→${e.responseEnd.toFixed(0)}`);
        return [
          `html ${n.responseEnd.toFixed(0)} interactive ${n.domInteractive.toFixed(0)} dcl ${n.domContentLoadedEventEnd.toFixed(0)} load ${n.loadEventEnd.toFixed(0)} now ${performance.now().toFixed(0)}`,
          ...r,
        ].join('\n');
      }),
    );
  }
  const med = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  const max = (xs) => Math.max(...xs);
  for (const b of builds) {
    console.log(
      `list visible: cold cache median ${med(b.cold)} ms, max ${max(b.cold)} ms; ` +
        `warm cache median ${med(b.warm)} ms, max ${max(b.warm)} ms (${runs} runs each; ${b.webRoot})\n` +
        `  in page:    cold cache median ${med(b.coldInPage)} ms, max ${max(b.coldInPage)} ms; ` +
        `warm cache median ${med(b.warmInPage)} ms, max ${max(b.warmInPage)} ms`,
    );
  }
} finally {
  await browser.close();
  for (const b of builds) await b.server.cleanup();
}
