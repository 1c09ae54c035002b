// A strategy trading replayed market data through the whole running bot: the simulator's kline stream,
// BullMQ tick and order jobs on real Redis, real Postgres, the real Bybit adapter. Every fill at the
// exchange must equal the database's to the last decimal, and so must the realized PnL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';
import { startRuntime, type Runtime } from '../../src/cli/runtime.js';
import { loadEnv } from '../../src/platform/env.js';
import { parseConfig } from '../../src/platform/config.js';
import { MemoryNotifier } from '../../src/engine/notify.js';
import { reconcile } from '../../src/engine/reconcile.js';
import { listFills, listPositions } from '../../src/db/repos/positions.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { dropPrefix, testPrefix, TEST_REDIS_URL } from '../helpers/redis.js';
import { Decimal } from '../../src/domain/decimal.js';
import { intents } from '../../src/db/schema/index.js';
import { getStrategyInstance } from '../../src/db/repos/strategies.js';

const BARS = 160;

describe('a strategy on replayed data, end to end', () => {
  let sim: SimHandle;
  let db: TestDb;
  let rt: Runtime;
  const prefix = testPrefix('replay');
  const notifier = new MemoryNotifier();

  beforeAll(async () => {
    db = await freshPgDb();
    sim = await startSim({
      port: 0,
      speed: 0,
      data: 'tests/fixtures/engine-btc-1m.csv',
      dataSymbol: 'BTCUSDT',
      historyBars: 40,
    });
    const env = loadEnv({
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      BYBIT_ENV: 'sim',
      BYBIT_REST_URL: sim.restUrl,
      BYBIT_WS_URL: sim.wsUrl,
      LOG_LEVEL: 'silent',
    });
    const config = parseConfig({
      strategies: [
        {
          id: 'btc-sma',
          strategy: 'sma-cross',
          symbol: 'BTCUSDT',
          category: 'linear',
          interval: '1',
          params: { fast: 3, slow: 8 },
          sizing: { mode: 'fixed-notional', notional: '1000' },
        },
      ],
      approvals: { mode: 'auto' },
    });
    rt = await startRuntime({
      env,
      config,
      role: 'all',
      prefix,
      notifier,
      // The first wave's tick pipeline; the desk's replay is tests/integration/desk-*.test.ts.
      engine: 'legacy',
      clock: { now: () => sim.market.time() },
    });
  });

  afterAll(async () => {
    await rt?.shutdown.run('test done');
    await sim?.close();
    await db?.close();
    await dropPrefix(prefix);
  });

  it('trades, and the database agrees with the exchange to the last decimal', async () => {
    // One bar at a time, each once the previous bar's tick is done: on a real exchange a bar lasts a
    // minute, far longer than its tick, so every close is seen (a loaded test machine must not skip bars).
    for (let i = 0; i < BARS; i++) {
      sim.market.advance(60_000);
      const closed = Math.floor(sim.market.time() / 60_000) * 60_000 - 60_000;
      const until = Date.now() + 5_000;
      while (Date.now() < until) {
        const inst = await getStrategyInstance(rt.deps.db, 'btc-sma');
        if ((inst?.lastCandleTime ?? 0) >= closed) break;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    // Let the last jobs drain.
    const deadline = Date.now() + 20_000;
    for (;;) {
      // Ticks always have the scheduler's next (delayed) job; orders are delayed only when retrying.
      const ticks = await rt.queues.ticks.getJobCounts('waiting', 'active');
      const orders = await rt.queues.orders.getJobCounts('waiting', 'active', 'delayed');
      const busy = [...Object.values(ticks), ...Object.values(orders)].reduce((a, b) => a + b, 0);
      if (busy === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // One reconciliation pass, awaited (the scheduler runs the same every minute): it books funding and
    // anything the stream delivered late, so the comparison below does not depend on timing.
    await reconcile(rt.deps);

    const venue = sim.state.executions().filter((e) => e.execType === 'Trade');
    const ours = (await listFills(rt.deps.db)).filter((f) => f.execType === 'Trade');
    // On failure, say what the strategy's intents became (denied? never written?), not just "0 ≥ 4".
    const story = await rt.deps.db.select().from(intents);
    expect(
      venue.length,
      JSON.stringify(story.map((i) => [i.leg, i.side, i.status, i.reason])),
    ).toBeGreaterThanOrEqual(4);
    expect(ours.map((f) => f.execId).sort()).toEqual(venue.map((e) => e.execId).sort());
    for (const f of ours) {
      const v = venue.find((e) => e.execId === f.execId);
      expect([f.price.toFixed(), f.qty.toFixed(), f.fee.toFixed()]).toEqual([
        v?.execPrice,
        v?.execQty,
        v?.execFee,
      ]);
    }
    // Each intent has at most one exchange order.
    const links = sim.state.orders().map((o) => o.orderLinkId);
    expect(new Set(links).size).toBe(links.length);

    const [pos] = await listPositions(rt.deps.db);
    const [venuePos] = sim.state.positions().filter((p) => p.symbol === 'BTCUSDT');
    const venueSize = venuePos
      ? new Decimal(venuePos.size).mul(venuePos.side === 'Sell' ? -1 : 1)
      : new Decimal(0);
    expect(pos?.size.toFixed()).toBe(venueSize.toFixed());
    // The exchange's cash moved by exactly our net realized PnL: price PnL − fees + funding.
    const usdt = sim.state.wallet().coin.find((c) => c.coin === 'USDT');
    expect(pos?.realizedPnl.minus(pos.fees).plus(pos.funding).toFixed()).toBe(
      new Decimal(usdt?.walletBalance ?? 'NaN').minus(100000).toFixed(),
    );
    // The strategy never stacks entries: it holds at most one entry's worth (0.021 BTC at ~46k for 1,000 USDT).
    expect(pos?.size.abs().lte('0.03')).toBe(true);
  }, 60_000);
});
