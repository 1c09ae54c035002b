// The portfolio's read-only shapes: what risk checks and strategies may see of the account.
// Built by pure functions from plain inputs (balances, positions, marks, closed trades); never mutated.
import type { Decimal } from '../domain/decimal.js';
import type { Category } from '../domain/instrument.js';
import type { Position } from '../domain/position.js';

/** One coin's balance as the exchange or the database reports it. */
export interface BalanceInput {
  readonly coin: string;
  readonly walletBalance: Decimal;
  /** What can still be committed to new orders; the wallet balance when not reported. */
  readonly available?: Decimal;
}

/** A position as stored in the `positions` table (signed size, one-way mode). */
export interface PositionRow {
  readonly category: Category;
  readonly symbol: string;
  readonly size: Decimal;
  readonly avgEntry: Decimal | null;
  readonly markPrice?: Decimal | null;
}

export type PositionInput = Position | PositionRow;

/** One finished round trip (flat again, or flipped): its net PnL after fees, in quote coin. */
export interface ClosedTrade {
  readonly symbol: string;
  readonly closedAt: number;
  readonly pnl: Decimal;
}

export interface PositionView {
  readonly symbol: string;
  readonly category: Category;
  /** Signed: positive long, negative short. */
  readonly size: Decimal;
  readonly avgEntry: Decimal | null;
  /** The mark used for valuation; the entry price when no mark was known (see hasMark). */
  readonly markPrice: Decimal;
  readonly hasMark: boolean;
  readonly unrealizedPnl: Decimal;
  /** |size| × mark. */
  readonly notional: Decimal;
}

export interface Exposure {
  /** Σ |size| × mark over every open position. */
  readonly gross: Decimal;
  /** Σ size × mark per symbol (spot and linear of one symbol net against each other). */
  readonly net: ReadonlyMap<string, Decimal>;
  /** Σ |size| × mark per symbol: what the per-symbol notional limit measures. */
  readonly perSymbol: ReadonlyMap<string, Decimal>;
  readonly openPositions: number;
}

export interface PortfolioView {
  /** The time the view describes (ms); today's PnL is for the UTC day containing it. */
  readonly asOf: number;
  /** 00:00 UTC of asOf's day. */
  readonly dayStart: number;
  readonly quoteCoin: string;
  /** Quote cash + spot holdings at mark + unrealized PnL of derivatives. */
  readonly equity: Decimal;
  /** Highest equity seen, never below the current equity. */
  readonly peakEquity: Decimal;
  /** (peak − equity) / peak × 100; zero when the peak is not positive. */
  readonly drawdownPct: Decimal;
  readonly availableBalance: Decimal;
  /** Open (non-flat) positions only. */
  readonly positions: readonly PositionView[];
  readonly unrealizedPnl: Decimal;
  /** Net PnL of trades closed during the UTC day of asOf. */
  readonly realizedPnlToday: Decimal;
  /** Losing closed trades in a row, counted back from the most recent one. */
  readonly consecutiveLosses: number;
  readonly lastLossAt: number | null;
  readonly grossExposure: Decimal;
  readonly netExposure: ReadonlyMap<string, Decimal>;
  readonly symbolNotional: ReadonlyMap<string, Decimal>;
  /** Gross exposure / equity; null when equity is zero or negative (leverage is unbounded). */
  readonly leverage: Decimal | null;
  readonly openPositionCount: number;
  /** Open positions valued at their entry because no mark was given: worth an alert. */
  readonly missingMarks: readonly string[];
}
