// /healthz, /readyz and /metrics on a real port; readiness follows a real redis-server we stop and restart
// (our own instance on a free port, never the shared one on 6379).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../src/db/client.js';
import {
  dbReady,
  exchangeReady,
  redisReady,
  startOpsServer,
  type OpsServer,
} from '../../src/platform/http.js';
import { metrics } from '../../src/platform/metrics.js';
import { probeRedis } from '../../src/queue/connection.js';
import { TEST_PG_URL } from '../helpers/db.js';

let redisPort = 0;
let redis: ChildProcess | undefined;
let ops: OpsServer;
let db: DbHandle;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<void> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
    ],
    { stdio: 'ignore' },
  );
  redis = child;
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    if ((await probeRedis(`redis://127.0.0.1:${redisPort}`, 500)).ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('redis-server did not start within 10 s');
}

async function stopRedis(): Promise<void> {
  const child = redis;
  redis = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function get(path: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(`${ops.url}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

beforeAll(async () => {
  redisPort = await freePort();
  await startRedis();
  // Readiness only needs `select 1`: the shared test database, no schema of our own.
  db = await openDb({ url: TEST_PG_URL, max: 1 });
  ops = await startOpsServer({
    port: 0,
    host: '127.0.0.1',
    checkTimeoutMs: 1500,
    checks: {
      database: dbReady(db.db),
      redis: redisReady(`redis://127.0.0.1:${redisPort}`, 1000),
      exchange: exchangeReady({ serverTime: async () => Date.now() }),
    },
  });
});

afterAll(async () => {
  await ops?.close();
  await stopRedis();
  await db?.close();
});

describe('ops HTTP server', () => {
  it('answers /healthz with 200', async () => {
    const r = await get('/healthz');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true });
  });

  it('/readyz is 200 with Redis up, 503 naming redis when it stops, and 200 again when it returns', async () => {
    const up = await get('/readyz');
    expect(up.status).toBe(200);
    expect(JSON.parse(up.body)).toEqual({ ok: true, failed: {}, passed: ['database', 'exchange', 'redis'] });

    await stopRedis();
    const down = await get('/readyz');
    expect(down.status).toBe(503);
    expect(down.type).toContain('application/json');
    expect(JSON.parse(down.body)).toEqual({
      ok: false,
      failed: { redis: 'connection refused' },
      passed: ['database', 'exchange'],
    });
    // /healthz does not depend on anything.
    expect((await get('/healthz')).status).toBe(200);

    await startRedis();
    const back = await get('/readyz');
    expect(back.status).toBe(200);
    expect(JSON.parse(back.body).ok).toBe(true);
  });

  it('serves Prometheus text with process and bosun_ metrics', async () => {
    metrics.orderSubmitted('linear', 'Buy');
    const r = await get('/metrics');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(r.body).toContain('process_resident_memory_bytes');
    expect(r.body).toMatch(/bosun_orders_submitted_total\{category="linear",side="buy"\} [1-9]/);
  });

  it('answers unknown paths with 404 and other methods with 405', async () => {
    expect((await get('/nope')).status).toBe(404);
    const res = await fetch(`${ops.url}/healthz`, { method: 'POST' });
    await res.text();
    expect(res.status).toBe(405);
  });
});

describe('readiness edge cases', () => {
  it('bounds a hanging check by its timeout and keeps credentials out of reasons', async () => {
    const s = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      checkTimeoutMs: 100,
      checks: {
        exchange: () => new Promise(() => {}),
        database: async () => {
          throw new Error(
            'connect to postgres://bosun:Hunter2Pass@db.internal:5432/bosun failed: password rejected',
          );
        },
      },
    });
    try {
      const started = Date.now();
      const res = await fetch(`${s.url}/readyz`);
      const body = (await res.json()) as { failed: Record<string, string> };
      expect(Date.now() - started).toBeLessThan(1000);
      expect(res.status).toBe(503);
      expect(body.failed.exchange).toBe('no answer within 100 ms');
      expect(body.failed.database).toBe(
        'connect to postgres://db.internal:5432/bosun failed: password rejected',
      );
      s.markShuttingDown();
      const draining = await fetch(`${s.url}/readyz`);
      expect(draining.status).toBe(503);
      expect(await draining.json()).toMatchObject({ failed: { process: 'shutting down' } });
    } finally {
      await s.close();
    }
  });
});
