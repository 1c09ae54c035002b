// The kernel run as a backtest: a strategy's orders, fills, fees and protection on a simulated venue,
// with every figure checked by hand against the bars given.
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { runKernelBacktest, type KernelBacktestInput } from '../../src/kernel/backtest.js';
import type { BarContext } from '../../src/sdk/types.js';
import {
  autoApprovals,
  bars,
  BYBIT_LINEAR_COSTS,
  flat,
  instanceOf,
  instrument,
  limits,
  NO_COSTS,
  scripted,
} from '../helpers/kernel.js';

function input(
  over: Partial<KernelBacktestInput> & Pick<KernelBacktestInput, 'data' | 'instances'>,
): KernelBacktestInput {
  return {
    instruments: [instrument('BTCUSDT'), instrument('ETHUSDT')],
    limits: limits(),
    approvals: autoApprovals(),
    cash: dec('10000'),
    costs: NO_COSTS,
    ...over,
  };
}

const BTC = { category: 'linear', symbol: 'BTCUSDT', interval: '1' } as const;

describe('kernel backtest: market orders', () => {
  it('fills an entry at the next open and an exit likewise, with Bybit taker fees, exactly', () => {
    const rows = [...flat(100, 3), [101, 102, 100, 101], ...flat(110, 3), [111, 111, 111, 111]] as const;
    const strat = scripted('once', { 1: (c) => c.enterLong(), 5: (c) => c.exit() });
    const r = runKernelBacktest(
      input({
        data: [{ series: BTC, bars: bars(rows) }],
        instances: [instanceOf('a', strat)],
        costs: BYBIT_LINEAR_COSTS,
      }),
    );
    expect(r.fills.map((f) => [f.side, f.price.toFixed(), f.qty.toFixed()])).toEqual([
      // Decided at bar 1's close (100): 1000 USDT / 100 = 10; filled at bar 2's open.
      ['Buy', '100', '10'],
      ['Sell', '110', '10'],
    ]);
    // Fees: 10 × 100 × 0.00055 + 10 × 110 × 0.00055 = 0.55 + 0.605.
    expect(r.fees.toFixed()).toBe('1.155');
    expect(r.trips).toHaveLength(1);
    expect(r.trips[0]?.pnl.toFixed()).toBe('98.845');
    expect(r.equityFinal.toFixed()).toBe('10098.845');
  });

  it('turns a long into a short: the exit leg first, then the entry, both at the next open', () => {
    const rows = [...flat(100, 3), ...flat(120, 4)];
    const strat = scripted('turner', { 1: (c) => c.enterLong(), 3: (c) => c.enterShort() });
    const r = runKernelBacktest(
      input({ data: [{ series: BTC, bars: bars(rows) }], instances: [instanceOf('a', strat)] }),
    );
    expect(r.fills.map((f) => [f.side, f.price.toFixed(), f.qty.toFixed()])).toEqual([
      ['Buy', '100', '10'],
      ['Sell', '120', '10'],
      // The short is sized at the close it was decided on: 1000 / 120 = 8.333 (step 0.001).
      ['Sell', '120', '8.333'],
    ]);
    expect(r.kernel.account.ledger.position('a', 'linear', 'BTCUSDT').size.toFixed()).toBe('-8.333');
  });
});

describe('kernel backtest: books', () => {
  it('two instances on one symbol keep their own positions; an exit closes only its own book', () => {
    const rows = flat(100, 8);
    const a = scripted('a', { 1: (c) => c.enterLong(), 4: (c) => c.exit() });
    const b = scripted('b', { 2: (c) => c.enterLong() });
    const r = runKernelBacktest(
      input({
        data: [{ series: BTC, bars: bars(rows) }],
        instances: [instanceOf('a', a), instanceOf('b', b, {}, dec('500'))],
      }),
    );
    const ledger = r.kernel.account.ledger;
    expect(ledger.position('a', 'linear', 'BTCUSDT').size.toFixed()).toBe('0');
    expect(ledger.position('b', 'linear', 'BTCUSDT').size.toFixed()).toBe('5');
    // The venue's net equals the sum of the books.
    expect(ledger.netSize('linear', 'BTCUSDT').toFixed()).toBe('5');
    const sells = r.fills.filter((f) => f.side === 'Sell');
    expect(sells.map((f) => f.qty.toFixed())).toEqual(['10']);
  });

  it('a strategy sees its own book, not the symbol net', () => {
    const seen: string[] = [];
    const a = scripted('a', { 1: (c) => c.enterLong() });
    const b = scripted('b', { 4: (c) => seen.push(c.book.side, c.book.size.toFixed()) });
    runKernelBacktest(
      input({
        data: [{ series: BTC, bars: bars(flat(100, 6)) }],
        instances: [instanceOf('a', a), instanceOf('b', b)],
      }),
    );
    expect(seen).toEqual(['flat', '0']);
  });
});

