// Starts the real gopherchat-server binary for black-box tests.
//
//   const server = await startServer({ args: ['--ws-queue-bytes', '65536'] });
//   server.baseUrl / server.wsUrl / server.port / server.dataDir / server.jwtSecret
//   await server.stop()     // SIGTERM, waits for exit, returns the exit code
//   await server.kill9()    // SIGKILL, waits for exit
//   await server.restart()  // same data dir, same jwt secret, new port (updates this object)
//   await server.restart({ samePort: true })  // ... on the same port (browsers keep their origin)
//   await server.cleanup()  // kill if running and remove the data dir
//
//   const video = await startVideo({ server, args: ['--max-peers', '2'] });
//   gopherchat-video on the server's data dir (its SQLite file, read-only) and jwt secret;
//   the same object API (baseUrl, port, stop, cleanup; cleanup leaves the server's data dir).
//
//   const { server, video } = await startServerWithVideo({ serverArgs, videoArgs, videoEnv });
//   both, wired for the web client's calls (--allowed-origins on the video, --video-url on the server).
//
// Rate limits are relaxed for every server (RELAXED_LIMITS below); pass flags to test them.
// Env: GC_SERVER_BIN / GC_VIDEO_BIN override the binaries, GC_TEST_VERBOSE=1 echoes the
// server's output, GC_KEEP_DATA=1 keeps the temp data dirs. GC_IT_POSTGRES_URL (a cluster, e.g.
// from scripts/postgres.sh) runs every server on PostgreSQL instead of SQLite: a fresh database
// per data dir, created with psql, which the video service started on that data dir shares.
import { spawn, execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..', '..');
export const serverBin = process.env.GC_SERVER_BIN
  ? resolve(process.env.GC_SERVER_BIN)
  : join(repoRoot, 'build', 'bin', 'gopherchat-server');
export const videoBin = process.env.GC_VIDEO_BIN
  ? resolve(process.env.GC_VIDEO_BIN)
  : join(repoRoot, 'build', 'bin', 'gopherchat-video');

const START_DEADLINE_MS = 10_000;
const STOP_DEADLINE_MS = 15_000;
const LISTEN_RE = /listening on 127\.0\.0\.1:(\d+)/;
const verbose = !!process.env.GC_TEST_VERBOSE;

// Every test server runs with generous rate limits (still on, so the checks run on every
// request and frame): the suite registers and logs in many users from 127.0.0.1 and sends
// bursts of frames. These are environment twins, so a test of the limits sets its own with
// flags (a flag wins over its environment twin), as ratelimit.test.mjs does.
export const RELAXED_LIMITS = {
  GC_RATE_LIMIT_REST: '100000',
  GC_RATE_LIMIT_LOGIN: '100000',
  GC_RATE_LIMIT_REGISTER: '100000',
  GC_RATE_LIMIT_LOGIN_FAILURES: '100000',
  GC_WS_RATE_LIMIT: '100000',
  GC_WS_RATE_BURST: '100000',
};

// Every child we started, so that nothing outlives the test process.
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
    process.exit(130);
  });
}

// Data dir → the PostgreSQL database of the servers started on it (GC_IT_POSTGRES_URL only).
const databaseOfDataDir = new Map();

function postgresUrlFor(dataDir) {
  const cluster = process.env.GC_IT_POSTGRES_URL;
  if (!cluster) return null;
  if (!databaseOfDataDir.has(dataDir)) {
    const name = `gc_it_${randomBytes(8).toString('hex')}`;
    const withDatabase = (db) => {
      const url = new URL(cluster);
      url.pathname = `/${db}`;
      return url.toString();
    };
    // The name is ours (hex), never outside input: an identifier cannot be a bound parameter.
    execFileSync('psql', [withDatabase('postgres'), '-qc', `CREATE DATABASE ${name}`]);
    databaseOfDataDir.set(dataDir, withDatabase(name));
  }
  return databaseOfDataDir.get(dataDir);
}

