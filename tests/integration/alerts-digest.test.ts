// The daily digest is raised once per date however many schedulers fire; the heartbeat speaks up when
// a running strategy is overdue, once per silent stretch.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, strategyInstances } from '../../src/db/schema/index.js';
import { checkHeartbeat, sendDigest, zonedDayStart } from '../../jobs/digest.js';
import { parseConfig } from '../../src/platform/config.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { dropPrefix, testPrefix, TEST_REDIS_URL } from '../helpers/redis.js';

describe('daily digest and heartbeat', () => {
  let db: TestDb;
  let conn: Redis;
  let queue: Queue;
  const prefix = testPrefix('digest');
  beforeAll(async () => {
    db = await freshPgDb();
    conn = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue('alerts', { connection: conn, prefix });
  });
  afterAll(async () => {
    await queue?.close();
    conn?.disconnect();
    await dropPrefix(prefix);
    await db?.close();
  });

  it('finds the local midnight of a timezone', () => {
    const t = Date.UTC(2026, 10, 24, 1, 30); // 02:30 in Berlin (UTC+1)
    expect(new Date(zonedDayStart(t, 'Europe/Berlin')).toISOString()).toBe('2026-11-23T23:00:00.000Z');
    expect(new Date(zonedDayStart(t, 'UTC')).toISOString()).toBe('2026-11-24T00:00:00.000Z');
    expect(new Date(zonedDayStart(t, 'America/New_York')).toISOString()).toBe('2026-11-23T05:00:00.000Z');
  });

  it('posts once per day even when two schedulers run', async () => {
    const config = parseConfig({ alerts: { timezone: 'Europe/Berlin', digestHour: 8 } });
    const now = Date.UTC(2026, 10, 24, 7, 0);
    const deps = { db: db.db, clock: { now: () => now }, config, alerts: queue };
    const results = await Promise.all([sendDigest(deps), sendDigest(deps)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const rows = (await db.db.select().from(alerts)).filter((a) => a.kind === 'digest');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.dedupeKey).toBe('digest:2026-11-23');
    expect(await queue.getJobCountByTypes('waiting', 'delayed')).toBe(1);
  });

  it('raises a heartbeat alert for an overdue strategy, once', async () => {
    const config = parseConfig({ alerts: { heartbeatMinutes: 10 } });
    const now = Date.UTC(2026, 10, 24, 12, 0);
    await db.db.insert(strategyInstances).values({
      id: 'btc-sma',
      strategy: 'sma-cross',
      symbol: 'BTCUSDT',
      category: 'linear',
      interval: '1',
      lastCandleTime: now - 30 * 60_000,
      updatedAt: new Date(now - 30 * 60_000),
    });
    const deps = { db: db.db, clock: { now: () => now }, config, alerts: queue };
    expect(await checkHeartbeat(deps)).toBe(true);
    expect(await checkHeartbeat(deps)).toBe(false);
    const hb = (await db.db.select().from(alerts)).filter((a) => a.kind === 'heartbeat');
    expect(hb).toHaveLength(1);
    expect(JSON.stringify(hb[0]?.payload)).toMatch(/btc-sma \(28 min\)/);
    // A strategy that ticked recently is not overdue.
    expect(await checkHeartbeat({ ...deps, clock: { now: () => now - 25 * 60_000 } })).toBe(false);
  });
});
