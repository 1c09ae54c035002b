// Closed-trade results: the minimal history the daily loss limit and the loss-streak cooldown need.
// A trade is a round trip: it opens from flat and closes when the position is flat again or flips.
import { ZERO, type Decimal } from '../domain/decimal.js';
import type { Fill } from '../domain/fill.js';
import { applyFill, emptyPosition, type PositionError, type PositionInstrument } from '../domain/position.js';
import { tradeStep } from '../domain/trade-result.js';
import { utcDayStart } from './time.js';
import type { ClosedTrade } from './types.js';

export type ClosedTradesResult =
  { ok: true; trades: ClosedTrade[] } | { ok: false; error: PositionError; index: number };

/**
 * Fold one instrument's fills (in time order) into its closed trades. The PnL is net: price PnL minus
 * every fee paid from the opening fill to the closing one (a flipping fill's whole fee goes to the trade
 * it closes). Funding is not in fills, so it is not in these figures.
 */
export function closedTradesFromFills(inst: PositionInstrument, fills: readonly Fill[]): ClosedTradesResult {
  let pos = emptyPosition(inst);
  let base = ZERO;
  const trades: ClosedTrade[] = [];
  for (const [index, fill] of fills.entries()) {
    const r = applyFill(pos, fill);
    if (!r.ok) return { ok: false, error: r.error, index };
    const step = tradeStep(pos, r.position, base);
    pos = r.position;
    base = step.base;
    if (step.closedPnl) trades.push({ symbol: inst.symbol, closedAt: fill.ts, pnl: step.closedPnl });
  }
  return { ok: true, trades };
}

/** Net PnL of the trades closed from 00:00 UTC of `now`'s day up to `now`. */
export function realizedOnDay(trades: readonly ClosedTrade[], now: number): Decimal {
  const start = utcDayStart(now);
  return trades
    .filter((t) => t.closedAt >= start && t.closedAt <= now)
    .reduce((sum, t) => sum.plus(t.pnl), ZERO);
}

/** Losing trades in a row ending with the most recent one closed at or before `now`; a break-even trade ends a streak. */
export function lossStreak(
  trades: readonly ClosedTrade[],
  now: number,
): { losses: number; lastLossAt: number | null } {
  const past = trades.filter((t) => t.closedAt <= now).sort((a, b) => a.closedAt - b.closedAt);
  let losses = 0;
  let lastLossAt: number | null = null;
  for (let i = past.length - 1; i >= 0; i -= 1) {
    const t = past[i];
    if (t === undefined || !t.pnl.lt(ZERO)) break;
    losses += 1;
    lastLossAt ??= t.closedAt;
  }
  return { losses, lastLossAt };
}
