// Checks on the sized order, each with a passing and a failing hand-computed case and its exact message:
// position side, spot balance, instrument filters, per-symbol notional, gross exposure, leverage, open
// positions. Also: every failing reason is reported at once, and reducing orders pass exposure limits.
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import type { Instrument } from '../../src/domain/instrument.js';
import { parseConfig } from '../../src/platform/config.js';
import type { PositionRow } from '../../src/portfolio/types.js';
import { buildPortfolioView } from '../../src/portfolio/view.js';
import { evaluateRisk } from '../../src/risk/evaluate.js';
import { limitsFromConfig } from '../../src/risk/limits.js';
import type { CheckName, CheckRecord, OrderProposal, RiskDecision } from '../../src/risk/types.js';

const T0 = Date.UTC(2024, 0, 5, 12, 0, 0);

function instrument(
  symbol: string,
  category: Instrument['category'],
  f: [string, string, string, string],
): Instrument {
  const [tick, step, min, minNotional] = f;
  return {
    symbol,
    category,
    baseCoin: symbol.replace(/USDT$/, ''),
    quoteCoin: 'USDT',
    tickSize: dec(tick),
    qtyStep: dec(step),
    minOrderQty: dec(min),
    maxOrderQty: dec('1190'),
    maxMarketOrderQty: dec('119'),
    minNotional: dec(minNotional),
    maxLeverage: dec('100'),
  };
}
const BTC = instrument('BTCUSDT', 'linear', ['0.1', '0.001', '0.001', '5']);
const BTC_SPOT = instrument('BTCUSDT', 'spot', ['0.01', '0.000001', '0.000048', '1']);
const DOGE = instrument('DOGEUSDT', 'linear', ['0.00001', '1', '1', '5']);

const MARKS: Record<string, string> = { BTCUSDT: '60000', ETHUSDT: '3000', SOLUSDT: '150', DOGEUSDT: '0.08' };
const pos = (symbol: string, size: string, category: Instrument['category'] = 'linear'): PositionRow => ({
  symbol,
  category,
  size: dec(size),
  avgEntry: dec(MARKS[symbol] ?? '1'),
});

interface Setup {
  proposal?: Partial<OrderProposal>;
  inst?: Instrument;
  cash?: string;
  available?: string;
  positions?: PositionRow[];
  overrides?: Record<string, string>;
}

// Defaults (bosun.yaml): per-symbol 25,000, gross 50,000, leverage 3x, 5 open positions, band 2 %.
function run(s: Setup = {}): RiskDecision {
  const inst = s.inst ?? BTC;
  const mark = dec(MARKS[inst.symbol] ?? '1');
  return evaluateRisk({
    proposal: {
      symbol: inst.symbol,
      category: inst.category,
      side: 'Buy',
      orderType: 'Market',
      reduceOnly: false,
      source: 'manual',
      ...s.proposal,
    },
    instrument: inst,
    portfolio: buildPortfolioView({
      balances: [
        {
          coin: 'USDT',
          walletBalance: dec(s.cash ?? '20000'),
          ...(s.available ? { available: dec(s.available) } : {}),
        },
      ],
      positions: s.positions ?? [],
      marks: new Map(Object.entries(MARKS).map(([k, v]) => [k, dec(v)])),
      closedTrades: [],
      peakEquity: dec(s.cash ?? '20000'),
      now: T0,
    }),
    market: { lastPrice: mark, markPrice: mark, dataTs: T0 },
    limits: limitsFromConfig(parseConfig({}).risk, s.overrides ?? {}),
    tradingState: 'ACTIVE',
    now: T0,
  });
}

function check(d: RiskDecision, name: CheckName): Pick<CheckRecord, 'outcome' | 'reason'> {
  const r = d.checks.find((c) => c.check === name);
  if (!r) throw new Error(`no record for ${name}`);
  return r.reason === undefined ? { outcome: r.outcome } : { outcome: r.outcome, reason: r.reason };
}
const pass = { outcome: 'pass' };
const fail = (reason: string) => ({ outcome: 'fail', reason });
const qty = (q: string) => ({ qty: dec(q) });