describe('kernel backtest: protection', () => {
  it('places a stop at the entry less 2 %, and the venue closes the book when the low crosses it', () => {
    const rows = [...flat(100, 3), [100, 100, 97, 99], ...flat(99, 2)] as const;
    const strat = scripted('stopped', { 1: (c) => c.enterLong({ stop: { pct: 2 } }) });
    const r = runKernelBacktest(
      input({ data: [{ series: BTC, bars: bars(rows) }], instances: [instanceOf('a', strat)] }),
    );
    expect(r.fills.map((f) => [f.side, f.price.toFixed()])).toEqual([
      ['Buy', '100'],
      ['Sell', '98'],
    ]);
    expect(r.trips[0]?.pnl.toFixed()).toBe('-20');
    expect(r.kernel.openOrders()).toEqual([]);
  });

  it('a stop the open gapped through fills at the open, not at the stop', () => {
    const rows = [...flat(100, 3), [95, 96, 94, 95], ...flat(95, 1)] as const;
    const strat = scripted('gapped', { 1: (c) => c.enterLong({ stop: { price: 98 } }) });
    const r = runKernelBacktest(
      input({ data: [{ series: BTC, bars: bars(rows) }], instances: [instanceOf('a', strat)] }),
    );
    expect(r.fills.at(-1)?.price.toFixed()).toBe('95');
  });

  it('when one bar reaches both stop and take-profit, the stated rule applies: the stop fills, the target is cancelled', () => {
    const rows = [...flat(100, 3), [100, 106, 97, 100], ...flat(100, 2)] as const;
    const strat = scripted('both', { 1: (c) => c.enterLong({ stop: { pct: 2 }, takeProfit: { pct: 5 } }) });
    const r = runKernelBacktest(
      input({ data: [{ series: BTC, bars: bars(rows) }], instances: [instanceOf('a', strat)] }),
    );
    expect(r.fills.map((f) => f.price.toFixed())).toEqual(['100', '98']);
    expect(r.intrabarRule).toMatch(/then stops, then a liquidation, then take-profits/);
    expect(r.kernel.account.ledger.netSize('linear', 'BTCUSDT').isZero()).toBe(true);
  });

  it('a take-profit alone fills at its price, and the stop beside it is cancelled', () => {
    const rows = [...flat(100, 3), [100, 106, 99, 105], ...flat(105, 2)] as const;
    const strat = scripted('tp', { 1: (c) => c.enterLong({ stop: { pct: 2 }, takeProfit: { pct: 5 } }) });
    const r = runKernelBacktest(
      input({ data: [{ series: BTC, bars: bars(rows) }], instances: [instanceOf('a', strat)] }),
    );
    expect(r.fills.map((f) => f.price.toFixed())).toEqual(['100', '105']);
    expect(r.kernel.openOrders()).toEqual([]);
  });

  it('a trailing stop follows the best close and never moves back, then closes the book', () => {
    // Entry at 100; closes 105, 110, 108 (stop 1 % under 110 = 108.9 after the 110 close); then a low of 108.
    const rows = [
      ...flat(100, 3),
      [105, 105, 105, 105],
      [110, 110, 110, 110],
      [109, 109, 108.95, 109],
      [109, 109, 108, 108.5],
      ...flat(108, 1),
    ] as const;
    const strat = scripted('trail', { 1: (c) => c.enterLong({ trailing: { pct: 1 } }) });
    const r = runKernelBacktest(
      input({ data: [{ series: BTC, bars: bars(rows) }], instances: [instanceOf('a', strat)] }),
    );
    expect(r.fills.map((f) => [f.side, f.price.toFixed()])).toEqual([
      ['Buy', '100'],
      ['Sell', '108.9'],
    ]);
  });

  it('a partial exit closes the fraction asked and shrinks the stop to what is left', () => {
    const rows = flat(100, 6);
    const strat = scripted('partial', {
      1: (c) => c.enterLong({ stop: { pct: 5 } }),
      3: (c) => c.exit({ fraction: 0.3 }),
    });
    const r = runKernelBacktest(
      input({ data: [{ series: BTC, bars: bars(rows) }], instances: [instanceOf('a', strat)] }),
    );
    expect(r.fills.map((f) => [f.side, f.qty.toFixed()])).toEqual([
      ['Buy', '10'],
      ['Sell', '3'],
    ]);
    const stop = r.kernel.openOrders().find((o) => o.purpose === 'stop');
    expect(stop?.qty.toFixed()).toBe('7');
    expect(stop?.trigger?.price.toFixed()).toBe('95');
  });
});

