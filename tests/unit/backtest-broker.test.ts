// The simulated broker: exact money, costs, sizing grid, stops, fill timing and the end of a run,
// driven through the real Strategy interface by scripted signals.
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { runBacktest } from '../../src/backtest/run-backtest.js';
import type { PortfolioView } from '../../src/strategies/types.js';
import { scripted, series } from '../fixtures/backtest-scripted.js';

// Opens are the previous close: bar i opens at close[i − 1].
const RISING = series([10, 10.1, 10.2, 10.3, 10.4, 10.5]);

describe('money is exact', () => {
  it('charges fixed + relative commission on entry and exit and books the exact PnL', () => {
    const r = runBacktest(
      RISING,
      scripted({ 1: { enter: 'long' }, 3: { exit: true } }),
      {},
      {
        cash: '1000',
        commission: '0.001',
        commissionFixed: '1',
        qtyStep: '0.01',
      },
    );
    expect(r.trades).toHaveLength(1);
    const t = r.trades[0]!;
    // (1000 − 1) / (10.1 × 1.001) = 98.81… → 98.81 on the 0.01 grid.
    expect(t.size.toFixed()).toBe('98.81');
    expect([t.entryBar, t.exitBar, t.entryPrice.toFixed(), t.exitPrice.toFixed()]).toEqual([
      2,
      4,
      '10.1',
      '10.3',
    ]);
    // 1 + 98.81 × 10.1 × 0.001 and 1 + 98.81 × 10.3 × 0.001.
    expect(t.commission.toFixed()).toBe('4.015724');
    expect(t.pnl.toFixed()).toBe('15.746276');
    expect(r.stats.equityFinal).toBe('1015.746276');
    expect(r.stats.commissions).toBe('4.015724');
  });

  it('adds slippage against the trader on entry and exit', () => {
    const r = runBacktest(
      RISING,
      scripted({ 1: { enter: 'long' }, 3: { exit: true } }),
      {},
      {
        cash: '1000',
        slippageBps: '10',
        qtyStep: '1',
      },
    );
    const t = r.trades[0]!;
    expect(t.entryPrice.toFixed()).toBe('10.1101'); // 10.1 × 1.001
    expect(t.exitPrice.toFixed()).toBe('10.2897'); // 10.3 × 0.999
    expect(t.size.toFixed()).toBe('98');
    expect(t.pnl.toFixed()).toBe(dec('98').mul('10.2897').minus(dec('98').mul('10.1101')).toFixed());
  });

  it('sizes on the quantity grid and skips orders under the minimum notional', () => {
    const grid = runBacktest(RISING, scripted({ 1: { enter: 'long' } }), {}, { cash: '100', qtyStep: '0.5' });
    expect(grid.trades[0]!.size.toFixed()).toBe('9.5'); // 100 / 10.1 = 9.9 → 9.5
    const tiny = runBacktest(
      RISING,
      scripted({ 1: { enter: 'long' } }),
      {},
      { cash: '100', minNotional: '200' },
    );
    expect(tiny.trades).toHaveLength(0);
    expect(tiny.skippedOrders).toBe(1);
    expect(tiny.stats.equityFinal).toBe('100');
  });
});

