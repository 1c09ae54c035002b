// The order flow under the simulator's randomised reply/push ordering (issue 20), seed after seed: for each
// seed, orders of every kind the engine sends (market both ways, a marketable limit, a limit that rests and
// fills on the next price) go out at once through the real runtime, BullMQ on Redis and Postgres, while the
// simulator flips a seeded coin per request: REST reply first (frames after a lag) or frames first. After
// each seed every intent has one exchange order, and fills and the position equal the exchange's.
// ORDER_SEEDS=3,17 reruns chosen seeds (default 1..20); REPLY_ORDER pins the order instead of the coin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/cli/runtime.js';
import { dec } from '../../src/domain/decimal.js';
import { MemoryNotifier } from '../../src/engine/notify.js';
import type { TradeOutcome } from '../../src/engine/services.js';
import { createTradingServices } from '../../src/engine/trading-services.js';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';
import { parseConfig } from '../../src/platform/config.js';
import { loadEnv } from '../../src/platform/env.js';
import { createLogger, setLogger } from '../../src/platform/logger.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { dropPrefix, testPrefix, TEST_REDIS_URL } from '../helpers/redis.js';
import { seeded, sleep } from './chaos-tools.js';
import { fillLines, intentOutcomes, positionSizes } from './end-state.js';

const SEEDS = process.env.ORDER_SEEDS
  ? process.env.ORDER_SEEDS.split(',').map((s) => Number(s.trim()))
  : Array.from({ length: 20 }, (_, i) => i + 1);
const SETTLE_MS = 15_000;
/** REPLY_ORDER=reply-first|push-first pins the order, to tell which one a failing seed needs. */
const REPLY_ORDER = (process.env.REPLY_ORDER ?? 'random') as 'random' | 'reply-first' | 'push-first';
const actor = { platform: 'console' as const, userId: 'order-seeds' };
const CONFIG = { approvals: { mode: 'auto' }, risk: { lossCooldown: { losses: 1000 } } };

describe('the order flow under seeded reply/push ordering', () => {
  let db: TestDb;
  let sim: SimHandle;
  let rt: Runtime;
  const prefix = testPrefix('order-seeds');

  beforeAll(async () => {
    setLogger(createLogger({ level: 'silent' }));
    [db, sim] = await Promise.all([freshPgDb(), startSim({ port: 0, speed: 0, seed: 11 })]);
    sim.market.setPrice('BTCUSDT', '50000');
    rt = await startRuntime({
      env: loadEnv({
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        BYBIT_ENV: 'sim',
        BYBIT_REST_URL: sim.restUrl,
        BYBIT_WS_URL: sim.wsUrl,
        LOG_LEVEL: 'silent',
      }),
      config: parseConfig(CONFIG),
      role: 'all',
      prefix,
      notifier: new MemoryNotifier(),
      // The first wave's submit pipeline (createTradingServices below), until this run moves to the desk.
      engine: 'legacy',
    });
  }, 60_000);

  afterAll(async () => {
    await rt?.shutdown.run('test done');
    await sim?.close();
    await db?.close();
    await dropPrefix(prefix);
  });

  /**
   * What is wrong with the end state right now (empty: the database agrees with the exchange). Judged on
   * what the venue holds and what both engines record (fills, positions), not on the legacy engine's intent
   * and order statuses, which the kernel desk replacing it keeps elsewhere.
   */
  async function problems(): Promise<string[]> {
    const out: string[] = [];
    for (const e of await intentOutcomes(rt.deps.db, sim)) {
      if (e.venueOrders > 1) out.push(`intent ${e.ref} has ${e.venueOrders} exchange orders`);
      // Every order these trades send fills (the resting one once the price walks through it).
      if (e.approved && e.venueOrdersFilled !== 1) {
        const at = sim.state
          .orders()
          .filter((o) => o.orderLinkId.startsWith(`bsn-${e.ref}-`))
          .map((o) => `${o.side} ${o.orderType} ${o.qty}@${o.price} ${o.orderStatus}`);
        out.push(
          `approved intent ${e.ref} (${e.status}) has no filled order; at the exchange: ${at.join(', ') || 'none'}`,
        );
      }
    }
    const f = await fillLines(rt.deps.db, sim);
    const missing = f.venue.filter((l) => !f.ours.includes(l));
    const extra = f.ours.filter((l) => !f.venue.includes(l));
    if (missing.length) out.push(`fills missing from the database: ${missing.join('; ')}`);
    if (extra.length) out.push(`fills the exchange does not have: ${extra.join('; ')}`);
    const p = await positionSizes(rt.deps.db, sim, 'BTCUSDT');
    if (p.ours !== p.venue || p.fromFills !== p.venue) out.push(`position ${JSON.stringify(p)}`);
    return out;
  }

  it(`every seed ends with one order per intent and the exchange's fills and position (${SEEDS.length} seeds)`, async () => {
    const svc = createTradingServices(rt.deps);
    const failures: string[] = [];
    const lines: string[] = [];
    let price = 50_000;
    for (const seed of SEEDS) {
      const t0 = Date.now();
      const rand = seeded(seed);
      const lag = 1 + Math.floor(rand() * 25);
      sim.behaviour.set({ replyOrder: REPLY_ORDER, orderSeed: seed, pushLagMs: lag });
      price += Math.round((rand() - 0.5) * 200);
      sim.market.setPrice('BTCUSDT', String(price));
      const trade = (side: 'Buy' | 'Sell', qty: string, limit?: number): Promise<TradeOutcome> =>
        svc.requestTrade({
          symbol: 'BTCUSDT',
          side,
          qty: dec(qty),
          ...(limit === undefined ? {} : { limitPrice: dec(String(limit)) }),
          actor,
        });
      const outs = await Promise.all([
        trade('Buy', '0.002'),
        trade('Sell', '0.001'),
        // Marketable: below the bid, so it takes at once like a market order with a price.
        trade('Sell', '0.001', price - 50),
        // Rests below the market until the price walks down through it (a maker fill pushed later).
        trade('Buy', '0.001', price - 20),
      ]);
      // The resting buy must be on the book before the price walks through it.
      const resting = () =>
        sim.state
          .orders()
          .some((o) => o.orderStatus === 'New' && o.side === 'Buy' && dec(o.price).eq(price - 20));
      for (let i = 0; i < 250 && !resting(); i++) await sleep(20);
      const rested = resting();
      sim.market.setPrice('BTCUSDT', String(price - 30));
      sim.market.setPrice('BTCUSDT', String(price));
      let left = await problems();
      while (left.length > 0 && Date.now() - t0 < SETTLE_MS) {
        await sleep(100);
        left = await problems();
      }
      const kinds = outs.map((o) => o.kind).join(',');
      const rest = rested ? 'limit rested' : 'limit never rested';
      lines.push(
        `seed ${seed}: lag ${lag} ms, ${kinds}, ${rest}, ${Date.now() - t0} ms${left.length ? ' FAILED' : ''}`,
      );
      if (left.length) failures.push(`seed ${seed}: ${left.join(' | ')}`);
    }
    console.log(`reply/push ordering seeds ${SEEDS.join(',')}:\n${lines.join('\n')}`);
    expect(failures).toEqual([]);
  }, 600_000);
});
