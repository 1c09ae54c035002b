// The live desk on the simulator through the real bybit-api SDK and Postgres: a strategy instance trades
// BTCUSDT in and out while the operator holds 0.05 BTC bought by command; closing the instance leaves the
// venue's net at exactly +0.05, all of it in the manual book with its own PnL. Two instances on one symbol
// never close each other.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { dec } from '../../src/domain/decimal.js';
import { makeIntentId } from '../../src/domain/ids.js';
import { Desk } from '../../src/engine/desk/desk.js';
import type { DeskEvent } from '../../src/engine/desk/events.js';
import { fromExecution, fromOrderReport } from '../../src/engine/desk/feed.js';
import { MemoryNotifier } from '../../src/engine/notify.js';
import { approvalRoute } from '../../src/kernel/approval-policy.js';
import type { InstanceConfig, KernelConfig } from '../../src/kernel/types.js';
import { parseConfig } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { bookPositions } from '../../src/db/repos/kernel-books.js';
import { syncStrategyInstances } from '../../src/db/repos/strategies.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { instanceOf, limits, scripted } from '../helpers/kernel.js';
import { venueNet } from '../helpers/desk.js';
import { startSimExchange, type SimExchange } from '../helpers/sim-exchange.js';

const MIN = 60_000;

/** Enter long on bars 0, 3, 6 and exit on bars 2, 5, 8: three round trips. */
const inAndOut = scripted('in-and-out', {
  0: (c) => c.enterLong(),
  2: (c) => c.exit(),
  3: (c) => c.enterLong(),
  5: (c) => c.exit(),
  6: (c) => c.enterLong(),
  8: (c) => c.exit(),
  9: (c) => c.enterLong(),
});

