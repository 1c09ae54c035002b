// Redis keeps a bounded number of a schedule's finished runs: a bot that ticks every instance every
// interval for months must not grow Redis with every tick it ever ran. Real Redis and BullMQ workers.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { KEEP_FINISHED, schedule } from '../../src/queue/enqueue.js';
import { closeQueues, openQueues, startWorkers } from '../../src/queue/workers.js';
import { dropPrefix, TEST_REDIS_URL, testPrefix } from '../helpers/redis.js';

const prefix = testPrefix('retention');
const conn = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });

afterAll(async () => {
  conn.disconnect();
  await dropPrefix(prefix);
});

describe('finished scheduled jobs', () => {
  it('are kept up to the retention count, not forever, and a bad payload is refused up front', async () => {
    const limit = KEEP_FINISHED.removeOnComplete.count;
    const queues = openQueues(conn, prefix, ['reconcile']);
    let done = 0;
    const ws = startWorkers({
      connection: conn,
      prefix,
      queues: ['reconcile'],
      handlers: { heartbeat: () => Promise.resolve(++done) },
      concurrency: { reconcile: 16 },
    });
    try {
      await expect(
        schedule(queues.reconcile, 'bad', { every: 1_000 }, 'tick', { instance: 'x' }),
      ).rejects.toThrow(/instanceId/);
      expect(await queues.reconcile.getJobSchedulers()).toEqual([]);

      await schedule(queues.reconcile, 'fast', { every: 1 }, 'heartbeat', {});
      const deadline = Date.now() + 60_000;
      while (done < limit + 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await queues.reconcile.removeJobScheduler('fast');
      expect(done).toBeGreaterThanOrEqual(limit + 200);
      const kept = (await queues.reconcile.getJobCounts('completed')).completed ?? 0;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThanOrEqual(limit);
    } finally {
      await ws.close();
      await closeQueues(queues);
    }
  }, 90_000);
});
