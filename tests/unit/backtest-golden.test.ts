// Golden anchors from backtesting.py 0.6.6 (../shared/reference/backtest-semantics.md §1.3, §1.5):
// the CLI in --compat mode must reproduce every published statistic of SmaCross(10, 30) on GOOG.
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/backtest/csv.js';
import { runBacktestCli } from '../../src/backtest/cli.js';
import { runBacktest } from '../../src/backtest/run-backtest.js';
import { smaCross } from '../../src/strategies/sma-cross.js';
import type { Decimal } from '../../src/domain/decimal.js';
import { head, scripted } from '../fixtures/backtest-scripted.js';

const GOOG = fileURLToPath(new URL('../fixtures/backtest-GOOG.csv', import.meta.url));
const BTCUSD = fileURLToPath(new URL('../fixtures/backtest-BTCUSD.csv', import.meta.url));

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function cliJson(
  args: string[],
): Promise<{ code: number; doc: Record<string, unknown>; stderr: string }> {
  const out = sink();
  const err = sink();
  const code = await runBacktestCli(args, { stdout: out.stream, stderr: err.stream });
  return { code, doc: JSON.parse(out.text()) as Record<string, unknown>, stderr: err.text() };
}

function close(actual: unknown, expected: number): void {
  const a = typeof actual === 'string' ? Number(actual) : (actual as number);
  expect(typeof a).toBe('number');
  expect(Math.abs(a - expected)).toBeLessThanOrEqual(1e-8 * Math.abs(expected));
}

// TestBacktest.test_compute_stats @ 0.6.6: Avg./Max. durations are whole days.
const TABLE_1_3: Record<string, number> = {
  trades: 66,
  exposurePct: 96.74115456238361,
  equityFinal: 51422.98999999996,
  equityPeak: 75787.44,
  returnPct: 414.2298999999996,
  buyHoldReturnPct: 522.0601851851852,
  returnAnnPct: 21.191099249053224,
  volatilityAnnPct: 36.49716090702389,
  cagrPct: 21.160245705962623,
  sharpe: 0.5806232244485349,
  sortino: 1.0853434352488662,
  calmar: 0.44166409202994605,
  alphaPct: 394.37391142027462,
  beta: 0.03803390709192,
  maxDrawdownPct: -47.98012705007589,
  avgDrawdownPct: -5.925851581948801,
  maxDrawdownDurationDays: 584,
  avgDrawdownDurationDays: 41,
  winRatePct: 46.96969696969697,
  bestTradePct: 53.59595229490424,
  worstTradePct: -18.39887353835481,
  avgTradePct: 2.531715975158555,
  maxTradeDurationDays: 183,
  avgTradeDurationDays: 46,
  profitFactor: 2.167945974262033,
  expectancyPct: 3.2748078066748834,
  sqn: 1.0766187356697705,
  kelly: 0.1518705127029717,
  durationDays: 3116,
};

describe('bosun backtest --compat backtesting.py on GOOG, sma-cross 10/30', () => {
  it('matches every value of test_compute_stats within 1e-8 relative', async () => {
    const { code, doc } = await cliJson([
      '--data',
      GOOG,
      '--strategy',
      'sma-cross',
      '--param',
      'fast=10',
      '--param',
      'slow=30',
      '--compat',
      'backtesting.py',
      '--json',
    ]);
    expect(code).toBe(0);
    const stats = doc.stats as Record<string, unknown>;
    for (const [key, expected] of Object.entries(TABLE_1_3)) {
      expect.soft(key in stats, key).toBe(true);
      close(stats[key], expected);
    }
    expect(doc.strategy).toBe('sma-cross');
    expect(doc.params).toEqual({ fast: 10, slow: 30 });
    expect(doc.data).toMatchObject({
      bars: 2148,
      start: '2004-08-19T00:00:00Z',
      end: '2013-03-01T00:00:00Z',
    });
    expect(typeof stats.equityFinal).toBe('string');
    expect(typeof doc.elapsedMs).toBe('number');
  });

  it('books the reference trades: first short 55 @ 180.36, last long 64 closed at the last open', async () => {
    const { doc } = await cliJson([
      '--data',
      GOOG,
      '--strategy',
      'sma-cross',
      '--compat',
      'backtesting.py',
      '--json',
    ]);
    const trades = doc.trades as Record<string, unknown>[];
    expect(trades).toHaveLength(66);
    expect(trades[0]).toMatchObject({
      size: '-55',
      entryBar: 70,
      exitBar: 86,
      entryPrice: '180.36',
      exitPrice: '186.31',
    });
    expect(trades[0]).toMatchObject({ pnl: '-327.25', commission: '0', entryTime: '2004-11-29T00:00:00Z' });
    expect(trades[1]).toMatchObject({
      size: '51',
      entryBar: 86,
      exitBar: 113,
      entryPrice: '186.31',
      exitPrice: '193.69',
    });
    expect(trades[65]).toMatchObject({
      size: '64',
      entryBar: 2088,
      exitBar: 2147,
      entryPrice: '695',
      exitPrice: '797.8',
    });
    close(trades[0]?.returnPct, -3.298957640274991);
  });
});

