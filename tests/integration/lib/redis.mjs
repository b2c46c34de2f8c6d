// A redis-server of the test's own on a loopback port: started, killed (SIGKILL) and started
// again on the same port, as a restarted Redis would be. No persistence: a restart forgets all.
//
//   const redis = await startRedis();          // { port, url, child }
//   await stopRedis(redis); await startRedis(redis.port);
//   pauseRedis(redis); resumeRedis(redis);  // SIGSTOP / SIGCONT: stalled, then going on
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { waitFor } from './client.mjs';

export function freePort() {
  return new Promise((resolvePort) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

export async function startRedis(port) {
  port ??= await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await waitFor(
    () => {
      try {
        return execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).trim() === 'PONG';
      } catch {
        return false;
      }
    },
    { what: 'redis-server to answer PING' },
  );
  return { port, url: `redis://127.0.0.1:${port}`, child };
}

export async function stopRedis(redis) {
  if (!redis?.child || redis.child.exitCode !== null) return;
  const gone = new Promise((r) => redis.child.once('exit', r));
  redis.child.kill('SIGKILL');
  await gone;
}

// SIGSTOP: a stalled Redis (its connections stay open, nothing is answered) until resumeRedis.
export function pauseRedis(redis) {
  redis.child.kill('SIGSTOP');
}

export function resumeRedis(redis) {
  redis.child.kill('SIGCONT');
}