describe('the live desk keeps every position in its own book', () => {
  let t: SimExchange;
  let db: TestDb;
  let desk: Desk;
  let clock: number;
  const pending: Promise<unknown>[] = [];

  async function settle(): Promise<void> {
    // Stream frames arrive on their own time; let them land and be decided.
    for (let i = 0; i < 20; i += 1) {
      await new Promise((r) => setTimeout(r, 25));
      await Promise.all(pending.splice(0));
    }
  }

  /** One decision at a time, as the decision queue runs them. */
  let chain: Promise<unknown> = Promise.resolve();
  function feed(ev: DeskEvent) {
    const p = chain.then(() => desk.handle(ev));
    chain = p.catch(() => undefined);
    pending.push(p);
    return p;
  }

  async function setup(instances: InstanceConfig[]): Promise<void> {
    const insts = await Promise.all(
      [...new Set(instances.map((i) => `${i.category}:${i.symbol}`))].map((k) => {
        const [category, symbol] = k.split(':') as ['linear' | 'spot', string];
        return t.ex.instrument(category, symbol);
      }),
    );
    await syncStrategyInstances(
      db.db,
      instances.map((i) => ({
        id: i.id,
        strategy: 'sma-cross',
        symbol: i.symbol,
        category: i.category,
        interval: i.interval as '1',
        params: {},
        sizing: { mode: 'fixed-notional', notional: '1000' },
        enabled: true,
      })),
    );
    const approvals = parseConfig({ approvals: { mode: 'auto' } }).approvals;
    const cfg: KernelConfig = {
      instances,
      instruments: insts,
      limits: limits({ maxOpenPositions: 10, staleDataSeconds: 100000 }),
      approvals: (n, r) => approvalRoute(approvals, n, r),
      approvalTtlMs: 120_000,
      quoteCoin: 'USDT',
      startingCash: dec('0'),
      journal: true,
    };
    desk = new Desk({
      db: db.db,
      exchange: t.ex,
      clock: { now: () => clock },
      notifier: new MemoryNotifier(),
      log: createLogger({ level: 'silent' }),
      kernelConfig: async () => cfg,
      newRef: () => `bsn-${makeIntentId(clock, randomBytes(8))}`,
    });
    await t.ex.subscribeExecutions((f) => void feed(fromExecution(f)));
    await t.ex.subscribeOrders((o) => {
      const ev = fromOrderReport(o);
      if (ev) void feed(ev);
    });
  }

  async function bar(i: number, close: string, category: 'linear' | 'spot' = 'linear'): Promise<void> {
    t.sim.market.setPrice('BTCUSDT', close);
    const start = Date.UTC(2026, 0, 1) + i * MIN;
    clock = start + MIN;
    await feed({
      kind: 'bar',
      category,
      symbol: 'BTCUSDT',
      interval: '1',
      start,
      open: close,
      high: close,
      low: close,
      close,
      volume: '1',
    });
    await settle();
  }

  beforeEach(async () => {
    t = await startSimExchange();
    db = await freshPgDb();
    clock = Date.UTC(2026, 0, 1);
  });
  afterEach(async () => {
    await t.close();
    await db.close();
  });

  it("a strategy trading in and out, then /close <instance>, leaves the operator's 0.05 BTC exactly", async () => {
    await setup([instanceOf('btc-in-out', inAndOut)]);
    t.sim.market.setPrice('BTCUSDT', '50000');
    const bought = await feed({
      kind: 'operator',
      id: 'op-buy-1',
      command: {
        kind: 'trade',
        category: 'linear',
        symbol: 'BTCUSDT',
        side: 'Buy',
        qty: '0.05',
        by: 'telegram:7',
      },
    });
    expect(bought).toMatchObject({ duplicate: false });
    await settle();
    expect(await venueNet(t.ex)).toBe('0.05');

    const closes = ['50000', '50100', '50300', '50200', '50400', '50100', '50000', '50500', '50700', '50600'];
    for (const [i, c] of closes.entries()) await bar(i, c);
    // Bar 9 entered again: the instance holds 0.019 (1000 / 50600 to the step) beside the operator's 0.05.
    expect(await venueNet(t.ex)).toBe('0.069');

    await feed({
      kind: 'operator',
      id: 'op-close-1',
      command: { kind: 'close-book', book: 'btc-in-out', by: 'telegram:7' },
    });
    await settle();
    expect(await venueNet(t.ex)).toBe('0.05');

    const [btc] = await bookPositions(db.db, { symbol: 'BTCUSDT', includeFlat: true });
    expect(btc?.net.toFixed()).toBe('0.05');
    const manual = btc?.books.find((b) => b.book === 'manual');
    const strategy = btc?.books.find((b) => b.book === 'btc-in-out');
    expect(manual?.size.toFixed()).toBe('0.05');
    expect(manual?.avgEntry?.toFixed()).toBe(
      desk.current?.account.ledger.position('manual', 'linear', 'BTCUSDT').avgEntryPrice?.toFixed(),
    );
    expect(strategy?.size.toFixed()).toBe('0');
    // Four round trips of the strategy, each its own: the manual book realized nothing.
    expect(manual?.realizedPnl.isZero()).toBe(true);
    expect(strategy?.realizedPnl.isZero()).toBe(false);
  }, 60_000);

  it('two instances on one symbol never close each other', async () => {
    const early = scripted('early', { 0: (c) => c.enterLong(), 4: (c) => c.exit() });
    const late = scripted('late', { 1: (c) => c.enterLong(), 2: (c) => c.exit() });
    await setup([instanceOf('early', early), instanceOf('late', late)]);
    for (const [i, c] of ['50000', '50000', '50000', '50000', '50000'].entries()) {
      await bar(i, c);
      const k = desk.current;
      const size = (b: string) => k?.account.ledger.position(b, 'linear', 'BTCUSDT').size.toFixed();
      if (i === 2) {
        // "late" exited its own 0.02; "early" still holds its own.
        expect(size('early')).toBe('0.02');
        expect(size('late')).toBe('0');
        expect(await venueNet(t.ex)).toBe('0.02');
      }
    }
    expect(await venueNet(t.ex)).toBe('0');
  }, 60_000);

  it('a spot entry gets its stop at the venue, sized to what the book holds', async () => {
    const def = scripted('spot-stop', { 0: (c) => c.enterLong({ stop: { pct: 3 } }) });
    await setup([instanceOf('spot-stop', def, { category: 'spot' })]);
    await bar(0, '50000', 'spot');
    const held = desk.current?.account.ledger.position('spot-stop', 'spot', 'BTCUSDT');
    expect(held?.size.isPositive()).toBe(true);
    const stops = (await t.ex.openOrders({ category: 'spot', symbol: 'BTCUSDT' })).filter(
      (o) => o.triggerPrice,
    );
    expect(stops).toHaveLength(1);
    expect(stops[0]?.side).toBe('sell');
    expect(stops[0]?.qty.toFixed()).toBe(held?.size.toFixed());
    // 3 % under the price the entry opened at (its first fill: a market order walks the book), up to the tick.
    const fills = await t.ex.executions({ category: 'spot', symbol: 'BTCUSDT' });
    const fill = [...fills].sort((a, b) => a.ts - b.ts || (a.seq ?? 0) - (b.seq ?? 0))[0];
    const expected = fill?.price.mul('0.97').toDecimalPlaces(2, 2);
    expect(stops[0]?.triggerPrice?.toFixed()).toBe(expected?.toFixed());
  }, 60_000);

  it('/cancel of a resting limit entry cancels it at the venue and ends its intent', async () => {
    const def = scripted('rester', {
      0: (c) => c.enterLong({ type: 'limit', price: { pct: 2 }, timeoutBars: 100 }),
    });
    await setup([instanceOf('rester', def)]);
    await bar(0, '50000');
    const resting = await t.ex.openOrders({ category: 'linear', symbol: 'BTCUSDT' });
    expect(resting).toHaveLength(1);
    expect(resting[0]?.price?.toFixed()).toBe('49000');
    const ref = resting[0]?.orderLinkId ?? '';
    await feed({
      kind: 'operator',
      id: 'op-cancel-1',
      command: { kind: 'cancel-order', ref, by: 'telegram:7' },
    });
    await settle();
    expect(await t.ex.openOrders({ category: 'linear', symbol: 'BTCUSDT' })).toHaveLength(0);
    expect(desk.current?.openOrders()).toEqual([]);
    const it = [...(desk.current?.intents.values() ?? [])].find((i) => i.book === 'rester');
    expect(it?.reason).toBe('cancelled by telegram:7');
    expect(it?.status).toBe('cancelled');
  }, 60_000);
});