describe('position-side', () => {
  it('reduce-only needs a position on the other side', () => {
    expect(
      check(
        run({
          positions: [pos('BTCUSDT', '0.2')],
          proposal: { side: 'Sell', reduceOnly: true, ...qty('0.1') },
        }),
        'position-side',
      ),
    ).toEqual(pass);
    expect(
      check(run({ proposal: { side: 'Sell', reduceOnly: true, ...qty('0.1') } }), 'position-side'),
    ).toEqual(fail('reduce-only Sell on BTCUSDT has no long position to reduce'));
    expect(
      check(
        run({ positions: [pos('BTCUSDT', '0.2')], proposal: { reduceOnly: true, ...qty('0.1') } }),
        'position-side',
      ),
    ).toEqual(fail('reduce-only Buy on BTCUSDT has no short position to reduce'));
  });

  it('a spot sell cannot exceed the holding', () => {
    const held = [pos('BTCUSDT', '0.2', 'spot')];
    expect(
      check(
        run({ inst: BTC_SPOT, positions: held, proposal: { side: 'Sell', ...qty('0.2') } }),
        'position-side',
      ),
    ).toEqual(pass);
    expect(
      check(
        run({ inst: BTC_SPOT, positions: held, proposal: { side: 'Sell', ...qty('0.5') } }),
        'position-side',
      ),
    ).toEqual(fail('spot sell of 0.5 BTC exceeds the 0.2 BTC held'));
  });
});

describe('spot-balance', () => {
  it('a spot buy must be covered by the available quote coin', () => {
    expect(check(run({ inst: BTC_SPOT, available: '6000', proposal: qty('0.1') }), 'spot-balance')).toEqual(
      pass,
    );
    expect(check(run({ inst: BTC_SPOT, available: '5000', proposal: qty('0.1') }), 'spot-balance')).toEqual(
      fail('spot buy of 6,000 USDT exceeds the available 5,000 USDT'),
    );
  });
});

describe('instrument-filters', () => {
  it('refuses quantities below the minimum or above the maximum, and rounds the rest down to the step', () => {
    const ok = run({ proposal: qty('0.0129') });
    expect(check(ok, 'instrument-filters')).toEqual(pass);
    expect(ok.approved && ok.qty.toFixed()).toBe('0.012');
    expect(check(run({ proposal: qty('0.0005') }), 'instrument-filters')).toEqual(
      fail('BTCUSDT: quantity 0.0005 is below the minimum 0.001 (step 0.001)'),
    );
    expect(check(run({ proposal: qty('200') }), 'instrument-filters')).toEqual(
      fail('BTCUSDT: quantity 200 is above the maximum 119'),
    );
  });

  it('refuses an order value below the minimum, except for a reduce-only close of a small remainder', () => {
    // 10 DOGE × 0.08 = 0.8 USDT, below Bybit's 5 USDT minimum.
    expect(check(run({ inst: DOGE, proposal: qty('10') }), 'instrument-filters')).toEqual(
      fail('DOGEUSDT: order value 0.8 is below the minimum 5 USDT'),
    );
    expect(check(run({ inst: DOGE, proposal: qty('100') }), 'instrument-filters')).toEqual(pass);
    const close = run({
      inst: DOGE,
      positions: [pos('DOGEUSDT', '10')],
      proposal: { side: 'Sell', reduceOnly: true, source: 'close' },
    });
    expect(close.approved && close.qty.toFixed()).toBe('10');
  });
});

describe('max-notional-per-symbol', () => {
  it('limits the notional of the symbol after the fill', () => {
    // Long 0.4 BTC at 60,000 = 24,000; buying 0.01 more makes 24,600, 0.05 more makes 27,000.
    const long = [pos('BTCUSDT', '0.4')];
    expect(check(run({ positions: long, proposal: qty('0.01') }), 'max-notional-per-symbol')).toEqual(pass);
    expect(check(run({ positions: long, proposal: qty('0.05') }), 'max-notional-per-symbol')).toEqual(
      fail('BTCUSDT notional 27,000 would exceed the per-symbol limit 25,000'),
    );
    // A short flip of −0.5 is 30,000 the other way.
    expect(
      check(run({ positions: long, proposal: { side: 'Sell', ...qty('0.9') } }), 'max-notional-per-symbol'),
    ).toEqual(fail('BTCUSDT notional 30,000 would exceed the per-symbol limit 25,000'));
  });
});

describe('max-gross-exposure', () => {
  it('limits the sum of all positions after the fill', () => {
    // ETH short 10 × 3,000 = 30,000 plus BTC 0.3 × 60,000 = 18,000 → 48,000; 0.4 BTC → 54,000.
    const eth = [pos('ETHUSDT', '-10')];
    expect(check(run({ positions: eth, proposal: qty('0.3') }), 'max-gross-exposure')).toEqual(pass);
    expect(check(run({ positions: eth, proposal: qty('0.4') }), 'max-gross-exposure')).toEqual(
      fail('gross exposure 54,000 would exceed the limit 50,000'),
    );
  });
});

