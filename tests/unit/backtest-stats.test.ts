// Statistics definitions against backtesting.py's own unit tests: drawdown periods, weekly
// annualization, and the edge cases that must not produce numbers out of nothing.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../src/backtest/candles.js';
import { parseCsv } from '../../src/backtest/csv.js';
import { runBacktest } from '../../src/backtest/run-backtest.js';
import { drawdownPeriods, geometricMean } from '../../src/backtest/stats.js';
import { annualization, dataPeriodMs, periodReturns } from '../../src/backtest/stats-time.js';
import { series } from '../fixtures/backtest-scripted.js';

const GOOG = fileURLToPath(new URL('../fixtures/backtest-GOOG.csv', import.meta.url));
const DAY = 86_400_000;

/** pandas `resample('W').agg(OHLCV_AGG)`: weeks ending Sunday, labelled by that Sunday. */
function weekly(s: CandleSeries): CandleSeries {
  const rows: number[][] = [];
  let key = NaN;
  for (let i = 0; i < s.length; i++) {
    const k = Math.floor((Math.floor((s.time[i] as number) / DAY) + 3) / 7);
    const [o, h, l, c, v] = [s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i]] as number[];
    const last = rows[rows.length - 1];
    if (k !== key || !last) {
      rows.push([(k * 7 + 3) * DAY, o as number, h as number, l as number, c as number, v as number]);
      key = k;
    } else {
      last[2] = Math.max(last[2] as number, h as number);
      last[3] = Math.min(last[3] as number, l as number);
      last[4] = c as number;
      last[5] = (last[5] as number) + (v as number);
    }
  }
  const col = (j: number): Float64Array => Float64Array.from(rows.map((r) => r[j] as number));
  return {
    length: rows.length,
    time: col(0),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: col(5),
    priceDecimals: 2,
  };
}

describe('drawdown periods (test_compute_drawdown)', () => {
  it('splits [0, 1, 7, 0, 4, 0, 0] into periods ending at 3 and 5 with peaks 7 and 4', () => {
    const time = Float64Array.from([0, 1, 2, 3, 4, 5, 6]);
    const p = drawdownPeriods(time, Float64Array.from([0, 1, 7, 0, 4, 0, 0]));
    expect(p).toEqual({ durations: [3, 2], peaks: [7, 4] });
  });

  it('finds no period when equity only rises', () => {
    expect(drawdownPeriods(Float64Array.from([0, 1, 2]), Float64Array.from([0, 0, 0]))).toBeNull();
  });
});

describe('annualization', () => {
  it('weekly GOOG uses 52 periods a year and SmaCross returns −3 %/yr (test_stats_annualized)', () => {
    const w = weekly(parseCsv(readFileSync(GOOG, 'utf8'), 'GOOG'));
    expect(annualization(w.time)).toEqual({ freq: 'W', periodsPerYear: 52 });
    const r = runBacktest(w, 'sma-cross', {}, { compat: 'backtesting.py' });
    expect(Number.isNaN(r.stats.returnAnnPct)).toBe(false);
    expect(Math.round(r.stats.returnAnnPct)).toBe(-3);
  });

  it('counts 365 days a year for data with weekends (crypto), 252 without', () => {
    const crypto = series(Array.from({ length: 30 }, (_, i) => 100 + i));
    expect(annualization(crypto.time).periodsPerYear).toBe(365);
    const goog = parseCsv(readFileSync(GOOG, 'utf8'), 'GOOG');
    expect(annualization(goog.time).periodsPerYear).toBe(252);
  });

  it('resamples intraday equity to calendar days before taking returns', () => {
    const time = Float64Array.from([0, 12, 24, 36, 48].map((h) => h * 3_600_000));
    expect(dataPeriodMs(time)).toBe(12 * 3_600_000);
    // Days 0, 0, 1, 1, 2: last values 110, 121, 133.1 → +10 %, +10 %.
    const r = periodReturns(time, Float64Array.from([100, 110, 115, 121, 133.1]), 'D');
    expect(r.map((x) => Math.round(x * 1e9) / 1e9)).toEqual([0.1, 0.1]);
  });

  it('geometric mean is 0 once a return is −100 %', () => {
    expect(geometricMean([0.1, -1])).toBe(0);
    expect(geometricMean([0.21, 0])).toBeCloseTo(0.1, 12);
  });
});

describe('a run without trades', () => {
  it('reports zero trades and undefined trade ratios, with equity flat at the cash', () => {
    const s = series([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const r = runBacktest(s, 'sma-cross', { fast: 2, slow: 3 }, { cash: '1000' });
    expect(r.stats.trades).toBe(0);
    expect(r.stats.equityFinal).toBe('1000');
    expect(r.stats.returnPct).toBe(0);
    expect(Number.isNaN(r.stats.winRatePct)).toBe(true);
    expect(Number.isNaN(r.stats.sharpe)).toBe(true);
    expect(r.stats.buyHoldReturnPct).toBeCloseTo(((19 - 12) / 12) * 100, 10); // from the warm-up bar (slow − 1)
  });
});