describe('sides and stops', () => {
  const FALLING = series([20, 20, 19, 18, 17, 16]);

  it('profits from a short when the price falls', () => {
    const r = runBacktest(
      FALLING,
      scripted({ 1: { enter: 'short' }, 3: { exit: true } }),
      {},
      { cash: '100', qtyStep: '1' },
    );
    const t = r.trades[0]!;
    expect([t.size.toFixed(), t.entryPrice.toFixed(), t.exitPrice.toFixed(), t.pnl.toFixed()]).toEqual([
      '-5',
      '20',
      '18',
      '10',
    ]);
    expect(t.side).toBe('short');
  });

  it('closes a long at its stop when the bar trades through it, and at the open when it gaps below', () => {
    const touch = series([10, 10, 10, 10, 10], { low: [10, 10, 10, 9.4, 10] });
    const r = runBacktest(
      touch,
      scripted({ 1: { enter: 'long', stop: dec('9.5') } }),
      {},
      { cash: '100', qtyStep: '1' },
    );
    expect([r.trades[0]!.exitBar, r.trades[0]!.exitPrice.toFixed(), r.trades[0]!.stop?.toFixed()]).toEqual([
      3,
      '9.5',
      '9.5',
    ]);

    const gap = series([10, 10, 10, 9, 9], { open: [10, 10, 10, 9.2, 9], low: [10, 10, 10, 9, 9] });
    const g = runBacktest(
      gap,
      scripted({ 1: { enter: 'long', stop: dec('9.5') } }),
      {},
      { cash: '100', qtyStep: '1' },
    );
    expect([g.trades[0]!.exitBar, g.trades[0]!.exitPrice.toFixed()]).toEqual([3, '9.2']);
  });

  it('ignores a stop on the wrong side of the fill and says so', () => {
    const r = runBacktest(RISING, scripted({ 1: { enter: 'long', stop: dec('11') } }), {}, { cash: '100' });
    expect(r.ignoredStops).toBe(1);
    expect(r.trades[0]!.stop).toBeNull();
  });

  it('closes then reverses on one signal, both at the same open', () => {
    const r = runBacktest(
      RISING,
      scripted({ 1: { enter: 'long' }, 2: { exit: true, enter: 'short' } }),
      {},
      {
        cash: '1000',
        qtyStep: '1',
        compat: 'backtesting.py',
      },
    );
    expect(r.trades.map((t) => [t.side, t.entryBar, t.exitBar, t.exitPrice.toFixed()])).toEqual([
      ['long', 2, 3, '10.2'],
      ['short', 3, 5, '10.4'], // finalize: the last bar's open in compat mode
    ]);
  });
});

describe('fill timing and the end of the run', () => {
  it('fills at the signal bar close with fill=close', () => {
    const r = runBacktest(
      RISING,
      scripted({ 1: { enter: 'long' }, 3: { exit: true } }),
      {},
      { cash: '100', fill: 'close' },
    );
    const t = r.trades[0]!;
    expect([t.entryBar, t.entryPrice.toFixed(), t.exitBar, t.exitPrice.toFixed()]).toEqual([
      1,
      '10.1',
      3,
      '10.3',
    ]);
  });

  it('closes open trades at the last close (default) or the last open (compat)', () => {
    const plain = runBacktest(RISING, scripted({ 1: { enter: 'long' } }), {}, { cash: '100', qtyStep: '1' });
    expect([plain.trades[0]!.exitBar, plain.trades[0]!.exitPrice.toFixed()]).toEqual([5, '10.5']);
    const compat = runBacktest(
      RISING,
      scripted({ 1: { enter: 'long' } }),
      {},
      { cash: '100', compat: 'backtesting.py' },
    );
    expect([compat.trades[0]!.exitBar, compat.trades[0]!.exitPrice.toFixed()]).toEqual([5, '10.4']);
  });

  it('stops trading when equity reaches zero, closing at that close', () => {
    const spike = series([10, 10, 10, 30, 40, 50]);
    const r = runBacktest(spike, scripted({ 1: { enter: 'short' } }), {}, { cash: '100', qtyStep: '1' });
    expect(r.trades[0]!.exitBar).toBe(3);
    expect(r.trades[0]!.pnl.toFixed()).toBe('-200');
    expect(Array.from(r.equity.subarray(3))).toEqual([0, 0, 0]);
    expect(r.stats.equityFinal).toBe('0');
  });
});

describe('the portfolio view', () => {
  it('shows side, size, average entry and equity as Decimals', () => {
    const seen: Record<string, string>[] = [];
    const look = (v: PortfolioView) => {
      seen.push({
        side: v.side,
        size: v.size.toFixed(),
        avg: v.avgEntry?.toFixed() ?? '-',
        equity: v.equity.toFixed(),
      });
      return null;
    };
    runBacktest(
      RISING,
      scripted({ 1: { enter: 'long' }, 2: look, 3: look }),
      {},
      { cash: '101', qtyStep: '1' },
    );
    expect(seen).toEqual([
      { side: 'long', size: '10', avg: '10.1', equity: '102' }, // 101 − 101 + 10 × 10.2
      { side: 'long', size: '10', avg: '10.1', equity: '103' },
    ]);
  });
});