describe('test_spread_commission: buy on bar 1, close on bar 2, cash 10,000 on GOOG[:20]', () => {
  const short = head(parseCsv(readFileSync(GOOG, 'utf8'), 'GOOG'), 20);
  // The upstream strategy: buy when flat, close when in a position, once.
  const buyThenClose = scripted({ 1: { enter: 'long' }, 2: { exit: true } });

  it.each([
    ['spread .01, commission .01', { spread: '0.01', commission: '0.01' }, [9685.31, 9749.33]],
    ['commission (100, .01)', { commissionFixed: '100', commission: '0.01' }, [9784.5, 9718.69]],
    [
      'commission size × price × .01',
      { commissionFn: (size: Decimal, price: Decimal) => size.mul(price).mul('0.01') },
      [9781.28, 9846.04],
    ],
  ])('%s gives Equity[2:4] %j', (_name, opts, expected) => {
    const r = runBacktest(short, buyThenClose, {}, { compat: 'backtesting.py', ...opts });
    expect(Array.from(r.equity.subarray(2, 4)).map((e) => Math.round(e * 100) / 100)).toEqual(expected);
  });

  it('enters at Open[2] × (1 + spread)', () => {
    const r = runBacktest(
      short,
      buyThenClose,
      {},
      { compat: 'backtesting.py', spread: '0.01', commission: '0.01' },
    );
    expect(r.trades[0]?.entryPrice.toFixed()).toBe('111.8575'); // 110.75 × 1.01
    expect(r.trades[0]?.entryBar).toBe(2);
  });
});

describe('test_FractionalBacktest: BTCUSD from 2015, sma-cross 2/3, cash 100, unit 1e-6', () => {
  it('makes 42 trades, the first entered at 236.69 where SMA(2) is 234.14', async () => {
    const { code, doc } = await cliJson([
      '--data',
      BTCUSD,
      '--strategy',
      'sma-cross',
      '--param',
      'fast=2',
      '--param',
      'slow=3',
      '--cash',
      '100',
      '--qty-step',
      '0.000001',
      '--compat',
      'backtesting.py',
      '--from',
      '2015-01-01',
      '--json',
    ]);
    expect(code).toBe(0);
    expect((doc.stats as Record<string, unknown>).trades).toBe(42);
    const first = (doc.trades as Record<string, unknown>[])[0] as Record<string, unknown>;
    expect(first.entryPrice).toBe('236.69');
    expect(String(first.size)).toMatch(/^-?\d+\.\d{1,6}$/);

    const s = parseCsv(readFileSync(BTCUSD, 'utf8'), 'BTCUSD');
    const from = s.time.findIndex((t) => t >= Date.UTC(2015, 0, 1));
    const strat = smaCross.create({ fast: 2, slow: 3 }, { priceScale: 100 });
    const flat = { side: 'flat' } as never;
    for (let i = from; i <= from + (first.entryBar as number); i++) {
      strat.onBar({ openTime: 0, open: 0, high: 0, low: 0, close: s.close[i] as number, volume: 0 }, flat);
    }
    expect(strat.indicators()['SMA(2)']).toBeCloseTo(234.14, 10);
  });
});
