// Period reports over the fixed fill history: every figure against a hand computation, plus UTC day,
// ISO week (Sunday 23:59 vs Monday 00:00) and calendar month boundaries.
import { describe, expect, it } from 'vitest';
import { dec, toPlain, type Decimal } from '../../src/domain/decimal.js';
import type { PositionInstrument } from '../../src/domain/position.js';
import { buildTradesReport, type ReportFill } from '../../src/reports/index.js';
import {
  periodOf,
  periodReport,
  periodsBetween,
  type PeriodFill,
  type PeriodReport,
  type PeriodReportOptions,
} from '../../src/reports/periods.js';
import { BTC_SPOT, ETH_PERP, HISTORY, T0, at, coinsOf, reportFill } from '../fixtures/reports-history.js';

const DAY = 86_400_000;
const MIN = 60_000;

const plain = (m: ReadonlyMap<string, Decimal | null>): Record<string, string | null> =>
  Object.fromEntries([...m].map(([k, v]) => [k, v === null ? null : toPlain(v)]));

function report(fills: readonly PeriodFill[], opts: PeriodReportOptions, snaps = SNAPS): PeriodReport {
  const r = periodReport(fills, snaps, coinsOf, opts);
  if (!r.ok) throw new Error(r.error);
  return r.report;
}

function fill(
  execId: string,
  inst: PositionInstrument,
  side: 'Buy' | 'Sell',
  qty: string,
  price: string,
  fee: string,
  execTime: number,
  execType = 'Trade',
): ReportFill {
  return reportFill(execId, inst, side, qty, price, fee, 'USDT', execTime, execType);
}

// Equity on 2026-01-01 (plus one next-day snapshot that must stay out of the day's drawdown).
const SNAPS = [
  { ts: at(0), equity: dec('1000') },
  { ts: at(5), equity: dec('1100') },
  { ts: at(8), equity: dec('990') },
  { ts: at(10), equity: dec('1050') },
  { ts: at(16), equity: dec('1200') },
  { ts: at(20), equity: dec('1150') },
  { ts: at(24), equity: dec('500') },
];

const DAY1 = { from: T0, to: T0 + DAY };