export function makeTempDir(prefix = 'gc-it-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function randomSecret() {
  return randomBytes(32).toString('hex'); // 64 hex chars
}

class ServerProcess {
  constructor({ dataDir, jwtSecret, args, env, ownsDataDir, bin = serverBin, video = false }) {
    this.bin = bin;
    this.video = video;
    this.dataDir = dataDir;
    this.jwtSecret = jwtSecret;
    this.extraArgs = args;
    this.extraEnv = env;
    this.ownsDataDir = ownsDataDir;
    this.child = null;
    this.output = '';
    this.exitCode = undefined;
    this.exitSignal = undefined;
    this.port = 0;
    this.fixedPort = 0;
    this.starts = 0;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }
  get wsUrl() {
    return `ws://127.0.0.1:${this.port}/ws`;
  }
  get origin() {
    return this.baseUrl;
  }
  get running() {
    return this.child !== null && this.exitCode === undefined;
  }

  /** The server's combined stdout/stderr so far (all starts). */
  logs() {
    return this.output;
  }

  async start() {
    if (this.running) throw new Error('server already running');
    if (!existsSync(this.bin)) {
      throw new Error(`binary not found: ${this.bin} (build it, or set GC_SERVER_BIN / GC_VIDEO_BIN)`);
    }
    this.starts += 1;
    const dbUrl = postgresUrlFor(this.dataDir);
    const args = [
      '--listen', `127.0.0.1:${this.fixedPort}`,
      '--data-dir', this.dataDir,
      ...(dbUrl ? ['--db', dbUrl] : []),
      ...(this.video ? [] : ['--bcrypt-cost', '4']),
      '--jwt-secret', this.jwtSecret,
      ...this.extraArgs,
    ];
    const child = spawn(this.bin, args, {
      cwd: repoRoot,
      env: { ...process.env, ...RELAXED_LIMITS, ...this.extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exitCode = undefined;
    this.exitSignal = undefined;
    live.add(child);
    const startMark = this.output.length;
    this.output += `\n--- start #${this.starts}: ${this.bin} ${args.join(' ')}\n`;

    this.exited = new Promise((resolveExit) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        live.delete(child);
        resolveExit({ code, signal });
      });
    });

    const port = await new Promise((resolveStart, rejectStart) => {
      let done = false;
      const finish = (err, value) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) rejectStart(err);
        else resolveStart(value);
      };
      const onData = (chunk) => {
        const text = chunk.toString('utf8');
        this.output += text;
        if (verbose) process.stderr.write(`[server:${this.port || '?'}] ${text}`);
        const m = LISTEN_RE.exec(this.output.slice(startMark));
        if (m) finish(null, Number(m[1]));
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', (err) => finish(err));
      child.once('exit', (code, signal) =>
        finish(
          new Error(
            `server exited before listening (code ${code}, signal ${signal}); output:\n` +
              this.output.slice(startMark),
          ),
        ),
      );
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(
          new Error(
            `server did not print "listening on 127.0.0.1:PORT" within ${START_DEADLINE_MS} ms; output:\n` +
              this.output.slice(startMark),
          ),
        );
      }, START_DEADLINE_MS);
    });
    this.port = port;
    return this;
  }

  async #signalAndWait(signal) {
    if (!this.running) return this.exitCode ?? null;
    this.child.kill(signal);
    let timer;
    const timeout = new Promise((_, rej) => {
      timer = setTimeout(
        () => rej(new Error(`server did not exit within ${STOP_DEADLINE_MS} ms after ${signal}`)),
        STOP_DEADLINE_MS,
      );
    });
    try {
      await Promise.race([this.exited, timeout]);
    } catch (err) {
      this.child.kill('SIGKILL');
      await this.exited;
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return this.exitCode;
  }

  /** SIGTERM and wait for the exit; returns the exit code (null when killed by a signal). */
  stop() {
    return this.#signalAndWait('SIGTERM');
  }

  /** SIGKILL and wait for the exit. */
  async kill9() {
    await this.#signalAndWait('SIGKILL');
    return this.exitSignal;
  }

  /**
   * Starts again on the same data dir and jwt secret (stopping it first if needed), on a new
   * port unless `samePort`.
   */
  async restart({ samePort = false } = {}) {
    if (this.running) await this.stop();
    this.fixedPort = samePort ? this.port : 0;
    return this.start();
  }

  /** Kills the process if it still runs and removes the data dir (unless GC_KEEP_DATA). */
  async cleanup() {
    if (this.running) {
      try {
        await this.kill9();
      } catch {
        /* ignore */
      }
    }
    if (this.ownsDataDir && !process.env.GC_KEEP_DATA) {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }
}

