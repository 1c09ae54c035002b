// Position sizing: fixed notional, fixed fractional and ATR, rounded down through the instrument.
// Property: fixed-fractional risk never exceeds riskPct of equity, and rounding only ever goes down.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, type Decimal } from '../../src/domain/decimal.js';
import { isOnStep, type Instrument } from '../../src/domain/instrument.js';
import { parseConfig } from '../../src/platform/config.js';
import { buildPortfolioView } from '../../src/portfolio/view.js';
import { evaluateRisk } from '../../src/risk/evaluate.js';
import { limitsFromConfig } from '../../src/risk/limits.js';
import { sizeFixedNotional, sizingFromConfig } from '../../src/risk/sizing.js';
import type { OrderProposal, RiskDecision, RiskLimits, SizingSpec } from '../../src/risk/types.js';

const T0 = Date.UTC(2024, 0, 5, 12, 0, 0);

function inst(step: string, min: string, minNotional: string, maxMkt = '119'): Instrument {
  return {
    symbol: 'BTCUSDT',
    category: 'linear',
    baseCoin: 'BTC',
    quoteCoin: 'USDT',
    tickSize: dec('0.1'),
    qtyStep: dec(step),
    minOrderQty: dec(min),
    maxOrderQty: dec('1190'),
    maxMarketOrderQty: dec(maxMkt),
    minNotional: dec(minNotional),
    maxLeverage: dec('100'),
  };
}
// Bybit linear BTCUSDT filters (CONTRACT.md).
const BTC = inst('0.001', '0.001', '5');

const NO_LIMITS: RiskLimits = limitsFromConfig(
  parseConfig({
    risk: {
      maxNotionalPerSymbol: '1000000000000',
      maxGrossExposure: '1000000000000',
      maxLeverage: '1000000',
      priceBandPct: '100',
    },
  }).risk,
);

function size(
  spec: SizingSpec,
  opts: { equity: string; price?: string; atr?: string; stopPrice?: string; instrument?: Instrument },
): RiskDecision {
  const price = dec(opts.price ?? '60000');
  const proposal: OrderProposal = {
    symbol: 'BTCUSDT',
    category: 'linear',
    side: 'Buy',
    orderType: 'Market',
    reduceOnly: false,
    sizing: spec,
    source: 'strategy',
    ...(opts.stopPrice === undefined ? {} : { stopPrice: dec(opts.stopPrice) }),
  };
  return evaluateRisk({
    proposal,
    instrument: opts.instrument ?? BTC,
    portfolio: buildPortfolioView({
      balances: [{ coin: 'USDT', walletBalance: dec(opts.equity) }],
      positions: [],
      marks: new Map(),
      closedTrades: [],
      peakEquity: dec(opts.equity),
      now: T0,
    }),
    market: { lastPrice: price, dataTs: T0, ...(opts.atr === undefined ? {} : { atr: dec(opts.atr) }) },
    limits: NO_LIMITS,
    tradingState: 'ACTIVE',
    now: T0,
  });
}

function qtyOf(d: RiskDecision): string {
  if (!d.approved) throw new Error(d.reasons.map((r) => r.reason).join('; '));
  return d.qty.toFixed();
}
function reasonsOf(d: RiskDecision): string[] {
  return d.approved ? [] : d.reasons.map((r) => `${r.check}: ${r.reason}`);
}

const riskFraction = (riskPct: string, stopPct: string): SizingSpec =>
  sizingFromConfig({ mode: 'risk-fraction', riskPct, stopPct });

