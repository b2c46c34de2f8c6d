// Upload load: SIZE_MIB files through POST /api/uploads, first one after another (throughput
// of one stream), then PARALLEL at once (aggregate throughput, and what the server holds in
// memory meanwhile). The server's resident memory is sampled from /proc every 10 ms: streamed
// uploads keep its peak near the idle figure whatever the file size; a buffering server would
// grow by about PARALLEL × SIZE_MIB. Called by `bench/run.sh uploads` and `uploads-scan` (the
// same with every upload scanned by clamd).
//
//   node bench/uploads.mjs --url URL --users PREFIX --password W --server-pid PID
//        [--size-mib 25] [--sequential 6] [--parallel 10] [--label NAME] [--json]
import { readFileSync } from 'node:fs';

const opts = { 'size-mib': 25, sequential: 6, parallel: 10, label: 'uploads', json: false };
for (let i = 2; i < process.argv.length; i++) {
  const key = process.argv[i].replace(/^--/, '');
  if (key === 'json') opts.json = true;
  else opts[key] = process.argv[++i];
}
for (const k of ['size-mib', 'sequential', 'parallel', 'server-pid']) opts[k] = Number(opts[k]);
const size = opts['size-mib'] * 1024 * 1024;

async function login(name) {
  const res = await fetch(`${opts.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: name, password: opts.password }),
  });
  if (!res.ok) throw new Error(`login ${name}: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

// Plain text (an allowed type that needs no decoding), different in every file so that
// nothing upstream can recognise a repeat.
function textFile(n) {
  const line = Buffer.from(`upload ${n} of the GopherChat benchmark: the quick brown fox jumps over the lazy dog\n`);
  const out = Buffer.allocUnsafe(size);
  for (let at = 0; at < size; at += line.length) line.copy(out, at, 0, Math.min(line.length, size - at));
  return new Blob([out], { type: 'text/plain' });
}

async function upload(token, blob, n) {
  const form = new FormData();
  form.append('file', blob, `bench-${n}.txt`);
  const started = process.hrtime.bigint();
  const res = await fetch(`${opts.url}/api/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const body = await res.text();
  if (res.status !== 201) throw new Error(`upload ${n}: ${res.status} ${body}`);
  const { file } = JSON.parse(body);
  if (file.size !== size) throw new Error(`upload ${n}: stored ${file.size} bytes of ${size}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const rssKiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${opts['server-pid']}/status`, 'utf8'))[1]);

// Runs `work` while sampling the server's RSS; returns the wall time and the peak RSS.
async function sampled(work) {
  let peak = rssKiB();
  const timer = setInterval(() => {
    peak = Math.max(peak, rssKiB());
  }, 10);
  const started = process.hrtime.bigint();
  const latencies = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, rssKiB());
  return { seconds, peak, latencies };
}

const token = await login(`${opts.users}1`);
const files = Array.from({ length: Math.max(opts.sequential, opts.parallel) }, (_, i) => textFile(i));
await upload(token, files[0], 'warmup'); // first-use costs (thread pools, libmagic, clamd) out of the way
const idle = rssKiB();

const one = await sampled(async () => {
  const out = [];
  for (let i = 0; i < opts.sequential; i++) out.push(await upload(token, files[i], i));
  return out;
});
const many = await sampled(() => Promise.all(files.slice(0, opts.parallel).map((f, i) => upload(token, f, `p${i}`))));

const mib = (n, seconds) => Math.round((n * opts['size-mib'] * 10) / seconds) / 10;
const result = {
  scenario: opts.label,
  fileMiB: opts['size-mib'],
  sequential: {
    files: opts.sequential,
    mibPerSec: mib(opts.sequential, one.seconds),
    medianMs: Math.round(one.latencies.sort((a, b) => a - b)[Math.floor(one.latencies.length / 2)]),
    peakRssMiB: Math.round(one.peak / 102.4) / 10,
  },
  parallel: {
    files: opts.parallel,
    mibPerSec: mib(opts.parallel, many.seconds),
    slowestMs: Math.round(Math.max(...many.latencies)),
    peakRssMiB: Math.round(many.peak / 102.4) / 10,
  },
  idleRssMiB: Math.round(idle / 102.4) / 10,
  rssGrowthWhileParallelMiB: Math.round((many.peak - idle) / 102.4) / 10,
};
console.log(opts.json ? JSON.stringify(result) : result);