describe('periodReport over the fixed history (2026-01-01)', () => {
  it('totals the day: realized PnL, fees per currency, funding', () => {
    const r = report(HISTORY, DAY1).overall;
    // Spot FIFO: s3 0.6 of lot s1 (0.999 after its 0.001 BTC fee) (120−100)×0.6 = 12; s4 0.399 of s1
    // (90−100)×0.399 = −3.99 and 0.5 of s2 (90−110)×0.5 = −10 → −1.99. Perp: long 3 @ avg 1100;
    // p3 +100, p4 closes 2 at 1000 = −200 then short 3 @ 1000; p5 covers at 900 = +300 → 200.
    expect(plain(r.realizedPnl)).toEqual({ USDT: '198.01' });
    // USDT: 0.055 + 0.072 + 0.08091 + 1.1 + 0.715 + 0.66 + 2.75 + 1.485 = 6.91791; BTC: s1's 0.001.
    expect(plain(r.fees)).toEqual({ BTC: '0.001', USDT: '6.91791' });
    // f1 paid 0.5, f2 received 0.3, f3 paid 0.2 → −0.4.
    expect(plain(r.funding)).toEqual({ USDT: '-0.4' });
  });

  it('equals the export total for the same period', () => {
    for (const p of [DAY1, { from: at(3), to: at(13) }, { from: at(13), to: at(16) }]) {
      const exp = buildTradesReport(HISTORY, coinsOf, p);
      if (!exp.ok) throw new Error(exp.error);
      expect(plain(report(HISTORY, p).overall.realizedPnl)).toEqual(plain(exp.report.totals.realizedPnl));
    }
  });

  it('counts closed round trips with win rate, profit factor and expectancy', () => {
    const t = report(HISTORY, DAY1).overall.trades;
    // Spot: −1.99 − (0.001 BTC × 100 + 0.055 + 0.072 + 0.08091) = −2.29791.
    // Perp 1 (closed by the flip p4): 100 − 200 − (1.1 + 0.715 + 0.66 + 2.75) = −105.225.
    // Perp 2 (p5): 300 − 1.485 = 298.515.
    expect([t.count, t.wins, t.losses]).toEqual([3, 1, 2]);
    expect(t.winRate).toBeCloseTo(1 / 3, 12);
    expect(plain(t.netPnl)).toEqual({ USDT: '190.99209' });
    // 298.515 / (2.29791 + 105.225)
    expect(t.profitFactor.get('USDT')?.eq(dec('298.515').div(dec('107.52291')))).toBe(true);
    // 190.99209 / 3
    expect(plain(t.expectancy)).toEqual({ USDT: '63.66403' });
  });

  it('measures max drawdown of the snapshots inside the period only', () => {
    // 1100 (h5) → 990 (h8) = 110, 10 % of the peak; the next day's 500 is outside the period.
    const dd = report(HISTORY, DAY1).maxDrawdown;
    expect(dd && [toPlain(dd.amount), dd.ratio, dd.peakTs, dd.troughTs]).toEqual(['110', 0.1, at(5), at(8)]);
    // From h10: 1200 (h16) → 1150 (h20) = 50, 50 / 1200.
    const late = report(HISTORY, { from: at(10), to: T0 + DAY }).maxDrawdown;
    expect(late && toPlain(late.amount)).toBe('50');
    expect(late?.ratio).toBeCloseTo(1 / 24, 12);
    expect(report(HISTORY, DAY1, []).maxDrawdown).toBeNull();
  });

  it('limits a sub-day range to what happened inside it', () => {
    // [12:00, 16:00): p3 +100 and p4 −200; fees 0.66 + 2.75; funding −0.5 + 0.3; trade 1 only.
    const r = report(HISTORY, { from: at(12), to: at(16) }).overall;
    expect(plain(r.realizedPnl)).toEqual({ USDT: '-100' });
    expect(plain(r.fees)).toEqual({ USDT: '3.41' });
    expect(plain(r.funding)).toEqual({ USDT: '-0.2' });
    expect([r.trades.count, r.trades.winRate]).toEqual([1, 0]);
    expect(plain(r.trades.profitFactor)).toEqual({ USDT: '0' });
  });

  it('groups by symbol', () => {
    const g = report(HISTORY, { ...DAY1, groupBy: 'symbol' }).groups;
    expect([...g.keys()]).toEqual(['BTCUSDT', 'ETHUSDT']);
    const btc = g.get('BTCUSDT');
    expect(btc && [plain(btc.realizedPnl), plain(btc.fees), plain(btc.funding), btc.trades.count]).toEqual([
      { USDT: '-1.99' },
      { BTC: '0.001', USDT: '0.20791' },
      {},
      1,
    ]);
    const eth = g.get('ETHUSDT');
    // Profit factor 298.515 / 105.225 — no spot loss in this group.
    expect(eth && [plain(eth.realizedPnl), plain(eth.fees), plain(eth.funding), eth.trades.wins]).toEqual([
      { USDT: '200' },
      { USDT: '6.71' },
      { USDT: '-0.4' },
      1,
    ]);
    expect(eth?.trades.profitFactor.get('USDT')?.eq(dec('298.515').div(dec('105.225')))).toBe(true);
  });

  it('groups by the strategy of the closing fill; funding and manual fills go to (none)', () => {
    const strategyOf = (id: string): string | null =>
      id.startsWith('s') ? 'sma-btc' : ['p1', 'p2', 'p3', 'p4'].includes(id) ? 'ema-eth' : null;
    const tagged = HISTORY.map((f) => ({ ...f, strategyInstanceId: strategyOf(f.execId) }));
    const g = report(tagged, { ...DAY1, groupBy: 'strategy' }).groups;
    expect([...g.keys()]).toEqual(['(none)', 'ema-eth', 'sma-btc']);
    const summary = (k: string) => {
      const f = g.get(k);
      return f && [plain(f.realizedPnl), plain(f.fees), plain(f.funding), plain(f.trades.netPnl)];
    };
    // ema-eth: p3 +100, p4 −200; fees p1..p4 = 5.225; its trade −105.225.
    expect(summary('ema-eth')).toEqual([{ USDT: '-100' }, { USDT: '5.225' }, {}, { USDT: '-105.225' }]);
    // p5 (manual) closes the short: +300, fee 1.485, trade 298.515; funding rows carry no strategy.
    expect(summary('(none)')).toEqual([
      { USDT: '300' },
      { USDT: '1.485' },
      { USDT: '-0.4' },
      { USDT: '298.515' },
    ]);
    expect(summary('sma-btc')).toEqual([
      { USDT: '-1.99' },
      { BTC: '0.001', USDT: '0.20791' },
      {},
      { USDT: '-2.29791' },
    ]);
  });

  it('reports an unknown symbol instead of guessing its coins', () => {
    const odd = { ...fill('x', BTC_SPOT, 'Buy', '1', '1', '0', at(1)), symbol: 'NOPE' };
    expect(periodReport([odd], [], coinsOf, DAY1).ok).toBe(false);
  });
});

