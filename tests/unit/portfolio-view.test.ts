// The portfolio view risk receives: equity, exposure, leverage, drawdown, today's PnL and loss streaks,
// all hand-computed with Decimal strings.
import { describe, expect, it } from 'vitest';
import { dec, type Decimal } from '../../src/domain/decimal.js';
import type { Fill } from '../../src/domain/fill.js';
import type { Side } from '../../src/domain/side.js';
import { foldPosition } from '../../src/domain/position.js';
import {
  buildPortfolioView,
  closedTradesFromFills,
  equityFrom,
  exposure,
  lossStreak,
  positionOf,
  realizedOnDay,
  valuePositions,
  type ClosedTrade,
  type PositionRow,
} from '../../src/portfolio/index.js';

const T0 = Date.UTC(2024, 0, 5, 12, 0, 0);
const HOUR = 3_600_000;

const row = (
  symbol: string,
  category: 'linear' | 'spot',
  size: string,
  avg: string,
  mark?: string,
): PositionRow => ({
  symbol,
  category,
  size: dec(size),
  avgEntry: dec(avg),
  ...(mark === undefined ? {} : { markPrice: dec(mark) }),
});
const s = (d: Decimal | null | undefined): string | null | undefined => (d ? d.toFixed() : d);
const marks = (m: Record<string, string>): Map<string, Decimal> =>
  new Map(Object.entries(m).map(([k, v]) => [k, dec(v)]));

describe('buildPortfolioView: a hand-computed account', () => {
  // USDT cash 9,800; BTC perp long 0.5 @ 60,000 marked 62,000 (uPnL +1,000, notional 31,000);
  // ETH perp short 4 @ 3,000 marked 3,100 (uPnL −400, notional 12,400); SOL spot 10 @ 150 marked 160
  // (holding worth 1,600). Equity = 9,800 + 1,000 − 400 + 1,600 = 12,000; gross = 45,000.
  const view = buildPortfolioView({
    balances: [
      { coin: 'USDT', walletBalance: dec('9800'), available: dec('8000') },
      { coin: 'SOL', walletBalance: dec('10') },
    ],
    positions: [
      row('BTCUSDT', 'linear', '0.5', '60000'),
      row('ETHUSDT', 'linear', '-4', '3000', '2900'),
      row('SOLUSDT', 'spot', '10', '150'),
      row('XRPUSDT', 'linear', '0', '0.5'),
    ],
    marks: marks({ BTCUSDT: '62000', ETHUSDT: '3100', SOLUSDT: '160' }),
    closedTrades: [],
    peakEquity: dec('15000'),
    now: T0,
  });

  it('values equity as cash + spot holdings at mark + derivatives unrealized PnL', () => {
    expect(s(view.equity)).toBe('12000');
    expect(s(view.unrealizedPnl)).toBe('700');
    expect(s(view.availableBalance)).toBe('8000');
  });

  it('sums gross exposure, nets per symbol, and divides by equity for leverage', () => {
    expect(s(view.grossExposure)).toBe('45000');
    expect(s(view.leverage)).toBe('3.75');
    expect(view.openPositionCount).toBe(3);
    expect(s(view.netExposure.get('BTCUSDT'))).toBe('31000');
    expect(s(view.netExposure.get('ETHUSDT'))).toBe('-12400');
    expect(s(view.symbolNotional.get('ETHUSDT'))).toBe('12400');
    expect(view.symbolNotional.has('XRPUSDT')).toBe(false);
  });

  it('measures drawdown from the stored peak and prefers the marks map over a stored mark', () => {
    expect(s(view.peakEquity)).toBe('15000');
    expect(s(view.drawdownPct)).toBe('20');
    const eth = positionOf(view, 'ETHUSDT', 'linear');
    expect(s(eth?.markPrice)).toBe('3100');
    expect(s(eth?.unrealizedPnl)).toBe('-400');
    expect(view.missingMarks).toEqual([]);
  });

  it('raises the peak to the current equity and reports zero drawdown at a new high', () => {
    const v = buildPortfolioView({
      balances: [{ coin: 'USDT', walletBalance: dec('20000') }],
      positions: [],
      marks: new Map(),
      closedTrades: [],
      peakEquity: dec('15000'),
      now: T0,
    });
    expect(s(v.peakEquity)).toBe('20000');
    expect(s(v.drawdownPct)).toBe('0');
    expect(s(v.availableBalance)).toBe('20000');
    expect(s(v.leverage)).toBe('0');
  });

  it('has no leverage figure when equity is not positive', () => {
    const v = buildPortfolioView({
      balances: [{ coin: 'USDT', walletBalance: dec('-100') }],
      positions: [row('BTCUSDT', 'linear', '0.1', '60000')],
      marks: marks({ BTCUSDT: '60000' }),
      closedTrades: [],
      peakEquity: dec('1000'),
      now: T0,
    });
    expect(s(v.equity)).toBe('-100');
    expect(v.leverage).toBeNull();
  });
});

