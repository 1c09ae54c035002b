// Perpetuals in a kernel backtest, against figures worked out by hand: funding at a funding time,
// isolated liquidation at Bybit's maintenance margin, and a bar whose stop-or-target order only the
// lower interval (--detail) can tell.
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { runKernelBacktest, type KernelBacktestInput } from '../../src/kernel/backtest.js';
import { liquidationPrice } from '../../src/kernel/margin.js';
import {
  autoApprovals,
  bars,
  BYBIT_LINEAR_COSTS,
  flat,
  instanceOf,
  instrument,
  limits,
  MIN,
  NO_COSTS,
  scripted,
  T0,
} from '../helpers/kernel.js';

const HOUR = 60 * MIN;
const BTC_1H = { category: 'linear', symbol: 'BTCUSDT', interval: '60' } as const;

function base(
  over: Partial<KernelBacktestInput> & Pick<KernelBacktestInput, 'data' | 'instances'>,
): KernelBacktestInput {
  return {
    instruments: [instrument('BTCUSDT')],
    limits: limits({ maxNotionalPerSymbol: '100000', maxGrossExposure: '100000', maxLeverage: '10' }),
    approvals: autoApprovals(),
    cash: dec('10000'),
    costs: NO_COSTS,
    ...over,
  };
}

describe('funding and liquidation on a linear perpetual', () => {
  it('pays funding at 08:00 on the position value at the mark, then is liquidated at 45,250 and settled at 45,000', () => {
    // 1 BTC long at 50,000 with 10× isolated leverage: initial margin 5,000, MMR 0.5 %.
    // Liquidation price 50,000 × (1 − 0.1 + 0.005) = 45,250; bankruptcy price 50,000 × 0.9 = 45,000.
    expect(
      liquidationPrice(instrument('BTCUSDT'), true, dec('50000'), dec('10'), dec('0.005')).toFixed(),
    ).toBe('45250');
    const rows = [
      ...flat(50000, 7), // 00:00 … 06:00
      [50000, 50500, 50000, 50500], // 07:00 → closes at 08:00 at 50,500: the funding mark
      [50500, 50600, 45200, 45300], // 08:00: the low crosses 45,250
      ...flat(45300, 1),
    ] as const;
    const strat = scripted('perp', { 0: (c) => c.enterLong() });
    const r = runKernelBacktest(
      base({
        data: [
          {
            series: BTC_1H,
            bars: bars(rows, T0, HOUR),
            funding: { times: [T0 + 8 * HOUR], rates: [dec('0.0001')] },
          },
        ],
        instances: [instanceOf('a', strat, { interval: '60', leverage: dec('10') }, dec('50000'))],
        costs: BYBIT_LINEAR_COSTS,
      }),
    );
    expect(r.fills.map((f) => [f.side, f.qty.toFixed(), f.price.toFixed(), f.fee.toFixed()])).toEqual([
      ['Buy', '1', '50000', '27.5'],
    ]);
    const funding = r.notices.filter((n) => n.kind === 'funding');
    // A long pays 1 × 50,500 × 0.0001 = 5.05.
    expect(funding).toMatchObject([{ book: 'a', amount: dec('-5.05') }]);
    const liq = r.notices.find((n) => n.kind === 'liquidated');
    expect(liq).toMatchObject({ book: 'a', qty: dec('1'), price: dec('45000') });
    // The trade's result: −5,000 price PnL − 27.5 fee; funding is booked beside it.
    expect(r.trips.map((t) => t.pnl.toFixed())).toEqual(['-5027.5']);
    expect(r.equityFinal.toFixed()).toBe('4967.45');
    expect(r.kernel.account.ledger.netSize('linear', 'BTCUSDT').isZero()).toBe(true);
  });

  it('a short receives funding when the rate is positive', () => {
    const rows = [...flat(100, 8), ...flat(100, 2)];
    const strat = scripted('short', { 0: (c) => c.enterShort() });
    const r = runKernelBacktest(
      base({
        data: [
          {
            series: BTC_1H,
            bars: bars(rows, T0, HOUR),
            funding: { times: [T0 + 8 * HOUR], rates: [dec('0.0003')] },
          },
        ],
        instances: [instanceOf('a', strat, { interval: '60' })],
      }),
    );
    // 10 BTC short × 100 × 0.0003 = 0.3 received.
    expect(r.notices.filter((n) => n.kind === 'funding')).toMatchObject([{ amount: dec('0.3') }]);
    expect(r.equityFinal.toFixed()).toBe('10000.3');
  });
});

describe('intrabar order with --detail', () => {
  // Entry at 100 with a stop 2 % under (98) and a target 5 % over (105). Hour 2 reaches both: high 106, low 97.
  const hours = [...flat(100, 2), [100, 106, 97, 100], ...flat(100, 1)] as const;
  // Inside hour 2 the price first climbs to 106 (minutes 0–29), then falls to 97.
  const minutes = Array.from({ length: 4 * 60 }, (_, m) => {
    if (m < 120 || m >= 180) return [100, 100, 100, 100] as [number, number, number, number];
    const k = m - 120;
    return (k < 30 ? [100, 106, 100, 106] : [106, 106, 97, 97]) as [number, number, number, number];
  });
  const strat = () =>
    scripted('both', { 0: (c) => c.enterLong({ stop: { pct: 2 }, takeProfit: { pct: 5 } }) });
  const run = (detail: boolean) =>
    runKernelBacktest(
      base({
        data: [
          {
            series: BTC_1H,
            bars: bars(hours, T0, HOUR),
            ...(detail ? { detail: bars(minutes, T0, MIN) } : {}),
          },
        ],
        instances: [instanceOf('a', strat(), { interval: '60' })],
      }),
    );

  it('without it the stated rule decides: the stop', () => {
    const r = run(false);
    expect(r.fills.map((f) => f.price.toFixed())).toEqual(['100', '98']);
    expect(r.trips[0]?.pnl.toFixed()).toBe('-20');
  });

  it('with 1-minute detail the target came first, and the result changes', () => {
    const r = run(true);
    expect(r.fills.map((f) => f.price.toFixed())).toEqual(['100', '105']);
    expect(r.trips[0]?.pnl.toFixed()).toBe('50');
    expect(r.intrabarRule).toMatch(/lower-interval bars/);
  });
});
