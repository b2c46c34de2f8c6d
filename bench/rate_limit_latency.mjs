// What the shared (Redis) REST rate limit adds to a request: the same authenticated request
// (GET /api/auth/me) against one server without --redis (the in-process bucket) and one with
// --redis (a Lua script in Redis per request), alternating, so both see the same machine.
//
//   node bench/rate_limit_latency.mjs [REQUESTS] [ROUNDS] [CONCURRENCY]     (5000 3 16)
//
// Needs a built tree (GC_SERVER_BIN as for the integration tests) and redis-server (a throwaway
// one from scripts/redis.sh). Prints, per round and mode: sequential latency p50/p99/mean over
// REQUESTS requests on one keep-alive connection, then requests/s with CONCURRENCY in flight;
// at the end, the time Redis itself spent per script call.
// The limit is on (the suite's relaxed 100,000/min), so every request pays for its check.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { register } from '../tests/integration/lib/client.mjs';
import { repoRoot, startServer } from '../tests/integration/lib/server.mjs';

const REQUESTS = Number(process.argv[2] ?? 5000);
const ROUNDS = Number(process.argv[3] ?? 3);
const CONCURRENCY = Number(process.argv[4] ?? 16);
const WARMUP = 500;

const redisScript = join(repoRoot, 'scripts', 'redis.sh');
const redisEnv = Object.fromEntries(
  execFileSync(redisScript, ['start'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .flatMap((line) => [...line.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2].replace(/^'|'$/g, '')])),
);

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function get(server, path, token) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path, agent, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function measure(server, token) {
  for (let i = 0; i < WARMUP; i += 1) await get(server, '/api/auth/me', token);
  const micros = [];
  for (let i = 0; i < REQUESTS; i += 1) {
    const start = process.hrtime.bigint();
    await get(server, '/api/auth/me', token);
    micros.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  micros.sort((a, b) => a - b);
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        next += 1;
        await get(server, '/api/auth/me', token);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    p50: percentile(micros, 50),
    p99: percentile(micros, 99),
    mean: micros.reduce((a, b) => a + b, 0) / micros.length,
    perSecond: REQUESTS / seconds,
  };
}

const modes = {
  local: [],
  redis: ['--redis', redisEnv.GC_TEST_REDIS_URL],
};
try {
  console.log(`GET /api/auth/me: ${REQUESTS} sequential (µs), then ${REQUESTS} with ${CONCURRENCY} in flight`);
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const [mode, args] of Object.entries(modes)) {
      const server = await startServer({ args });
      try {
        const user = await register(server);
        const r = await measure(server, user.token);
        console.log(
          `round ${round} ${mode.padEnd(5)}  p50 ${r.p50.toFixed(0)}  p99 ${r.p99.toFixed(0)}  ` +
            `mean ${r.mean.toFixed(0)}  ${r.perSecond.toFixed(0)} req/s`,
        );
      } finally {
        await server.cleanup();
      }
    }
  }
  // Redis's own time per decision (the script, without the network and the thread hops).
  const stats = execFileSync('redis-cli', ['-p', redisEnv.GC_REDIS_PORT, 'info', 'commandstats'], { encoding: 'utf8' });
  const evalsha = /cmdstat_evalsha:calls=(\d+),usec=\d+,usec_per_call=([\d.]+)/.exec(stats);
  if (evalsha) console.log(`Redis: ${evalsha[1]} EVALSHA, ${evalsha[2]} µs per call inside Redis`);
} finally {
  agent.destroy();
  execFileSync(redisScript, ['stop', redisEnv.GC_REDIS_DIR]);
}
