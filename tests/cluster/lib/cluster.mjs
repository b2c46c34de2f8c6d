// A whole GopherChat cluster for a test file, started by scripts/cluster.sh: PostgreSQL, Redis,
// three gopherchat-server instances, gopherchat-video and HAProxy in front, all on loopback.
//
//   const cluster = await startCluster();
//   cluster.front            HAProxy ({baseUrl, port}: what the integration clients take)
//   cluster.instance(n)      instance n (1..3) directly, the same shape
//   await cluster.killInstance(n)   SIGKILL;  await cluster.stopInstance(n)  SIGTERM (drains)
//   await cluster.startInstance(n)  again on its port and flags, ready when this resolves
//   await cluster.stopDatabase() / startDatabase()   PostgreSQL down (data kept) / up again
//   await cluster.proxyStatus()     Map "backend/server" → HAProxy's health (UP, DOWN, ...)
//   await cluster.sessionsPerServer()  Map server → sessions HAProxy has sent it so far
//   await cluster.stop()
//
// Env: GC_SERVER_BIN / GC_VIDEO_BIN (as for the integration suite), GC_KEEP_DATA=1 keeps the
// cluster dir and its logs. Rate limits are relaxed like the integration suite's, bcrypt cost 4.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { api } from '../../integration/lib/client.mjs';
import { RELAXED_LIMITS, repoRoot, serverBin, videoBin } from '../../integration/lib/server.mjs';

const run = promisify(execFile);
const script = join(repoRoot, 'scripts', 'cluster.sh');
export const INSTANCES = 3;

// Every cluster this process started, stopped at exit even when a test throws.
const live = new Set();
process.on('exit', () => {
  for (const dir of live) {
    try {
      execFileSync(script, ['stop', dir], { stdio: 'ignore' });
    } catch {
      /* best effort */
    }
  }
});

function endpoint(port) {
  return { port, baseUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/ws` };
}

/** KEY=VALUE lines → object. */
function parseEnvFile(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

class Cluster {
  constructor(dir, env) {
    this.dir = dir;
    this.env = env;
    const vars = parseEnvFile(readFileSync(join(dir, 'cluster.env'), 'utf8'));
    this.vars = vars;
    this.front = endpoint(Number(vars.GC_CLUSTER_PORT));
    this.video = endpoint(Number(vars.GC_CLUSTER_VIDEO_PORT));
    this.instances = [];
    for (let n = 1; n <= INSTANCES; n += 1) {
      this.instances.push(endpoint(Number(vars[`GC_CLUSTER_SERVER_${n}_PORT`])));
    }
    this.statsUrl = vars.GC_CLUSTER_STATS_URL;
    this.dbUrl = vars.GC_CLUSTER_DB_URL;
    this.redisPort = Number(vars.GC_CLUSTER_REDIS_PORT);
  }

  /** How many connections subscribe to each Redis channel (PUBSUB NUMSUB), as a Map. */
  async subscribers(...channels) {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(this.redisPort), 'PUBSUB', 'NUMSUB', ...channels], {
      cwd: repoRoot,
      env: this.env,
    });
    const words = stdout.trim().split('\n');
    const out = new Map();
    for (let i = 0; i + 1 < words.length; i += 2) out.set(words[i], Number(words[i + 1]));
    return out;
  }

  /** Instance n (1-based), reached directly, not through HAProxy. */
  instance(n) {
    return this.instances[n - 1];
  }

  async #script(...args) {
    await run(script, [...args], { cwd: repoRoot, env: this.env });
  }

  killInstance(n) {
    return this.#script('kill-instance', this.dir, String(n));
  }
  stopInstance(n) {
    return this.#script('stop-instance', this.dir, String(n));
  }
  startInstance(n) {
    return this.#script('start-instance', this.dir, String(n));
  }
  stopDatabase() {
    return this.#script('db-stop', this.dir);
  }
  startDatabase() {
    return this.#script('db-start', this.dir);
  }

  /** HAProxy's statistics as rows of {backend, server, status, sessions}. */
  async #stats() {
    const res = await fetch(`${this.statsUrl};csv`);
    const [header, ...rows] = (await res.text()).replace(/^# /, '').trim().split('\n');
    const cols = header.split(',');
    const at = (name) => cols.indexOf(name);
    return rows.map((row) => {
      const f = row.split(',');
      return { backend: f[at('pxname')], server: f[at('svname')], status: f[at('status')], sessions: Number(f[at('stot')]) };
    });
  }

  /** Map "backend/server" → health status as HAProxy sees it ("UP", "DOWN", "UP 1/2", ...). */
  async proxyStatus() {
    return new Map((await this.#stats()).map((r) => [`${r.backend}/${r.server}`, r.status]));
  }

  /** Map s1..s3 → sessions HAProxy has forwarded to that instance (health checks excluded). */
  async sessionsPerServer() {
    const rows = (await this.#stats()).filter((r) => r.backend === 'chat' && /^s\d+$/.test(r.server));
    return new Map(rows.map((r) => [r.server, r.sessions]));
  }

  /** The last part of a service's log ("server-1", "video", "haproxy"), for failure messages. */
  logTail(name, chars = 4000) {
    try {
      return readFileSync(join(this.dir, `${name}.log`), 'utf8').slice(-chars);
    } catch {
      return '';
    }
  }

  async stop() {
    if (!live.has(this.dir)) return;
    live.delete(this.dir);
    await this.#script('stop', this.dir);
  }
}

/** Starts a cluster on a free port; `env` adds GC_* variables for every service. */
export async function startCluster({ env = {} } = {}) {
  const fullEnv = {
    ...process.env,
    ...RELAXED_LIMITS,
    GC_BCRYPT_COST: '4',
    GC_SERVER_BIN: serverBin,
    GC_VIDEO_BIN: videoBin,
    ...env,
  };
  delete fullEnv.GC_CLUSTER_PORT; // a free port, never the make run-cluster default
  const { stdout } = await run(script, ['start'], { cwd: repoRoot, env: fullEnv });
  const dir = /GC_CLUSTER_DIR=(\S+)/.exec(stdout)?.[1];
  if (!dir) throw new Error(`scripts/cluster.sh start printed no cluster dir: ${stdout}`);
  live.add(dir);
  return new Cluster(dir, fullEnv);
}

/**
 * A browser-like HTTP client: keeps the cookies it is given (HAProxy's gc_instance among
 * them) and sends them back, as a browser does for one site.
 */
export class CookieJarClient {
  constructor(target) {
    this.target = target;
    this.cookies = new Map();
    this.lastSetCookies = [];
  }

  get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** The instance HAProxy pinned this client to (s1..s3), or undefined. */
  get instance() {
    return this.cookies.get('gc_instance');
  }

  async request(method, path, { token, body } = {}) {
    const res = await api(this.target, method, path, { token, body, cookie: this.cookieHeader || undefined });
    this.lastSetCookies = res.headers.getSetCookie();
    for (const line of this.lastSetCookies) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  }
}