describe('period boundaries (UTC)', () => {
  const SUN_2359 = Date.UTC(2026, 0, 4, 23, 59);
  const MON_0000 = Date.UTC(2026, 0, 5);

  it('puts Sunday 23:59 and Monday 00:00 in different ISO weeks', () => {
    // 2026-01-01 is a Thursday, so the week of Mon 2025-12-29 is 2026-W01.
    expect(periodOf(SUN_2359, 'week')).toEqual({
      kind: 'week',
      start: Date.UTC(2025, 11, 29),
      end: MON_0000,
      label: '2026-W01',
    });
    expect(periodOf(MON_0000, 'week')).toEqual({
      kind: 'week',
      start: MON_0000,
      end: Date.UTC(2026, 0, 12),
      label: '2026-W02',
    });
    // 2027-01-01 (a Friday) still belongs to 2026's 53rd week.
    expect(periodOf(Date.UTC(2027, 0, 1), 'week').label).toBe('2026-W53');
  });

  it('splits days and months at 00:00 UTC', () => {
    const lastMs = Date.UTC(2026, 1, 1) - 1;
    expect(periodOf(lastMs, 'day')).toEqual({
      kind: 'day',
      start: Date.UTC(2026, 0, 31),
      end: Date.UTC(2026, 1, 1),
      label: '2026-01-31',
    });
    expect(periodOf(lastMs, 'month')).toEqual({
      kind: 'month',
      start: T0,
      end: Date.UTC(2026, 1, 1),
      label: '2026-01',
    });
    expect(periodOf(lastMs + 1, 'month')).toEqual({
      kind: 'month',
      start: Date.UTC(2026, 1, 1),
      end: Date.UTC(2026, 2, 1),
      label: '2026-02',
    });
  });

  it('lists the periods overlapping a half-open range', () => {
    const labels = (from: number, to: number, k: 'day' | 'week' | 'month') =>
      periodsBetween(from, to, k).map((p) => p.label);
    expect(labels(Date.UTC(2025, 11, 15), Date.UTC(2026, 1, 2), 'month')).toEqual([
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
    expect(labels(Date.UTC(2026, 0, 31, 12), Date.UTC(2026, 1, 1), 'day')).toEqual(['2026-01-31']);
    expect(labels(Date.UTC(2026, 0, 31, 12), Date.UTC(2026, 1, 1) + 1, 'day')).toEqual([
      '2026-01-31',
      '2026-02-01',
    ]);
    expect(labels(SUN_2359, MON_0000 + 1, 'week')).toEqual(['2026-W01', '2026-W02']);
    expect(periodsBetween(MON_0000, MON_0000, 'day')).toEqual([]);
  });

  it('splits a round trip across the ISO week boundary', () => {
    const fills = [
      fill('w1', BTC_SPOT, 'Buy', '1', '100', '0.1', SUN_2359 - 59 * MIN),
      fill('w2', BTC_SPOT, 'Sell', '0.5', '110', '0.055', SUN_2359),
      fill('w3', BTC_SPOT, 'Sell', '0.5', '120', '0.06', MON_0000),
    ];
    const w1 = periodOf(SUN_2359, 'week');
    const w2 = periodOf(MON_0000, 'week');
    const a = report(fills, { from: w1.start, to: w1.end }, []).overall;
    // W01: 0.5 × (110 − 100) = 5; fees 0.1 + 0.055; still holding 0.5, so no closed trade.
    expect([plain(a.realizedPnl), plain(a.fees), a.trades.count]).toEqual([
      { USDT: '5' },
      { USDT: '0.155' },
      0,
    ]);
    const b = report(fills, { from: w2.start, to: w2.end }, []).overall;
    // W02: 0.5 × (120 − 100) = 10; fee 0.06; the trade closes here: 15 − 0.1 − 0.055 − 0.06 = 14.785.
    expect([plain(b.realizedPnl), plain(b.fees), plain(b.trades.netPnl), b.trades.winRate]).toEqual([
      { USDT: '10' },
      { USDT: '0.06' },
      { USDT: '14.785' },
      1,
    ]);
  });

  it('splits a perp trade and funding across the month boundary', () => {
    const feb = Date.UTC(2026, 1, 1);
    const fills = [
      fill('m1', ETH_PERP, 'Sell', '1', '1000', '0.5', feb - 60 * MIN),
      fill('m2', ETH_PERP, 'Buy', '0', '0', '0.1', feb - 1, 'Funding'),
      fill('m3', ETH_PERP, 'Buy', '1', '950', '0.475', feb),
    ];
    const [jan, febP] = periodsBetween(feb - 1, feb + 1, 'month');
    if (!jan || !febP) throw new Error('expected two months');
    const a = report(fills, { from: jan.start, to: jan.end }, []).overall;
    // January: the short opens (no PnL), fee 0.5, funding paid 0.1.
    expect([plain(a.realizedPnl), plain(a.fees), plain(a.funding), a.trades.count]).toEqual([
      {},
      { USDT: '0.5' },
      { USDT: '-0.1' },
      0,
    ]);
    const b = report(fills, { from: febP.start, to: febP.end }, []).overall;
    // February: cover at 950 = +50; fee 0.475; trade 50 − 0.5 − 0.475 = 49.025, no loss → no profit factor.
    expect([plain(b.realizedPnl), plain(b.fees), plain(b.funding), plain(b.trades.expectancy)]).toEqual([
      { USDT: '50' },
      { USDT: '0.475' },
      {},
      { USDT: '49.025' },
    ]);
    expect(plain(b.trades.profitFactor)).toEqual({ USDT: null });
  });
});
