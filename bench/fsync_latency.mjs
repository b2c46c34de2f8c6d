// The disk's floor under every durable ack: how long an fdatasync of a small append takes on
// the filesystem the data lives on. A commit (SQLite's WAL sync, PostgreSQL's WAL flush) waits
// for one, so an ack latency target below this distribution's tail cannot be met by the
// server, whatever it does.
//
//   node bench/fsync_latency.mjs [SECONDS] [APPEND_BYTES] [DIR]     (10 8192 /tmp)
//
// Appends APPEND_BYTES to a fresh file in DIR and fdatasyncs it, one after the other, for
// SECONDS; prints the count and the latency p50/p99/p99.9/max of the fdatasync alone. Run it
// on a quiet machine, and beside a benchmark to see what the disk gives under load.
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const SECONDS = Number(process.argv[2] ?? 10);
const APPEND_BYTES = Number(process.argv[3] ?? 8192);
const DIR = process.argv[4] ?? '/tmp';

const dir = mkdtempSync(join(DIR, 'gc-fsync-'));
const fd = openSync(join(dir, 'wal'), 'w');
const block = Buffer.alloc(APPEND_BYTES, 0x5a);
const latenciesMs = [];
try {
  const end = process.hrtime.bigint() + BigInt(Math.round(SECONDS * 1e9));
  while (process.hrtime.bigint() < end) {
    writeSync(fd, block);
    const t0 = process.hrtime.bigint();
    fdatasyncSync(fd);
    latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
} finally {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
}

latenciesMs.sort((a, b) => a - b);
const at = (q) => latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(q * latenciesMs.length))];
const fmt = (v) => v.toFixed(2);
console.log(
  `fdatasync of ${APPEND_BYTES}-byte appends in ${DIR}, ${SECONDS} s: ${latenciesMs.length} syncs, ` +
    `p50 ${fmt(at(0.5))} ms, p99 ${fmt(at(0.99))} ms, p99.9 ${fmt(at(0.999))} ms, max ${fmt(latenciesMs.at(-1))} ms`,
);
console.log(
  JSON.stringify({
    scenario: 'fsync',
    appendBytes: APPEND_BYTES,
    seconds: SECONDS,
    syncs: latenciesMs.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    p999Ms: at(0.999),
    maxMs: latenciesMs.at(-1),
  }),
);