describe('valuation helpers', () => {
  it('falls back to a stored mark, then to the entry price, naming positions without a mark', () => {
    const { positions, missingMarks } = valuePositions(
      [row('BTCUSDT', 'linear', '-0.2', '60000', '61000'), row('ETHUSDT', 'linear', '1', '3000')],
      new Map(),
    );
    expect(positions.map((p) => [p.symbol, s(p.markPrice), s(p.notional), p.hasMark])).toEqual([
      ['BTCUSDT', '61000', '12200', true],
      ['ETHUSDT', '3000', '3000', false],
    ]);
    expect(missingMarks).toEqual(['ETHUSDT']);
  });

  it('adds spot and linear positions of one symbol per symbol; net exposure offsets a hedge', () => {
    const { positions } = valuePositions(
      [row('BTCUSDT', 'spot', '0.3', '60000'), row('BTCUSDT', 'linear', '-0.3', '61000')],
      marks({ BTCUSDT: '60000' }),
    );
    const ex = exposure(positions);
    expect(s(ex.gross)).toBe('36000');
    expect(s(ex.perSymbol.get('BTCUSDT'))).toBe('36000');
    expect(s(ex.net.get('BTCUSDT'))).toBe('0');
    expect(ex.openPositions).toBe(2);
    // Cash 1,000 + spot holding 18,000 + short's uPnL (60,000 − 61,000) × −0.3 = +300.
    expect(s(equityFrom({ balances: [{ coin: 'USDT', walletBalance: dec('1000') }], positions }))).toBe(
      '19300',
    );
  });

  it('accepts domain positions folded from fills', () => {
    const inst = { symbol: 'BTCUSDT', category: 'linear', baseCoin: 'BTC', quoteCoin: 'USDT' } as const;
    const folded = foldPosition(inst, [fill('Buy', '0.1', '50000', '0', 1)]);
    if (!folded.ok) throw new Error(folded.error.message);
    const { positions } = valuePositions([folded.position], marks({ BTCUSDT: '51000' }));
    expect(s(positions[0]?.unrealizedPnl)).toBe('100');
    expect(s(positions[0]?.avgEntry)).toBe('50000');
  });
});

function fill(side: Side, qty: string, price: string, fee: string, ts: number): Fill {
  return {
    tradeId: `t${ts}`,
    orderLinkId: null,
    symbol: 'BTCUSDT',
    side,
    qty: dec(qty),
    price: dec(price),
    fee: dec(fee),
    feeCurrency: 'USDT',
    ts,
  };
}

describe('closed trades from fills', () => {
  const inst = { symbol: 'BTCUSDT', category: 'linear', baseCoin: 'BTC', quoteCoin: 'USDT' } as const;

  it('nets a round trip with partial exits and every fee; a flip closes one trade and opens the next', () => {
    const r = closedTradesFromFills(inst, [
      // Long 0.03 at an average 61,000 (0.055 % taker fees), out in two halves: +15 then −30, fees 2.00475.
      fill('Buy', '0.01', '60000', '0.33', 1),
      fill('Buy', '0.02', '61500', '0.6765', 2),
      fill('Sell', '0.015', '62000', '0.5115', 3),
      fill('Sell', '0.015', '59000', '0.48675', 4),
      // Long 0.01 @ 60,000 flipped by a sell of 0.03 @ 61,000 (+10), then the short 0.02 bought back at 60,500 (+10).
      fill('Buy', '0.01', '60000', '0', 5),
      fill('Sell', '0.03', '61000', '1', 6),
      fill('Buy', '0.02', '60500', '0', 7),
    ]);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.trades.map((t) => [t.closedAt, s(t.pnl)])).toEqual([
      [4, '-17.00475'],
      [6, '9'],
      [7, '10'],
    ]);
  });

  it('reports the fill that cannot be applied', () => {
    const r = closedTradesFromFills({ ...inst, category: 'spot' }, [fill('Sell', '1', '60000', '0', 1)]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.index, r.error.kind]).toEqual([0, 'InsufficientHoldings']);
  });
});

describe('today and streaks', () => {
  const t = (hoursFromT0: number, pnl: string): ClosedTrade => ({
    symbol: 'BTCUSDT',
    closedAt: T0 + hoursFromT0 * HOUR,
    pnl: dec(pnl),
  });

  it('sums the trades closed since 00:00 UTC of now, up to now', () => {
    // T0 is 12:00 UTC: −13 h is the previous day; −12 h is 00:00 today; +12 h is 00:00 tomorrow.
    const trades = [t(-13, '-100'), t(-12, '-40'), t(-1, '25.5'), t(11.9, '-1'), t(12, '-500')];
    expect(s(realizedOnDay(trades, T0))).toBe('-14.5');
    expect(s(realizedOnDay(trades, T0 + 11.95 * HOUR))).toBe('-15.5');
    expect(s(realizedOnDay(trades, T0 + 12 * HOUR))).toBe('-500');
  });

  it('counts losing trades back from the latest; a break-even trade ends the streak', () => {
    const trades = [t(-5, '-9'), t(-4, '0'), t(-3, '-1'), t(-1, '-3'), t(-2, '-2'), t(1, '-7')];
    expect(lossStreak(trades, T0)).toEqual({ losses: 3, lastLossAt: T0 - HOUR });
    expect(lossStreak([...trades, t(-0.5, '4')], T0)).toEqual({ losses: 0, lastLossAt: null });
    const view = buildPortfolioView({
      balances: [],
      positions: [],
      marks: new Map(),
      closedTrades: trades,
      peakEquity: dec('0'),
      now: T0,
    });
    expect([view.consecutiveLosses, view.lastLossAt, s(view.realizedPnlToday)]).toEqual([
      3,
      T0 - HOUR,
      '-15',
    ]);
  });
});
