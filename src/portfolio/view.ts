// buildPortfolioView: the read-only facade risk checks and strategies receive, from plain inputs.
// Time is an input (`now`), so the same inputs always give the same view (backtest and live alike).
import { ZERO, maxDec, type Decimal } from '../domain/decimal.js';
import { availableFrom, equityFrom, exposure, valuePositions } from './equity.js';
import { utcDayStart } from './time.js';
import { lossStreak, realizedOnDay } from './trades.js';
import type { BalanceInput, ClosedTrade, PortfolioView, PositionInput, PositionView } from './types.js';

export interface PortfolioInputs {
  readonly balances: readonly BalanceInput[];
  readonly positions: readonly PositionInput[];
  readonly marks: ReadonlyMap<string, Decimal>;
  /** Closed trades, any order; only those closed at or before `now` count. */
  readonly closedTrades: readonly ClosedTrade[];
  /** The stored equity peak; the view raises it to the current equity when that is higher. */
  readonly peakEquity: Decimal;
  readonly now: number;
  readonly quoteCoin?: string;
}

export function drawdownPct(equity: Decimal, peak: Decimal): Decimal {
  if (peak.lte(ZERO) || equity.gte(peak)) return ZERO;
  return peak.minus(equity).div(peak).mul(100);
}

export function buildPortfolioView(input: PortfolioInputs): PortfolioView {
  const quoteCoin = input.quoteCoin ?? 'USDT';
  const { positions, missingMarks } = valuePositions(input.positions, input.marks);
  const equity = equityFrom({ balances: input.balances, positions, quoteCoin });
  const peakEquity = maxDec(input.peakEquity, equity);
  const ex = exposure(positions);
  const streak = lossStreak(input.closedTrades, input.now);
  return {
    asOf: input.now,
    dayStart: utcDayStart(input.now),
    quoteCoin,
    equity,
    peakEquity,
    drawdownPct: drawdownPct(equity, peakEquity),
    availableBalance: availableFrom(input.balances, quoteCoin),
    positions,
    unrealizedPnl: positions.reduce((s, p) => s.plus(p.unrealizedPnl), ZERO),
    realizedPnlToday: realizedOnDay(input.closedTrades, input.now),
    consecutiveLosses: streak.losses,
    lastLossAt: streak.lastLossAt,
    grossExposure: ex.gross,
    netExposure: ex.net,
    symbolNotional: ex.perSymbol,
    leverage: equity.gt(ZERO) ? ex.gross.div(equity) : null,
    openPositionCount: ex.openPositions,
    missingMarks,
  };
}

/** The open position in one instrument, if any. */
export function positionOf(
  view: PortfolioView,
  symbol: string,
  category: PositionView['category'],
): PositionView | undefined {
  return view.positions.find((p) => p.symbol === symbol && p.category === category);
}