describe('max-leverage', () => {
  const eth = [pos('ETHUSDT', '-3.3333')]; // 9,999.9 of ETH exposure

  it('limits gross exposure over equity after the fill', () => {
    // Equity 10,000: 9,999.9 + 0.3 × 60,000 = 27,999.9 → 2.8x; with 0.4 BTC, 33,999.9 → 3.4x.
    expect(check(run({ cash: '10000', positions: eth, proposal: qty('0.3') }), 'max-leverage')).toEqual(pass);
    expect(check(run({ cash: '10000', positions: eth, proposal: qty('0.4') }), 'max-leverage')).toEqual(
      fail('leverage 3.4x would exceed the limit 3x (gross exposure 33,999.9 on equity 10,000)'),
    );
  });

  it('values a limit buy above the mark at its price and takes the loss to the mark off equity', () => {
    // 0.33 at 60,600: exposure 19,998 + 9,999.9 = 29,997.9; equity 10,000 − 0.33 × 600 = 9,802 → 3.0604…x.
    const d = run({
      cash: '10000',
      positions: eth,
      proposal: { orderType: 'Limit', limitPrice: dec('60600'), ...qty('0.33') },
    });
    expect(check(d, 'max-leverage')).toEqual(
      fail('leverage 3.07x would exceed the limit 3x (gross exposure 29,997.9 on equity 9,802)'),
    );
  });

  it('allows no new exposure without positive equity', () => {
    expect(check(run({ cash: '-100', proposal: qty('0.01') }), 'max-leverage')).toEqual(
      fail('equity would be -100: no new exposure is allowed'),
    );
  });
});

describe('max-open-positions', () => {
  it('counts only orders that open a new instrument', () => {
    const open = [pos('ETHUSDT', '1'), pos('SOLUSDT', '10')];
    const overrides = { maxOpenPositions: '2' };
    expect(check(run({ positions: open, overrides, proposal: qty('0.01') }), 'max-open-positions')).toEqual(
      fail('opening BTCUSDT would make 3 open positions; the limit is 2'),
    );
    expect(
      check(
        run({ positions: [...open, pos('BTCUSDT', '0.1')], overrides, proposal: qty('0.01') }),
        'max-open-positions',
      ),
    ).toEqual(pass);
  });
});

describe('the decision', () => {
  it('reports every failing reason at once, in check order', () => {
    const d = run({
      cash: '5000',
      positions: [pos('ETHUSDT', '-10')],
      proposal: { orderType: 'Limit', limitPrice: dec('62000'), ...qty('0.5') },
    });
    expect(d.approved).toBe(false);
    if (d.approved) return;
    expect(d.reasons.map((r) => r.check)).toEqual([
      'price-band',
      'max-notional-per-symbol',
      'max-gross-exposure',
      'max-leverage',
    ]);
    expect(d.checks).toHaveLength(14);
  });

  it('approves a clean order with its rounded qty, tick-rounded price and notional, and records every input', () => {
    const d = run({ proposal: { orderType: 'Limit', limitPrice: dec('59999.97'), notional: dec('1000') } });
    expect(d.approved).toBe(true);
    if (!d.approved) return;
    // A buy limit rounds down to the tick: 59,999.9; 1,000 / 59,999.9 = 0.016666… → 0.016.
    expect([d.qty.toFixed(), d.price.toFixed(), d.notional.toFixed()]).toEqual([
      '0.016',
      '59999.9',
      '959.9984',
    ]);
    expect(d.checks.every((c) => c.outcome === 'pass')).toBe(true);
    expect(d.checks.find((c) => c.check === 'max-gross-exposure')?.inputs).toEqual({
      before: '0',
      after: '960',
      limit: '50000',
      reducing: false,
    });
  });

  it('never blocks an order that reduces a position, however far over the limits the account is', () => {
    // 1 BTC (60,000) on 10,000 equity breaks the per-symbol, gross and leverage limits.
    const over = { cash: '10000', positions: [pos('BTCUSDT', '1')] };
    const close = run({ ...over, proposal: { side: 'Sell', reduceOnly: true, source: 'close' } });
    expect(close.approved && close.qty.toFixed()).toBe('1');
    const trim = run({ ...over, proposal: { side: 'Sell', ...qty('0.3') } });
    expect(trim.approved).toBe(true);
    const add = run({ ...over, proposal: qty('0.001') });
    expect(add.approved).toBe(false);
  });

  it('caps a reduce-only order at the position', () => {
    const d = run({ positions: [pos('BTCUSDT', '-0.25')], proposal: { reduceOnly: true, ...qty('1') } });
    expect(d.approved && d.qty.toFixed()).toBe('0.25');
  });
});