/**
 * Starts a server on a fresh temp data dir (or `dataDir`) with a random jwt secret (or `jwtSecret`).
 * `args` are extra command-line arguments.
 */
export function startServer({ args = [], env = {}, dataDir, jwtSecret } = {}) {
  return launch(
    new ServerProcess({
      dataDir: dataDir ?? makeTempDir(),
      jwtSecret: jwtSecret ?? randomSecret(),
      args,
      env,
      ownsDataDir: dataDir === undefined,
    }),
  );
}

/** Starts the process; one that fails to start is cleaned up before the error is thrown. */
async function launch(proc) {
  try {
    await proc.start();
  } catch (err) {
    await proc.cleanup();
    throw err;
  }
  return proc;
}

/**
 * Starts gopherchat-video next to a running `server`: its data dir (so the same SQLite file,
 * which the video service opens read-only) and its jwt secret. `args` are extra flags.
 */
export function startVideo({ server, args = [], env = {} }) {
  return launch(
    new ServerProcess({
      dataDir: server.dataDir,
      jwtSecret: server.jwtSecret,
      args,
      env,
      ownsDataDir: false,
      bin: videoBin,
      video: true,
    }),
  );
}

/**
 * The chat server and the video service as `make run` pairs them, for the web client's calls:
 * the video service allows the chat server's origin (pages come from there), and the chat
 * server is restarted on its own port with `--video-url` naming the video service (which it
 * tells the web client through GET /api/config and allows in its pages' connect-src). The
 * restart is needed because the video service opens the database the chat server creates.
 * Returns {server, video}; clean up with video.cleanup() then server.cleanup().
 */
export async function startServerWithVideo({ serverArgs = [], videoArgs = [], videoEnv = {} } = {}) {
  const server = await startServer({ args: serverArgs });
  let video;
  try {
    video = await startVideo({ server, args: ['--allowed-origins', server.origin, ...videoArgs], env: videoEnv });
    server.extraArgs = [...server.extraArgs, '--video-url', video.baseUrl];
    await server.restart({ samePort: true });
  } catch (err) {
    await video?.cleanup();
    await server.cleanup();
    throw err;
  }
  return { server, video };
}

/** Runs `gopherchat-server <args>` to completion: {code, stdout, stderr}. */
export function runServerCommand(args, { timeoutMs = 30_000, env = {} } = {}) {
  return new Promise((resolveRun) => {
    execFile(
      serverBin,
      args,
      { cwd: repoRoot, env: { ...process.env, ...env }, timeout: timeoutMs },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolveRun({ code, stdout: String(stdout), stderr: String(stderr), error: err ?? null });
      },
    );
  });
}

/** Fetches /metrics and returns a map "name{labels}" → number (and bare names for unlabelled). */
export async function scrapeMetrics(server) {
  const res = await fetch(`${server.baseUrl}/metrics`);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, values: parseMetrics(text) };
}

export function parseMetrics(text) {
  const values = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m) values.set(m[1] + (m[2] ?? ''), Number(m[3]));
  }
  return values;
}

/** Sum of every sample of a metric (all label sets). */
export function metricSum(values, name) {
  let sum = 0;
  let found = false;
  for (const [key, v] of values) {
    if (key === name || key.startsWith(name + '{')) {
      sum += v;
      found = true;
    }
  }
  return found ? sum : undefined;
}
