// The Strategy interface shared verbatim by the live engine and the backtester: pure, incremental,
// fed one closed bar at a time; decisions are entry/exit signals with an optional Decimal stop.
import type { Decimal } from '../domain/decimal.js';

export const SIDES = ['long', 'short'] as const;
export type Side = (typeof SIDES)[number];
export type PositionSide = Side | 'flat';

/**
 * One closed candle as a strategy sees it. Prices are the float64 nearest to the exchange's decimal
 * price, so ordering comparisons between them are exact; anything that sums prices converts them to
 * integer ticks first (see `toTicks`). The backtester reuses one Bar object: never keep a reference.
 */
export interface Bar {
  readonly openTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** A closed candle in exchange units (what the live engine and the chat job hold). */
export interface Candle {
  readonly openTime: number;
  readonly open: Decimal;
  readonly high: Decimal;
  readonly low: Decimal;
  readonly close: Decimal;
  readonly volume: Decimal;
}

/** Read-only portfolio facade: what a strategy may know about its own position and account. */
export interface PortfolioView {
  readonly side: PositionSide;
  /** Signed position size in base units (negative when short, zero when flat). */
  readonly size: Decimal;
  /** Size-weighted average entry price, or null when flat. */
  readonly avgEntry: Decimal | null;
  readonly equity: Decimal;
}

/**
 * What to do at the next fill: first close the whole position if `exit`, then open `enter` (sized by
 * the broker or risk), protected by `stop` if given. `reason` is shown to operators.
 */
export interface Signal {
  readonly exit?: boolean;
  readonly enter?: Side;
  readonly stop?: Decimal;
  readonly reason?: string;
}

/** Facts about the market a strategy needs to stay exact, fixed for its lifetime. */
export interface StrategyContext {
  /** 10^d where every price is a multiple of 10^-d (the instrument tick, or the data's decimals). */
  readonly priceScale: number;
  /** Shown to SDK strategies as setup.symbol / setup.interval (empty when the caller does not say). */
  readonly symbol?: string;
  readonly interval?: string;
}

export type StrategyParams = Readonly<Record<string, number>>;

export interface Strategy {
  readonly name: string;
  readonly params: StrategyParams;
  /**
   * Index of the first bar at which every indicator has a value (backtesting.py's warm-up): no
   * decision before bar `warmup + 1`, and buy-and-hold is measured from bar `warmup`.
   */
  readonly warmup: number;
  /** Closed candles a live engine should replay into a fresh instance to rebuild its state. */
  readonly lookback: number;
  /** Feed the next closed bar; returns the decision taken at its close, or null to do nothing. */
  onBar(bar: Bar, view: PortfolioView): Signal | null;
  /** Current indicator values by display name (NaN while warming up), for charts and chat. */
  indicators(): Readonly<Record<string, number>>;
}

export interface ParamSpec {
  readonly name: string;
  readonly kind: 'int' | 'number';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly help: string;
}

export interface StrategyFactory {
  readonly name: string;
  readonly summary: string;
  readonly params: readonly ParamSpec[];
  /** Validate raw params (numbers or numeric strings) and fill defaults; throws StrategyParamError. */
  parseParams(raw: Readonly<Record<string, unknown>>): StrategyParams;
  /** A fresh instance with empty state; `raw` is validated as by parseParams. */
  create(raw: Readonly<Record<string, unknown>>, ctx: StrategyContext): Strategy;
}
