// Where a cold load's main-thread time goes, from navigation to the first conversation item
// on screen: a Chromium performance trace (browser.startTracing, the CDP Tracing domain) of one
// fresh browser context against a fresh server, summed per trace event (top-level tasks and the
// V8 work inside them) and, from the trace's sampling profile, per script and per function.
//   node scripts/trace-cold.mjs [contexts]     (from web/; GC_WEB_ROOT=DIR for another build)
//   TRACE_OUT=FILE also writes the last trace (open it in chrome://tracing or DevTools)
import { startServer, repoRoot } from '../../tests/integration/lib/server.mjs';
import { register, postMessage, dmId } from '../../tests/integration/lib/client.mjs';
import { launchChromium } from '../e2e/pages.mjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const contexts = Number(process.argv[2] ?? 1);
const webRoot = process.env.GC_WEB_ROOT ?? join(repoRoot, 'web', 'out');
const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'v8',
  'v8.execute',
  'disabled-by-default-v8.compile',
  'disabled-by-default-v8.cpu_profiler',
  'blink.user_timing',
  'loading',
];

// The first conversation item's paint: marked from the page itself (a MutationObserver, then the
// frame after it), so the span does not include Playwright's polling.
const MARK_LIST = `
  new MutationObserver((_, obs) => {
    if (!document.querySelector('[data-testid="conversation-item"]')) return;
    obs.disconnect();
    performance.mark('gc:list-in-dom');
    requestAnimationFrame(() => setTimeout(() => performance.mark('gc:list-painted'), 0));
  }).observe(document, { childList: true, subtree: true });
`;

const server = await startServer({ args: ['--web-root', webRoot] });
const browser = await launchChromium();
const summaries = [];
try {
  const a = await register(server);
  const b = await register(server);
  await postMessage(server, a, dmId(a, b), 'hello');
  for (let i = 0; i < contexts; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies([{ name: 'gc_token', value: a.token, url: server.baseUrl }]);
    await context.addInitScript(MARK_LIST);
    const page = await context.newPage();
    await browser.startTracing(page, { categories: CATEGORIES });
    await page.goto(server.baseUrl + '/');
    await page.waitForFunction(() => performance.getEntriesByName('gc:list-painted').length > 0, null, {
      timeout: 10_000,
    });
    const marks = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      const m = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
      return {
        html: n.responseEnd,
        dcl: n.domContentLoadedEventEnd,
        load: n.loadEventEnd,
        inDom: m('gc:list-in-dom'),
        painted: m('gc:list-painted'),
        resources: performance
          .getEntriesByType('resource')
          .map((e) => [e.name.replace(location.origin, ''), e.startTime, e.responseEnd]),
      };
    });
    const trace = JSON.parse((await browser.stopTracing()).toString());
    if (process.env.TRACE_OUT) writeFileSync(process.env.TRACE_OUT, JSON.stringify(trace));
    summaries.push(summarize(trace.traceEvents ?? trace, marks));
    await context.close();
  }
} finally {
  await browser.close();
  await server.cleanup();
}
for (const s of summaries) console.log(s);

