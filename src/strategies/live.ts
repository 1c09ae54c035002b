// Bridges for the live engine: Decimal candles to strategy bars, and rebuilding a strategy's state
// from the last closed candles on each tick (strategies keep no state between ticks in live mode).
import { stepDecimals } from '../domain/instrument.js';
import type { Decimal } from '../domain/decimal.js';
import type { Bar, Candle, PortfolioView, Signal, StrategyContext, StrategyFactory } from './types.js';

/** Strategy bars hold float64 prices: the nearest double to each decimal, so comparisons stay exact. */
export function barFromCandle(c: Candle): Bar {
  return {
    openTime: c.openTime,
    open: c.open.toNumber(),
    high: c.high.toNumber(),
    low: c.low.toNumber(),
    close: c.close.toNumber(),
    volume: c.volume.toNumber(),
  };
}

/** The context for an instrument: its tick size fixes the price grid. */
export function contextForTick(tickSize: Decimal): StrategyContext {
  return { priceScale: 10 ** stepDecimals(tickSize) };
}

/**
 * Build a fresh strategy, feed it the closed candles (oldest first; pass at least `lookback`) and
 * return the decision at the last one. Earlier decisions are discarded: they were for past bars.
 */
export function decideOnHistory(
  factory: StrategyFactory,
  params: Readonly<Record<string, unknown>>,
  ctx: StrategyContext,
  candles: readonly Candle[],
  view: PortfolioView,
): Decision {
  return decideOnBars(factory, params, ctx, candles.map(barFromCandle), view);
}

export interface Decision {
  signal: Signal | null;
  indicators: Readonly<Record<string, number>>;
  enoughHistory: boolean;
}

/** decideOnHistory over bars already converted (instances on one series at one close share them). */
export function decideOnBars(
  factory: StrategyFactory,
  params: Readonly<Record<string, unknown>>,
  ctx: StrategyContext,
  bars: readonly Bar[],
  view: PortfolioView,
): Decision {
  const strategy = factory.create(params, ctx);
  let signal: Signal | null = null;
  for (const b of bars) signal = strategy.onBar(b, view);
  return { signal, indicators: strategy.indicators(), enoughHistory: bars.length > strategy.warmup + 1 };
}
