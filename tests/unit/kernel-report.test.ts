// The kernel backtest's report: 365-day figures from daily equity, money rounded to cents, denials named.
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { runKernelBacktest } from '../../src/kernel/backtest.js';
import { dailyEquity, deniedLine, kernelReport, periodKey } from '../../src/kernel/report.js';
import {
  autoApprovals,
  bars,
  BYBIT_LINEAR_COSTS,
  flat,
  instanceOf,
  instrument,
  limits,
  scripted,
} from '../helpers/kernel.js';

describe('kernel report', () => {
  it('states the round trip in cents, by book and by day, and names no denial when there was none', () => {
    const rows = [...flat(100, 3), ...flat(110, 4)];
    const strat = scripted('once', { 1: (c) => c.enterLong(), 4: (c) => c.exit() });
    const r = runKernelBacktest({
      data: [{ series: { category: 'linear', symbol: 'BTCUSDT', interval: '1' }, bars: bars(rows) }],
      instances: [instanceOf('a', strat)],
      instruments: [instrument('BTCUSDT')],
      limits: limits(),
      approvals: autoApprovals(),
      cash: dec('10000'),
      costs: BYBIT_LINEAR_COSTS,
    });
    const rep = kernelReport(r, { breakdown: 'day' });
    // 10 BTC bought at 100, sold at 110: +100, fees 0.55 + 0.605 = 1.155; 98.845 shows as 98.84 (half-even, bosun's rounding).
    expect(rep.equityFinal).toBe('10098.84');
    expect(rep.fees).toBe('1.16');
    expect(rep.byBook).toEqual({ a: { trades: 1, wins: 1, net: '98.84' } });
    expect(rep.byPeriod).toEqual({ '2024-01-01': { trades: 1, wins: 1, net: '98.84' } });
    expect(rep.winRatePct).toBe(100);
    expect(deniedLine(rep)).toBe('no orders denied by risk');
  });

  it('keeps the last equity of each UTC day and keys weeks by their Monday', () => {
    const day = 86_400_000;
    const t0 = Date.UTC(2024, 0, 1);
    expect(dailyEquity(Float64Array.from([t0, t0 + 1, t0 + day]), Float64Array.from([1, 2, 3]))).toEqual([
      2, 3,
    ]);
    expect(periodKey(Date.UTC(2024, 0, 3), 'week')).toBe('week of 2024-01-01');
    expect(deniedLine({ denied: 3, deniedByCheck: { 'daily-loss': 1, 'max-open-positions': 2 } })).toBe(
      '3 orders denied: 2 max-open-positions, 1 daily-loss',
    );
  });
});