/** Sums the renderer main thread's events from navigation start to the list's paint. */
function summarize(events, marks) {
  const threadNames = new Map();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args.name);
  }
  // The page's renderer: the process whose main thread ran the navigation's document.
  const nav = events.find((e) => e.name === 'navigationStart' && e.args?.data?.isLoadingMainFrame && e.args.data.documentLoaderURL?.startsWith('http'));
  const key = nav ? `${nav.pid}:${nav.tid}` : [...threadNames].find(([, n]) => n === 'CrRendererMain')?.[0];
  const t0 = nav?.ts ?? 0;
  const end = t0 + marks.painted * 1000;
  const main = events.filter((e) => `${e.pid}:${e.tid}` === key && e.ts >= t0 && e.ts <= end);
  const ms = (us) => (us / 1000).toFixed(1).padStart(7);

  // Top-level tasks and what is inside them, summed by name (durations of nested events overlap
  // their parents; each name is a total of its own).
  const byName = new Map();
  let busy = 0;
  for (const e of main) {
    if (e.ph !== 'X' || !e.dur) continue;
    byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur);
    if (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') busy += e.dur;
  }
  const interesting = [
    'ParseHTML', 'EvaluateScript', 'v8.compile', 'v8.compileModule', 'V8.CompileCode', 'v8.produceCache',
    'V8.CompileLazy', 'v8.parseOnBackground', 'FunctionCall', 'V8.GCScavenger', 'MinorGC', 'MajorGC',
    'V8.GC_MC_BACKGROUND_MARKING', 'ParseAuthorStyleSheet', 'UpdateLayoutTree', 'Layout', 'PrePaint',
    'Paint', 'Layerize', 'TimerFire', 'FireAnimationFrame', 'RunMicrotasks', 'XHRReadyStateChange',
    'EventDispatch', 'v8.run', 'v8.callFunction', 'V8.Execute',
  ];
  const lines = [];
  lines.push(
    `cold load: html ${marks.html.toFixed(0)} ms, DOMContentLoaded ${marks.dcl.toFixed(0)}, load ${marks.load.toFixed(0)}, ` +
      `list in DOM ${marks.inDom.toFixed(0)}, list painted ${marks.painted.toFixed(0)}; main thread busy ${ms(busy).trim()} ms`,
  );
  for (const [name, path] of marks.resources.map(([n, s, e]) => [`${s.toFixed(0)}→${e.toFixed(0)}`, n])) {
    lines.push(`  ${name.padEnd(11)} ${path}`);
  }
  lines.push('main-thread events (ms, nested events overlap):');
  for (const [name, dur] of [...byName].filter(([n]) => interesting.includes(n)).sort((x, y) => y[1] - x[1])) {
    lines.push(`  ${ms(dur)}  ${name}`);
  }
  lines.push(...profileSummary(events, key, t0, end));
  lines.push(...timeline(main, t0));
  return lines.join('\n');
}

/** Self time per script and per function from the trace's CPU profile (1 ms ≈ one sample). */
function profileSummary(events, key, t0, end) {
  const pid = Number(key.split(':')[0]);
  const profile = events.find((e) => e.name === 'Profile' && e.pid === pid);
  if (!profile) return ['(no CPU profile in the trace)'];
  const nodes = new Map();
  const samples = [];
  const deltas = [];
  let startTime = profile.args.data.startTime;
  for (const e of events) {
    if (e.name !== 'ProfileChunk' || e.pid !== pid || e.id !== profile.id) continue;
    const p = e.args.data.cpuProfile ?? {};
    for (const n of p.nodes ?? []) nodes.set(n.id, n);
    samples.push(...(p.samples ?? []));
    deltas.push(...(e.args.data.timeDeltas ?? []));
  }
  const byUrl = new Map();
  const byFn = new Map();
  let t = startTime;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    const next = t + (deltas[i + 1] ?? 0);
    if (t < t0 || t > end) continue;
    const node = nodes.get(samples[i]);
    const frame = node?.callFrame ?? {};
    const url = (frame.url || `(${frame.functionName || 'native'})`).replace(/^https?:\/\/[^/]+/, '');
    const fn = `${frame.functionName || '(anonymous)'} ${url}:${frame.lineNumber ?? ''}:${frame.columnNumber ?? ''}`;
    const dt = next - t;
    byUrl.set(url, (byUrl.get(url) ?? 0) + dt);
    byFn.set(fn, (byFn.get(fn) ?? 0) + dt);
  }
  const top = (m, n) =>
    [...m].sort((x, y) => y[1] - x[1]).slice(0, n).map(([k, v]) => `  ${(v / 1000).toFixed(1).padStart(7)}  ${k}`);
  return ['sampled self time per script (ms):', ...top(byUrl, 14), 'sampled self time per function (ms):', ...top(byFn, 25)];
}

/** The long main-thread tasks in order, with the biggest event inside each. */
function timeline(main, t0) {
  const tasks = main.filter((e) => e.ph === 'X' && e.name === 'RunTask' && e.dur >= 8000);
  const lines = ['main-thread tasks ≥ 8 ms (start, duration, what is inside):'];
  for (const task of tasks) {
    const inside = main
      .filter((e) => e.ph === 'X' && e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= task.ts + task.dur && e.dur >= 2000)
      .slice(0, 4)
      .map((e) => `${e.name}${e.args?.data?.url ? ' ' + e.args.data.url.replace(/^https?:\/\/[^/]+/, '') : ''}${e.args?.data?.functionName ? ' ' + e.args.data.functionName : ''} ${(e.dur / 1000).toFixed(0)}`);
    lines.push(`  ${((task.ts - t0) / 1000).toFixed(0).padStart(6)} +${(task.dur / 1000).toFixed(0).padStart(4)}  ${inside.join(' | ')}`);
  }
  return lines;
}
