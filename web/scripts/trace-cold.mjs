// Where a cold load's main-thread time goes, from navigation to the first conversation item
// on screen: a Chromium performance trace (browser.startTracing, the CDP Tracing domain) of one
// fresh browser context against a fresh server, summed per trace event (top-level tasks and the
// V8 work inside them) and, from the trace's sampling profile, per script and per function.
//   node scripts/trace-cold.mjs [contexts]     (from web/; GC_WEB_ROOT=DIR for another build)
//   TRACE_OUT=FILE also writes the last trace (open it in chrome://tracing or DevTools)
//   GC_WEB_ROOT=DIR1,DIR2,… an A/B: one server per build, contexts taken in turn, one line per
//     load and the medians; the main thread's CPU time (the sum of its tasks' thread time) is
//     the figure to compare on a shared machine, where wall-clock times mostly measure the
//     other processes. TRACE_LIGHT=1: only the timeline categories (no sampling profiler, no
//     per-function compile events), which cost the page less.
import { startServer, repoRoot } from '../../tests/integration/lib/server.mjs';
import { register, postMessage, dmId } from '../../tests/integration/lib/client.mjs';
import { launchChromium } from '../e2e/pages.mjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const contexts = Number(process.argv[2] ?? 1);
const webRoots = (process.env.GC_WEB_ROOT ?? join(repoRoot, 'web', 'out')).split(',');
const LIGHT = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'loading'];
const FULL = [
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
const CATEGORIES = process.env.TRACE_LIGHT ? LIGHT : FULL;

// The first conversation item's paint: marked from the page itself (a MutationObserver, then the
// frame after it), so the span does not include Playwright's polling.
const MARK_LIST = `
  new MutationObserver((_, obs) => {
    if (!document.querySelector('[data-testid="conversation-item"]')) return;
    obs.disconnect();
    performance.mark('gc:list-in-dom');
    window.__gcListPainted = new Promise((resolve) =>
      requestAnimationFrame(() => setTimeout(() => resolve(performance.mark('gc:list-painted')), 0)),
    );
  }).observe(document, { childList: true, subtree: true });
`;

const builds = [];
const browser = await launchChromium();
try {
  for (const webRoot of webRoots) {
    const server = await startServer({ args: ['--web-root', webRoot] });
    const a = await register(server);
    const b = await register(server);
    await postMessage(server, a, dmId(a, b), 'hello');
    builds.push({ webRoot, server, user: a, loads: [] });
  }
  for (let i = 0; i < contexts; i++) {
    for (const build of builds) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addCookies([{ name: 'gc_token', value: build.user.token, url: build.server.baseUrl }]);
      await context.addInitScript(MARK_LIST);
      const page = await context.newPage();
      await browser.startTracing(page, { categories: CATEGORIES });
      await page.goto(build.server.baseUrl + '/');
      // Not page.waitForFunction: Playwright's injected script would compete with the page.
      await page.evaluate(() =>
        Promise.race([
          new Promise((resolve) => {
            const wait = () => (window.__gcListPainted ? window.__gcListPainted.then(resolve) : setTimeout(wait, 20));
            wait();
          }),
          new Promise((_, no) => setTimeout(() => no(new Error('no conversation item within 10 s')), 10_000)),
        ]),
      );
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
      const events = trace.traceEvents ?? trace;
      const cpu = mainThreadCpu(events, marks);
      build.loads.push({ painted: marks.painted, cpu });
      if (builds.length > 1) {
        console.log(`${build.webRoot}: list painted ${marks.painted.toFixed(0)} ms, main-thread CPU ${cpu.toFixed(0)} ms`);
      } else {
        console.log(summarize(events, marks));
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  for (const b of builds) await b.server.cleanup();
}
if (builds.length > 1 || contexts > 1) {
  const med = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  for (const b of builds) {
    console.log(
      `${b.webRoot}: median list painted ${med(b.loads.map((l) => l.painted)).toFixed(0)} ms, ` +
        `main-thread CPU ${med(b.loads.map((l) => l.cpu)).toFixed(0)} ms (${b.loads.length} cold contexts)`,
    );
  }
}

/** The renderer's main thread: where the navigation's document ran. */
function mainThreadOf(events) {
  const nav = events.find(
    (e) => e.name === 'navigationStart' && e.args?.data?.isLoadingMainFrame && e.args.data.documentLoaderURL?.startsWith('http'),
  );
  return nav ? { pid: nav.pid, tid: nav.tid, t0: nav.ts } : null;
}

/** CPU time of the main thread's top-level tasks from navigation start to the list's paint. */
function mainThreadCpu(events, marks) {
  const main = mainThreadOf(events);
  if (!main) return NaN;
  const end = main.t0 + marks.painted * 1000;
  let us = 0;
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'RunTask' || e.pid !== main.pid || e.tid !== main.tid) continue;
    if (e.ts >= main.t0 && e.ts <= end) us += e.tdur ?? 0;
  }
  return us / 1000;
}

/** Sums the renderer main thread's events from navigation start to the list's paint. */
function summarize(events, marks) {
  const threadNames = new Map();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args.name);
  }
  const nav = mainThreadOf(events);
  const key = nav ? `${nav.pid}:${nav.tid}` : [...threadNames].find(([, n]) => n === 'CrRendererMain')?.[0];
  const t0 = nav?.t0 ?? 0;
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
      `list in DOM ${marks.inDom.toFixed(0)}, list painted ${marks.painted.toFixed(0)}; main thread busy ${ms(busy).trim()} ms, ` +
      `its CPU time ${mainThreadCpu(events, marks).toFixed(0)} ms`,
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
