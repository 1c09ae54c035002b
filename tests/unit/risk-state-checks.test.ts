// Account-state and market checks, each with a passing and a failing hand-computed case and its exact
// message: trading state, stale data, drawdown, loss cooldown, price band, and a proposal without a size.
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import type { Instrument } from '../../src/domain/instrument.js';
import { parseConfig } from '../../src/platform/config.js';
import type { ClosedTrade, PositionRow } from '../../src/portfolio/types.js';
import { buildPortfolioView } from '../../src/portfolio/view.js';
import { evaluateRisk } from '../../src/risk/evaluate.js';
import { limitsFromConfig } from '../../src/risk/limits.js';
import type {
  CheckName,
  CheckRecord,
  MarketView,
  OrderProposal,
  RiskDecision,
  TradingState,
} from '../../src/risk/types.js';

const T0 = Date.UTC(2024, 0, 5, 12, 0, 0);
const MIN = 60_000;
const BTC: Instrument = {
  symbol: 'BTCUSDT',
  category: 'linear',
  baseCoin: 'BTC',
  quoteCoin: 'USDT',
  tickSize: dec('0.1'),
  qtyStep: dec('0.001'),
  minOrderQty: dec('0.001'),
  maxOrderQty: dec('1190'),
  maxMarketOrderQty: dec('119'),
  minNotional: dec('5'),
  maxLeverage: dec('100'),
};

interface Setup {
  proposal?: Partial<OrderProposal>;
  cash?: string;
  peak?: string;
  positions?: PositionRow[];
  trades?: ClosedTrade[];
  market?: Partial<MarketView>;
  state?: TradingState;
  now?: number;
}

// Defaults (bosun.yaml): drawdown 20 %, price band 2 %, stale data 180 s, cooldown 3 losses / 60 min.
function run(s: Setup = {}): RiskDecision {
  const now = s.now ?? T0;
  return evaluateRisk({
    proposal: {
      symbol: 'BTCUSDT',
      category: 'linear',
      side: 'Buy',
      orderType: 'Market',
      qty: dec('0.01'),
      reduceOnly: false,
      source: 'manual',
      ...s.proposal,
    },
    instrument: BTC,
    portfolio: buildPortfolioView({
      balances: [{ coin: 'USDT', walletBalance: dec(s.cash ?? '20000') }],
      positions: s.positions ?? [],
      marks: new Map([['BTCUSDT', dec('60000')]]),
      closedTrades: s.trades ?? [],
      peakEquity: dec(s.peak ?? s.cash ?? '20000'),
      now,
    }),
    market: { lastPrice: dec('60000'), markPrice: dec('60000'), dataTs: T0, ...s.market },
    limits: limitsFromConfig(parseConfig({}).risk),
    tradingState: s.state ?? 'ACTIVE',
    now,
  });
}

function check(d: RiskDecision, name: CheckName): Pick<CheckRecord, 'outcome' | 'reason'> {
  const r = d.checks.find((c) => c.check === name);
  if (!r) throw new Error(`no record for ${name}`);
  return r.reason === undefined ? { outcome: r.outcome } : { outcome: r.outcome, reason: r.reason };
}
const pass = { outcome: 'pass' };
const fail = (reason: string) => ({ outcome: 'fail', reason });

const LONG: PositionRow = { symbol: 'BTCUSDT', category: 'linear', size: dec('0.2'), avgEntry: dec('60000') };
const closeLong = { side: 'Sell', reduceOnly: true, qty: undefined } as const;

describe('trading-state', () => {
  it('HALTED refuses everything but kill-switch flatten orders', () => {
    expect(check(run({ state: 'HALTED' }), 'trading-state')).toEqual(
      fail('trading is HALTED: only kill-switch flatten orders are accepted until an admin runs /resume'),
    );
    expect(
      check(
        run({ state: 'HALTED', positions: [LONG], proposal: { ...closeLong, source: 'close' } }),
        'trading-state',
      ).outcome,
    ).toBe('fail');
    const kill = run({ state: 'HALTED', positions: [LONG], proposal: { ...closeLong, source: 'kill' } });
    expect(check(kill, 'trading-state')).toEqual(pass);
    expect(kill.approved && kill.qty.toFixed()).toBe('0.2');
  });

  it('REDUCING accepts only reduce-only orders', () => {
    expect(check(run({ state: 'REDUCING' }), 'trading-state')).toEqual(
      fail('trading is REDUCING: only reduce-only orders are accepted'),
    );
    const close = run({ state: 'REDUCING', positions: [LONG], proposal: { ...closeLong, source: 'close' } });
    expect(close.approved).toBe(true);
  });
});