describe('kernel backtest: limit orders', () => {
  it('a limit entry rests, times out after its bars, and the intent ends cancelled with that reason', () => {
    const rows = flat(100, 8);
    const strat = scripted('patient', {
      1: (c) => c.enterLong({ type: 'limit', price: { pct: 1 }, timeoutBars: 2 }),
    });
    const r = runKernelBacktest(
      input({ data: [{ series: BTC, bars: bars(rows) }], instances: [instanceOf('a', strat)] }),
    );
    expect(r.fills).toEqual([]);
    const ended = r.notices.find((n) => n.kind === 'intent-ended');
    expect(ended).toMatchObject({
      status: 'cancelled',
      reason: expect.stringMatching(/timed out after 120 s/),
    });
  });

  it('a limit entry fills at its price when the low reaches it, as a maker', () => {
    const rows = [...flat(100, 3), [100, 100, 98.5, 99], ...flat(99, 2)] as const;
    const strat = scripted('dip', {
      1: (c) => c.enterLong({ type: 'limit', price: { pct: 1 }, timeoutBars: 5 }),
    });
    const r = runKernelBacktest(
      input({
        data: [{ series: BTC, bars: bars(rows) }],
        instances: [instanceOf('a', strat)],
        costs: BYBIT_LINEAR_COSTS,
      }),
    );
    expect(r.fills.map((f) => [f.price.toFixed(), f.isMaker])).toEqual([['99', true]]);
    // Maker fee: qty sized at the limit price 99: 1000 / 99 → 10.101; fee = 10.101 × 99 × 0.0002.
    expect(r.fills[0]?.fee.toFixed()).toBe('0.1999998');
  });

  it('a post-only order that would take at arrival is cancelled by the venue, and the intent fails with why', () => {
    const rows = [...flat(100, 2), ...flat(98, 3)];
    const strat = scripted('maker', { 1: (c) => c.enterLong({ type: 'post-only', price: { pct: 1 } }) });
    const r = runKernelBacktest(
      input({ data: [{ series: BTC, bars: bars(rows) }], instances: [instanceOf('a', strat)] }),
    );
    expect(r.fills).toEqual([]);
    expect(r.notices.find((n) => n.kind === 'intent-ended')).toMatchObject({
      status: 'failed',
      reason: 'post-only order would have taken liquidity',
    });
  });

  it('a timed-out limit is quoted again at the same offset from the new close', () => {
    const rows = [...flat(100, 4), ...flat(110, 3), [110, 110, 108.8, 109], ...flat(109, 1)] as const;
    const strat = scripted('requote', {
      1: (c) => c.enterLong({ type: 'limit', price: { pct: 1 }, timeoutBars: 2, requotes: 2 }),
    });
    const r = runKernelBacktest(
      input({ data: [{ series: BTC, bars: bars(rows) }], instances: [instanceOf('a', strat)] }),
    );
    // First quote 99 (1 % under 100) never filled; the second, 1 % under 110, did.
    expect(r.fills.map((f) => f.price.toFixed())).toEqual(['108.9']);
  });
});

