// A private redis-server for tests that must kill or restart Redis: its own free port and data directory,
// so the shared Redis on 6379 is never touched. Append-only persistence lets a restart keep the queues.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** Directory holding the append-only file. */
  readonly dir: string;
  /** How many times the server process was started. */
  readonly starts: number;
  /**
   * SIGKILL the server and start it again on the same port. With `wipe`, it comes back with an empty
   * data directory: everything Redis held is lost, as on a machine whose Redis lost its disk.
   */
  restart(opts?: { wipe?: boolean; downMs?: number }): Promise<void>;
  /** Kill the server and delete its data directory. */
  close(): Promise<void>;
}

const SHARED_PORT = 6379;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function ping(url: string): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  r.on('error', () => {});
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startPrivateRedis(opts: { appendOnly?: boolean } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  if (port === SHARED_PORT) throw new Error('refusing to run a private Redis on the shared port 6379');
  const url = `redis://127.0.0.1:${port}`;
  let dir = mkdtempSync(join(tmpdir(), 'bosun-redis-'));
  const dirs = [dir];
  let child: ChildProcess | null = null;
  let starts = 0;
  let log = '';

  async function launch(): Promise<void> {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      opts.appendOnly === false ? 'no' : 'yes',
      '--dir',
      dir,
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
    ];
    const c = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    starts++;
    c.stdout?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    c.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      if (c.exitCode !== null) throw new Error(`redis-server exited at start: ${log}`);
      if (await ping(url)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    c.kill('SIGKILL');
    throw new Error(`redis-server did not answer on port ${port} within 10 s: ${log}`);
  }

  async function kill(): Promise<void> {
    const c = child;
    child = null;
    if (!c) return;
    const gone = exited(c);
    c.kill('SIGKILL');
    await gone;
  }

  await launch();
  return {
    url,
    port,
    get dir() {
      return dir;
    },
    get starts() {
      return starts;
    },
    async restart(r = {}) {
      await kill();
      if (r.wipe) {
        dir = mkdtempSync(join(tmpdir(), 'bosun-redis-'));
        dirs.push(dir);
      }
      if (r.downMs) await new Promise((res) => setTimeout(res, r.downMs));
      await launch();
    },
    async close() {
      await kill();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