describe('stale-data', () => {
  it('refuses data older than the limit, names its age, and lets a kill-switch flatten through', () => {
    expect(check(run({ market: { dataTs: T0 - 180_000 } }), 'stale-data')).toEqual(pass);
    expect(check(run({ market: { dataTs: T0 - 200_000 } }), 'stale-data')).toEqual(
      fail('market data for BTCUSDT is 200 s old; the limit is 180 s'),
    );
    const kill = { ...closeLong, source: 'kill' } as const;
    expect(
      check(run({ market: { dataTs: T0 - 3_600_000 }, positions: [LONG], proposal: kill }), 'stale-data'),
    ).toEqual(pass);
  });

  it('refuses data dated ahead of the clock (a replay with file times, a wrong host clock), within 5 s it passes', () => {
    expect(check(run({ market: { dataTs: T0 + 5_000 } }), 'stale-data')).toEqual(pass);
    expect(check(run({ market: { dataTs: T0 + 90_000 } }), 'stale-data')).toEqual(
      fail(
        "market data for BTCUSDT is dated 90 s ahead of the bot's clock (data 2024-01-05T12:01:30.000Z, clock 2024-01-05T12:00:00.000Z); the clocks disagree: check the host's time sync, or a replay's times",
      ),
    );
    // Years ahead is what a 2022 candle file replayed against today's server time looked like from 2022.
    expect(check(run({ market: { dataTs: T0 + 2 * 365 * 86_400_000 } }), 'stale-data').outcome).toBe('fail');
    const kill = { ...closeLong, source: 'kill' } as const;
    expect(
      check(run({ market: { dataTs: T0 + 3_600_000 }, positions: [LONG], proposal: kill }), 'stale-data'),
    ).toEqual(pass);
  });
});

describe('max-drawdown', () => {
  it('blocks entries once equity is the limit below its peak; orders that reduce still pass', () => {
    expect(check(run({ cash: '20000', peak: '24000' }), 'max-drawdown')).toEqual(pass);
    // (25,000 − 20,000) / 25,000 = 20 %.
    expect(check(run({ cash: '20000', peak: '25000' }), 'max-drawdown')).toEqual(
      fail(
        'drawdown 20% from the equity peak 25,000 (equity 20,000) has reached the limit 20%: new entries are blocked',
      ),
    );
    const reduce = run({
      cash: '20000',
      peak: '30000',
      positions: [LONG],
      proposal: { side: 'Sell', qty: dec('0.1') },
    });
    expect(check(reduce, 'max-drawdown')).toEqual(pass);
    expect(reduce.approved).toBe(true);
  });
});

describe('loss-cooldown', () => {
  const loss = (minutesAgo: number): ClosedTrade => ({
    symbol: 'BTCUSDT',
    closedAt: T0 - minutesAgo * MIN,
    pnl: dec('-10'),
  });

  it('pauses entries for the cooldown after N losing trades in a row', () => {
    expect(check(run({ trades: [loss(90), loss(60), loss(30)] }), 'loss-cooldown')).toEqual(
      fail(
        '3 losing trades in a row: new entries are paused until 2024-01-05 12:30:00 UTC (cooldown 60 min)',
      ),
    );
    expect(
      check(run({ trades: [loss(90), loss(60), loss(30)], now: T0 + 30 * MIN }), 'loss-cooldown'),
    ).toEqual(pass);
    expect(check(run({ trades: [loss(60), loss(30)] }), 'loss-cooldown')).toEqual(pass);
    const win: ClosedTrade = { symbol: 'ETHUSDT', closedAt: T0 - 10 * MIN, pnl: dec('1') };
    expect(check(run({ trades: [loss(90), loss(60), loss(30), win] }), 'loss-cooldown')).toEqual(pass);
  });
});

describe('price-band', () => {
  it('refuses a limit price more than the band from the mark', () => {
    const limit = (p: string) => ({ orderType: 'Limit', limitPrice: dec(p) }) as const;
    expect(check(run({ proposal: limit('61200') }), 'price-band')).toEqual(pass);
    expect(check(run({ proposal: limit('61500') }), 'price-band')).toEqual(
      fail('limit price 61,500 is 2.5% from the mark 60,000; the price band is 2%'),
    );
    expect(check(run({ proposal: { ...limit('58500'), side: 'Sell' } }), 'price-band')).toEqual(
      fail('limit price 58,500 is 2.5% from the mark 60,000; the price band is 2%'),
    );
  });

  it('refuses a market order when the last price has run away from the mark', () => {
    expect(check(run({ market: { lastPrice: dec('61000') } }), 'price-band')).toEqual(pass);
    expect(check(run({ market: { lastPrice: dec('61500') } }), 'price-band')).toEqual(
      fail('last price 61,500 is 2.5% from the mark 60,000; the price band is 2%'),
    );
  });
});

describe('sizing', () => {
  it('a proposal with no size is denied with the reason, and the order checks are recorded as skipped', () => {
    const d = run({ proposal: { qty: undefined } });
    expect(check(d, 'sizing')).toEqual(fail('the order gives no quantity, notional or sizing rule'));
    expect(check(d, 'max-leverage')).toEqual({ outcome: 'skip' });
    expect(check(d, 'price-band')).toEqual(pass);
    expect(check(run({ proposal: { orderType: 'Limit' } }), 'sizing')).toEqual(
      fail('a Limit order needs a limit price'),
    );
  });

  it('a close with nothing to close says so', () => {
    expect(check(run({ proposal: { ...closeLong, source: 'close' } }), 'sizing')).toEqual(
      fail('BTCUSDT has no long position for a Sell to close'),
    );
  });
});