describe('hand-computed sizes', () => {
  it('fixed notional: 1,000 USDT at 60,000 is 0.01666… BTC, rounded down to 0.016', () => {
    const d = size(sizingFromConfig({ mode: 'fixed-notional', notional: '1000' }), { equity: '10000' });
    expect(qtyOf(d)).toBe('0.016');
    if (d.approved) expect(d.notional.toFixed()).toBe('960');
  });

  it('fixed notional caps at the market-order maximum instead of failing', () => {
    const r = sizeFixedNotional(BTC, dec('100000000'), dec('60000'), true);
    expect(r.ok && r.qty.toFixed()).toBe('119');
  });

  it('risk-fraction: 1% of 10,000 to a stop 2% below 60,000 (distance 1,200) is 0.0833… → 0.083', () => {
    expect(qtyOf(size(riskFraction('1', '2'), { equity: '10000' }))).toBe('0.083');
  });

  it("risk-fraction measures to the proposal's own stop when it has one", () => {
    expect(qtyOf(size(riskFraction('1', '2'), { equity: '10000', stopPrice: '59000' }))).toBe('0.1');
    expect(reasonsOf(size(riskFraction('1', '2'), { equity: '10000', stopPrice: '61000' }))).toEqual([
      'sizing: stop 61,000 must be below the entry 60,000 for a Buy',
    ]);
  });

  it('atr: the stop sits atrMultiple × ATR away (2 × 300 = 600), so 100 at risk is 0.1666… → 0.166', () => {
    const spec = sizingFromConfig({ mode: 'atr', riskPct: '1', atrPeriod: 14, atrMultiple: '2' });
    expect(qtyOf(size(spec, { equity: '10000', atr: '300' }))).toBe('0.166');
    expect(reasonsOf(size(spec, { equity: '10000' }))).toEqual([
      'sizing: atr sizing needs the 14-bar ATR, which is not available',
    ]);
  });

  it('a size that rounds below the minimum is a denial naming how it was sized, not an exception', () => {
    expect(reasonsOf(size(riskFraction('1', '2'), { equity: '50' }))).toEqual([
      'instrument-filters: BTCUSDT: quantity 0.0004166 is below the minimum 0.001 (step 0.001) (sized from 1% of equity 50 over a stop distance of 1,200)',
    ]);
    expect(reasonsOf(size(riskFraction('1', '2'), { equity: '0' }))).toEqual([
      'sizing: equity is 0: nothing to risk',
    ]);
  });
});

describe('property: fixed-fractional sizing', () => {
  const steps = ['1', '0.1', '0.01', '0.001', '0.00001'];
  const decimalIn = (lo: number, hi: number, dp: number): fc.Arbitrary<Decimal> =>
    fc.integer({ min: lo * 10 ** dp, max: hi * 10 ** dp }).map((n) => dec(String(n)).div(10 ** dp));

  it('never risks more than riskPct of equity, and rounds down by less than one step', () => {
    fc.assert(
      fc.property(
        decimalIn(1, 10_000_000, 2),
        decimalIn(0, 10, 2).filter((d) => d.gt(0)),
        decimalIn(0, 30, 1).filter((d) => d.gt(0)),
        fc.integer({ min: 1, max: 1_000_000 }).map((n) => dec(String(n)).div(10)),
        fc.constantFrom(...steps),
        (equity, riskPct, stopPct, price, step) => {
          const instrument = inst(step, step, '0', '1000000000');
          const d = size(
            { mode: 'risk-fraction', riskPct, stopPct },
            { equity: equity.toFixed(), price: price.toFixed(), instrument },
          );
          const budget = equity.mul(riskPct).div(100);
          const distance = price.mul(stopPct).div(100);
          const exact = budget.div(distance);
          if (!d.approved) {
            // Only a size below one step may be refused.
            expect(exact.lt(dec(step))).toBe(true);
            return;
          }
          expect(d.qty.mul(distance).lte(budget)).toBe(true);
          expect(isOnStep(d.qty, dec(step))).toBe(true);
          expect(d.qty.lte(exact)).toBe(true);
          // Rounded down by less than a step, unless capped at the instrument's maximum.
          expect(d.qty.plus(dec(step)).gt(exact) || d.qty.eq(instrument.maxMarketOrderQty)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
