// Reconcile must recover an approved intent whatever happened to its submit job: lost with Redis, failed
// for good (stalled twice, or out of attempts), or still "active" under the lock of a worker that died.
// The chaos test found the last two: the re-enqueue reuses the job id, and BullMQ ignores an add whose id
// already exists, so the intent waited for the lock to expire, or forever.
import { randomBytes } from 'node:crypto';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/cli/runtime.js';
import { getIntent } from '../../src/db/repos/intents.js';
import { dec } from '../../src/domain/decimal.js';
import { MemoryNotifier } from '../../src/engine/notify.js';
import { reconcile, STUCK_AFTER_MS, type ReconcileReport } from '../../src/engine/reconcile.js';
import { createTradingServices } from '../../src/engine/trading-services.js';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';
import { parseConfig } from '../../src/platform/config.js';
import { loadEnv } from '../../src/platform/env.js';
import { createLogger, setLogger } from '../../src/platform/logger.js';
import { jobId } from '../../src/queue/enqueue.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { dropPrefix, testPrefix, TEST_REDIS_URL } from '../helpers/redis.js';

const actor = { platform: 'console' as const, userId: 'requeue' };
const config = parseConfig({ approvals: { mode: 'auto' } });

describe('reconcile re-enqueues approved intents whose submit job cannot run', () => {
  const prefix = testPrefix('requeue');
  const conn = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  let db: TestDb;
  let sim: SimHandle;
  let gateway: Runtime;
  let worker: Runtime | undefined;
  let report: ReconcileReport;
  const intent: Record<'lost' | 'failed' | 'orphaned', number> = { lost: 0, failed: 0, orphaned: 0 };

  beforeAll(async () => {
    setLogger(createLogger({ level: 'silent' }));
    [db, sim] = await Promise.all([freshPgDb(), startSim({ port: 0, speed: 0 })]);
    sim.market.setPrice('BTCUSDT', '50000');
    const env = loadEnv({
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      BYBIT_ENV: 'sim',
      BYBIT_REST_URL: sim.restUrl,
      BYBIT_WS_URL: sim.wsUrl,
    });
    const base = { env, config, prefix, notifier: new MemoryNotifier() };
    gateway = await startRuntime({ ...base, role: 'gateway', engine: 'legacy' });
    const svc = createTradingServices(gateway.deps);
    for (const k of ['lost', 'failed', 'orphaned'] as const) {
      const out = await svc.requestTrade({ symbol: 'BTCUSDT', side: 'Buy', qty: dec('0.001'), actor });
      if (out.kind !== 'submitted') throw new Error(`trade not submitted: ${out.kind}`);
      intent[k] = out.intentId;
    }
    const orders = gateway.queues.orders;
    const token = randomBytes(8).toString('hex');
    // Lost: Redis came back without it.
    await (await orders.getJob(jobId('submit', intent.lost)))?.remove();
    // Failed for good, and orphaned under the lock of a worker that was SIGKILLed: taken by hand.
    const hand = new Worker('orders', null, { connection: conn, prefix, autorun: false });
    const taken = new Map<number, Awaited<ReturnType<typeof hand.getNextJob>>>();
    for (let i = 0; i < 3 && taken.size < 2; i++) {
      const job = await hand.getNextJob(token, { block: false });
      const id = (job?.data as { intentId?: number } | undefined)?.intentId;
      if (job && id !== undefined) taken.set(id, job);
    }
    await taken
      .get(intent.failed)
      ?.moveToFailed(new UnrecoverableError('stalled more than allowable limit'), token);
    await hand.close();

    worker = await startRuntime({ ...base, role: 'worker', engine: 'legacy', queues: ['orders'] });
    // As if the intents had waited past STUCK_AFTER_MS: reconcile's view of "now" moves on, the rows do not.
    report = await reconcile({ ...gateway.deps, clock: { now: () => Date.now() + STUCK_AFTER_MS + 5_000 } });
  }, 60_000);

  afterAll(async () => {
    await worker?.shutdown.run('test done');
    await gateway?.shutdown.run('test done');
    await sim?.close();
    await db?.close();
    conn.disconnect();
    await dropPrefix(prefix);
  });

  async function statusWithin(id: number, ms: number): Promise<string | undefined> {
    const until = Date.now() + ms;
    for (;;) {
      const s = (await getIntent(gateway.deps.db, id))?.status;
      if (s === 'done' || s === 'failed' || Date.now() > until) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('finds all three intents stuck', () => {
    expect([...report.requeued].sort()).toEqual([intent.lost, intent.failed, intent.orphaned].sort());
  });

  it('recovers an intent whose job was lost with Redis', async () => {
    expect(await statusWithin(intent.lost, 8_000)).toBe('done');
  });

  it('recovers an intent whose job failed for good', async () => {
    expect(await statusWithin(intent.failed, 8_000)).toBe('done');
  });

  it("recovers an intent whose job is held by a dead worker's lock, before the lock expires", async () => {
    expect(await statusWithin(intent.orphaned, 8_000)).toBe('done');
    expect(sim.state.orders()).toHaveLength(3);
  });
});
