// Order jobs are named from the intent's globally unique ref and live under BOSUN_QUEUE_PREFIX: a fresh
// database on a Redis that still holds an earlier run's finished `submit-1` gets its first order filled
// at once, not dropped as a duplicate and rescued by reconcile a minute later.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRuntime, type Runtime } from '../../src/cli/runtime.js';
import { listFills } from '../../src/db/repos/positions.js';
import { dec } from '../../src/domain/decimal.js';
import { createTradingServices } from '../../src/engine/trading-services.js';
import { MemoryNotifier } from '../../src/engine/notify.js';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';
import { parseConfig } from '../../src/platform/config.js';
import { loadEnv } from '../../src/platform/env.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { dropPrefix, testPrefix, TEST_REDIS_URL } from '../helpers/redis.js';

describe('order job ids across runs sharing one Redis', () => {
  const prefix = testPrefix('jobids');
  let db: TestDb;
  let sim: SimHandle;
  let rt: Runtime;

  beforeAll(async () => {
    // An earlier run on this Redis and prefix: its first order's job, finished and kept (an hour).
    const conn = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const old = new Queue('orders', { connection: conn, prefix });
    await old.add('submit-order', { intentId: 1 }, { jobId: 'submit-1', removeOnComplete: false });
    const w = new Worker('orders', async () => 'done earlier', { connection: conn, prefix });
    await vi.waitFor(async () => expect(await old.getJobState('submit-1')).toBe('completed'), {
      timeout: 5000,
    });
    await w.close();
    await old.close();
    conn.disconnect();

    db = await freshPgDb();
    sim = await startSim({ port: 0, speed: 0 });
    sim.market.setPrice('BTCUSDT', '50000');
    const env = loadEnv({
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      BYBIT_ENV: 'sim',
      BYBIT_REST_URL: sim.restUrl,
      BYBIT_WS_URL: sim.wsUrl,
      BOSUN_QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'silent',
    });
    rt = await startRuntime({
      env,
      config: parseConfig({ approvals: { mode: 'auto' } }),
      role: 'all',
      notifier: new MemoryNotifier(),
      // Submit-order job ids belong to the first wave's pipeline.
      engine: 'legacy',
    });
  }, 30_000);

  afterAll(async () => {
    await rt?.shutdown.run('test done');
    await sim?.close();
    await db?.close();
    await dropPrefix(prefix);
  });

  it("the new database's first /buy fills within seconds, on the queues of BOSUN_QUEUE_PREFIX", async () => {
    expect(rt.queues.orders.opts.prefix).toBe(prefix);
    const out = await createTradingServices(rt.deps).requestTrade({
      symbol: 'BTCUSDT',
      side: 'Buy',
      qty: dec('0.01'),
      actor: { platform: 'console', userId: 'op' },
    });
    expect(out.kind).toBe('submitted');
    await vi.waitFor(async () => expect((await listFills(rt.deps.db)).length).toBeGreaterThan(0), {
      timeout: 8000,
      interval: 100,
    });
    // The earlier run's job is untouched; the new one has a name of its own.
    const jobs = await rt.queues.orders.getJobs(['completed', 'active', 'waiting']);
    expect(jobs.map((j) => j.id)).toContain('submit-1');
    expect(jobs.filter((j) => j.id !== 'submit-1' && j.id?.startsWith('submit-')).length).toBe(1);
  }, 20_000);
});