describe('kernel backtest: risk and the account', () => {
  it('maxOpenPositions 1 with two instances on two symbols: the second entry is denied and counted', () => {
    const eth = { category: 'linear', symbol: 'ETHUSDT', interval: '1' } as const;
    const a = scripted('a', { 1: (c) => c.enterLong() });
    const b = scripted('b', { 2: (c) => c.enterLong() });
    const r = runKernelBacktest(
      input({
        data: [
          { series: BTC, bars: bars(flat(100, 5)) },
          { series: eth, bars: bars(flat(50, 5)) },
        ],
        instances: [instanceOf('a', a), instanceOf('b', b, { symbol: 'ETHUSDT' })],
        limits: limits({ maxOpenPositions: 1 }),
      }),
    );
    expect(r.fills.map((f) => f.symbol)).toEqual(['BTCUSDT']);
    expect(r.stats.deniedByCheck).toEqual({ 'max-open-positions': 1 });
    const denial = r.notices.find((n) => n.kind === 'denied');
    expect(denial).toMatchObject({ book: 'b', symbol: 'ETHUSDT' });
  });

  it('the loss cool-down from bosun.yaml stops entries after the configured losses', () => {
    // Entries fill at 100 and exits at 90 (each at the next bar's open): two losing round trips.
    const rows = [...flat(100, 3), ...flat(90, 2), ...flat(100, 2), ...flat(90, 2), ...flat(100, 3)];
    const strat = scripted('loser', {
      1: (c) => c.enterLong(),
      2: (c) => c.exit(),
      5: (c) => c.enterLong(),
      6: (c) => c.exit(),
      9: (c) => c.enterLong(),
    });
    const r = runKernelBacktest(
      input({
        data: [{ series: BTC, bars: bars(rows) }],
        instances: [instanceOf('a', strat)],
        limits: limits({ lossCooldown: { losses: 2, minutes: 60 } }),
      }),
    );
    expect(r.trips.map((t) => t.pnl.isNegative())).toEqual([true, true]);
    expect(r.stats.deniedByCheck['loss-cooldown']).toBe(1);
  });

  it('leverage is set before the first linear entry', () => {
    const strat = scripted('lev', { 1: (c) => c.enterLong() });
    const r = runKernelBacktest(
      input({
        data: [{ series: BTC, bars: bars(flat(100, 4)) }],
        instances: [instanceOf('a', strat, { leverage: dec('3') })],
      }),
    );
    expect(r.fills).toHaveLength(1);
  });
});

describe('kernel backtest: informative series', () => {
  it('a 1h series beside 1m shows only closed hours, in place before the minute that closes the hour', () => {
    const rows = Array.from(
      { length: 150 },
      (_, i) => [100 + i, 100 + i + 0.5, 100 + i - 0.5, 100 + i] as [number, number, number, number],
    );
    const seen: { i: number; close: number | null; now: boolean }[] = [];
    let i = -1;
    const strat = {
      name: 'mtf',
      informative: [{ interval: '60' }],
      create: () => ({
        onBar(ctx: BarContext) {
          i += 1;
          const h = ctx.series('60');
          if (h.closedNow || i === 58 || i === 60)
            seen.push({ i, close: h.last?.close ?? null, now: h.closedNow });
        },
      }),
    };
    runKernelBacktest(
      input({ data: [{ series: BTC, bars: bars(rows) }], instances: [instanceOf('a', strat)] }),
    );
    expect(seen).toEqual([
      { i: 58, close: null, now: false },
      // Bar 59 closes the first hour: its close is minute 59's close.
      { i: 59, close: 159, now: true },
      { i: 60, close: 159, now: false },
      { i: 119, close: 219, now: true },
    ]);
  });
});

describe('kernel backtest: instances of two intervals on one symbol', () => {
  it('a 5-minute decision fills at the open after its close, never at the open of the 1-minute bar closing with it', () => {
    const rows = [...flat(100, 5), ...flat(101, 5), ...flat(102, 5)];
    const slow = scripted('slow', { 0: (c) => c.enterLong() });
    const fast = scripted('fast', {});
    const r = runKernelBacktest(
      input({
        data: [{ series: BTC, bars: bars(rows) }],
        instances: [instanceOf('fast', fast), instanceOf('slow', slow, { interval: '5' })],
      }),
    );
    // Decided at 00:05 (the first 5-minute close, price 100); the 1-minute bar 00:04 closes then too.
    expect(r.fills.map((f) => [f.price.toFixed(), new Date(f.ts).toISOString()])).toEqual([
      ['101', '2024-01-01T00:05:00.000Z'],
    ]);
  });
});
