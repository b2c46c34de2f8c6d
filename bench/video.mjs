// Video signaling load: ROOMS rooms of two peers each on gopherchat-video; in every room one
// peer sends offers to the other at a fixed total RATE (open loop, spread evenly over rooms);
// reports the relay latency seen by the receiving client (send → receive, both stamps on
// this process's clock) as p50/p99/max, the relays/s achieved, and the service's own
// gc_video_relay_latency_seconds histogram over the run. With --video-pid, also what holding
// the rooms costs the service: its resident memory before the first room and with every
// peer joined (rooms held by one process: `ROOMS=9400`, 18,800 peer sockets, within the
// 20,000 open files a process may have here). Called by `bench/run.sh video`.
//
//   node bench/video.mjs --chat URL --video URL --users PREFIX --password W --rooms N
//        --rate R --duration S --warmup S [--video-pid PID] [--json]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'integration', 'package.json'));
const WebSocket = require('ws');

const opts = { rooms: 100, rate: 1000, duration: 10, warmup: 2, json: false };
for (let i = 2; i < process.argv.length; i++) {
  const key = process.argv[i].replace(/^--/, '');
  if (key === 'json') opts.json = true;
  else opts[key] = process.argv[++i];
}
for (const k of ['rooms', 'rate', 'duration', 'warmup']) opts[k] = Number(opts[k]);
const rssKiB = () =>
  opts['video-pid'] ? Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${opts['video-pid']}/status`, 'utf8'))[1]) : NaN;

async function post(base, path, body, token) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

function open(token, roomId) {
  const ws = new WebSocket(`${opts.video.replace(/^http/, 'ws')}/ws/${roomId}`, {
    headers: { authorization: `Bearer ${token}` },
    perMessageDeflate: false,
  });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('message', (data) => {
      const welcome = JSON.parse(data.toString());
      if (welcome.type !== 'welcome') reject(new Error(`join: ${data}`));
      else resolve(ws);
    });
  });
}

async function scrapeRelayHistogram() {
  const text = await (await fetch(`${opts.video}/metrics`)).text();
  const buckets = new Map();
  for (const m of text.matchAll(/^gc_video_relay_latency_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)) {
    buckets.set(m[1], Number(m[2]));
  }
  return buckets;
}

// The smallest bucket bound holding quantile q of the observations between two scrapes.
function bucketQuantile(before, after, q) {
  const total = after.get('+Inf') - before.get('+Inf');
  for (const [le, count] of after) {
    if (count - before.get(le) >= q * total) return le === '+Inf' ? Infinity : Number(le);
  }
  return NaN;
}

const percentile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

// Log in 2 × rooms users (a few at a time: bcrypt on the server), make the rooms, join.
const tokens = [];
for (let i = 0; i < 2 * opts.rooms; i += 8) {
  const batch = [];
  for (let j = i; j < Math.min(i + 8, 2 * opts.rooms); j++) {
    batch.push(post(opts.chat, '/api/auth/login', { login: `${opts.users}${j + 1}`, password: opts.password }));
  }
  for (const r of await Promise.all(batch)) tokens.push(r.token);
}
const rssIdle = rssKiB();
const setupStarted = process.hrtime.bigint();
const pairs = [];
const makeRoom = async (r) => {
  const { roomId } = await post(opts.video, '/api/rooms/create', {}, tokens[2 * r]);
  const sender = await open(tokens[2 * r], roomId);
  const receiver = await open(tokens[2 * r + 1], roomId);
  pairs.push({ sender, receiver, to: JSON.parse(Buffer.from(tokens[2 * r + 1].split('.')[1], 'base64url')).sub });
};
// Sixteen rooms at a time: thousands of rooms set up in seconds, without a connect storm.
for (let r = 0; r < opts.rooms; r += 16) {
  await Promise.all(Array.from({ length: Math.min(16, opts.rooms - r) }, (_, i) => makeRoom(r + i)));
}
const setupSeconds = Number(process.hrtime.bigint() - setupStarted) / 1e9;
const rssHolding = rssKiB();

let measuring = false;
const latencies = [];
let received = 0;
for (const { receiver } of pairs) {
  receiver.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type !== 'offer') return;
    const sent = BigInt(frame.sdp.slice(frame.sdp.indexOf('s=') + 2, frame.sdp.indexOf('\r\n', frame.sdp.indexOf('s='))));
    if (!measuring) return;
    received += 1;
    latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
  });
}

// Open loop: one tick per millisecond sends what the schedule owes, round robin over rooms.
const started = process.hrtime.bigint();
let sent = 0;
let next = 0;
let before;
await new Promise((resolve) => {
  const timer = setInterval(async () => {
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    if (!measuring && elapsed >= opts.warmup) {
      measuring = true;
      before = await scrapeRelayHistogram();
    }
    if (elapsed >= opts.warmup + opts.duration) {
      clearInterval(timer);
      resolve();
      return;
    }
    const owed = Math.floor(elapsed * opts.rate) - sent;
    for (let i = 0; i < owed; i++) {
      const p = pairs[next];
      next = (next + 1) % pairs.length;
      p.sender.send(JSON.stringify({ type: 'offer', to: p.to, sdp: `v=0\r\ns=${process.hrtime.bigint()}\r\n` }));
      sent += 1;
    }
  }, 1);
});
await new Promise((r) => setTimeout(r, 500)); // the last frames in flight
measuring = false;
const after = await scrapeRelayHistogram();
for (const { sender, receiver } of pairs) {
  sender.terminate();
  receiver.terminate();
}

latencies.sort((a, b) => a - b);
const result = {
  scenario: 'video',
  rooms: opts.rooms,
  offeredRate: opts.rate,
  relaysPerSec: Math.round(received / opts.duration),
  clientLatencyMs: {
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies[latencies.length - 1],
  },
  serverRelayLatencyBucketSeconds: {
    p50: bucketQuantile(before, after, 0.5),
    p99: bucketQuantile(before, after, 0.99),
  },
  roomsHeld: pairs.length,
  setupSeconds: Math.round(setupSeconds * 10) / 10,
  videoRssMiB: { idle: Math.round(rssIdle / 102.4) / 10, holding: Math.round(rssHolding / 102.4) / 10 },
  rssPerPeerKiB: Math.round(((rssHolding - rssIdle) / (2 * pairs.length)) * 10) / 10,
};
console.log(opts.json ? JSON.stringify(result) : result);
process.exit(0);
