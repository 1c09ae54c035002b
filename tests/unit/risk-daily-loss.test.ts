// The daily realized loss limit and the account breaches: entries stop once today's closed trades have
// lost the limit, reduce-only orders still pass, and everything resets at the next UTC midnight.
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import type { Instrument } from '../../src/domain/instrument.js';
import { parseConfig } from '../../src/platform/config.js';
import type { ClosedTrade, PortfolioView, PositionRow } from '../../src/portfolio/types.js';
import { buildPortfolioView } from '../../src/portfolio/view.js';
import { detectBreaches } from '../../src/risk/breaches.js';
import { evaluateRisk } from '../../src/risk/evaluate.js';
import { limitsFromConfig } from '../../src/risk/limits.js';
import type { OrderProposal, RiskDecision } from '../../src/risk/types.js';

const DAY0 = Date.UTC(2024, 0, 5);
const HOUR = 3_600_000;
const T0 = DAY0 + 12 * HOUR;
const NEXT_MIDNIGHT = DAY0 + 24 * HOUR;
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
const LIMITS = limitsFromConfig(parseConfig({}).risk); // dailyLossLimit 500, maxDrawdownPct 20
const LONG: PositionRow = { symbol: 'BTCUSDT', category: 'linear', size: dec('0.2'), avgEntry: dec('60000') };
const trade = (hour: number, pnl: string): ClosedTrade => ({
  symbol: 'BTCUSDT',
  closedAt: DAY0 + hour * HOUR,
  pnl: dec(pnl),
});

function view(trades: ClosedTrade[], now: number, cash = '20000', peak = cash): PortfolioView {
  return buildPortfolioView({
    balances: [{ coin: 'USDT', walletBalance: dec(cash) }],
    positions: [LONG],
    marks: new Map([['BTCUSDT', dec('60000')]]),
    closedTrades: trades,
    peakEquity: dec(peak),
    now,
  });
}

const ENTRY: Partial<OrderProposal> = { side: 'Buy', qty: dec('0.01') };
const CLOSE: Partial<OrderProposal> = { side: 'Sell', reduceOnly: true, source: 'close' };

function run(portfolio: PortfolioView, now: number, p: Partial<OrderProposal> = ENTRY): RiskDecision {
  return evaluateRisk({
    proposal: {
      symbol: 'BTCUSDT',
      category: 'linear',
      side: 'Buy',
      orderType: 'Market',
      reduceOnly: false,
      source: 'strategy',
      ...p,
    },
    instrument: BTC,
    portfolio,
    market: { lastPrice: dec('60000'), dataTs: now },
    limits: LIMITS,
    tradingState: 'ACTIVE',
    now,
  });
}
const reasons = (d: RiskDecision): string[] => (d.approved ? [] : d.reasons.map((r) => r.reason));

const BLOCKED =
  'realized loss today 520 has reached the daily limit 500: new entries are blocked until 2024-01-06 00:00:00 UTC (reduce-only orders still pass)';

describe('daily loss limit', () => {
  const today = [trade(-3, '-900'), trade(1, '-300'), trade(9, '80'), trade(10, '-300')]; // today: −520

  it('denies entries once today’s realized loss reaches the limit; yesterday’s loss does not count', () => {
    expect(reasons(run(view(today, T0), T0))).toEqual([BLOCKED]);
    expect(run(view([trade(1, '-499.99')], T0), T0).approved).toBe(true);
    expect(reasons(run(view([trade(1, '-500')], T0), T0))).toEqual([
      'realized loss today 500 has reached the daily limit 500: new entries are blocked until 2024-01-06 00:00:00 UTC (reduce-only orders still pass)',
    ]);
  });

  it('still lets reduce-only and position-shrinking orders through', () => {
    const close = run(view(today, T0), T0, CLOSE);
    expect(close.approved && close.qty.toFixed()).toBe('0.2');
    expect(run(view(today, T0), T0, { side: 'Sell', qty: dec('0.1') }).approved).toBe(true);
    // Selling through zero opens a short: that is an entry.
    expect(reasons(run(view(today, T0), T0, { side: 'Sell', qty: dec('0.3') }))).toEqual([BLOCKED]);
  });

  it('resets at the next UTC midnight, whether or not the view was rebuilt', () => {
    const lastMs = NEXT_MIDNIGHT - 1;
    expect(reasons(run(view(today, lastMs), lastMs))).toEqual([BLOCKED]);
    expect(run(view(today, NEXT_MIDNIGHT), NEXT_MIDNIGHT).approved).toBe(true);
    // A view built during the day and judged after midnight: today's figure belongs to yesterday.
    expect(run(view(today, T0), NEXT_MIDNIGHT).approved).toBe(true);
  });
});

describe('detectBreaches', () => {
  it('reports the daily loss limit as reduce-only until the next UTC day, once per day', () => {
    expect(detectBreaches(view([trade(1, '-520')], T0), LIMITS, T0)).toEqual([
      {
        kind: 'daily-loss',
        actions: ['reduce-only'],
        until: NEXT_MIDNIGHT,
        message:
          'Daily loss limit: realized loss today 520 has reached the limit 500. Trading is reduce-only until 2024-01-06 00:00:00 UTC.',
        dedupeKey: 'daily-loss:2024-01-05',
      },
    ]);
    expect(detectBreaches(view([trade(1, '-520')], T0), LIMITS, NEXT_MIDNIGHT)).toEqual([]);
    expect(detectBreaches(view([trade(1, '-499')], T0), LIMITS, T0)).toEqual([]);
  });

  it('trips the drawdown circuit breaker: halt, and flatten when configured', () => {
    // Peak 25,000, equity 19,500: 22 % down.
    const down = view([], T0, '19500', '25000');
    const message =
      'Drawdown circuit breaker: equity 19,500 is 22% below its peak 25,000 (limit 20%). Trading is HALTED until an admin runs /resume';
    expect(detectBreaches(down, LIMITS, T0)).toEqual([
      {
        kind: 'max-drawdown',
        actions: ['halt'],
        until: null,
        message: `${message}; open positions are left as they are.`,
        dedupeKey: 'max-drawdown:25000',
      },
    ]);
    const flatten = { ...LIMITS, flattenOnDrawdown: true };
    expect(detectBreaches(down, flatten, T0)).toMatchObject([
      { actions: ['halt', 'flatten'], message: `${message}; open positions are being flattened.` },
    ]);
    expect(detectBreaches(view([], T0, '20500', '25000'), LIMITS, T0)).toEqual([]);
  });
});
