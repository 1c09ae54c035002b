// Closed round trips with what a trade list shows: direction, quantity closed, average entry and exit.
// Trade boundaries and PnL come from the domain's tradeStep, as for the portfolio's closed trades and the
// results stored with each fill; this adds what a list shows (direction, quantities, prices).
import { ZERO, minDec, type Decimal } from '../domain/decimal.js';
import type { Fill } from '../domain/fill.js';
import { applyFill, emptyPosition, type PositionInstrument } from '../domain/position.js';
import { tradeLevel, tradeStep } from '../domain/trade-result.js';

export interface RoundTrip {
  readonly symbol: string;
  readonly direction: 'long' | 'short';
  /** Σ quantity closed over the trade (adds and partial closes included). */
  readonly qty: Decimal;
  /** Average entry of the quantity closed: Σ exit notional − gross PnL, per unit. */
  readonly entryPrice: Decimal;
  /** Quantity-weighted average of the closing fills' prices. */
  readonly exitPrice: Decimal;
  readonly openedAt: number;
  readonly closedAt: number;
  /** Net of fees (a base-coin fee valued at its fill price); funding excluded. */
  readonly pnl: Decimal;
  /** Index (in the fills given) of the fill that closed it. */
  readonly closingIndex: number;
}

/**
 * What one fill added to its round trip's result (realized − fees, in the quote coin), and which trade it
 * belongs to: an index into `trades`, or null while that trade is still open after the last fill.
 */
export interface FillPart {
  readonly delta: Decimal;
  readonly trade: number | null;
}

export type RoundTripsResult =
  { ok: true; trades: RoundTrip[]; parts: FillPart[] } | { ok: false; error: string };

/** Fold one instrument's trade fills (in time order) into its closed round trips. */
export function roundTrips(inst: PositionInstrument, fills: readonly Fill[]): RoundTripsResult {
  let pos = emptyPosition(inst);
  let base = ZERO;
  let closedQty = ZERO;
  let exitNotional = ZERO;
  let gross = ZERO;
  const trades: RoundTrip[] = [];
  const parts: { delta: Decimal; trade: number | null }[] = [];
  // Fills of the trade in progress: they learn their trade's index when it closes.
  let pending: { delta: Decimal; trade: number | null }[] = [];
  for (const [index, fill] of fills.entries()) {
    const before = pos;
    const r = applyFill(pos, fill);
    if (!r.ok) return { ok: false, error: r.error.message };
    pos = r.position;
    const step = tradeStep(before, pos, base);
    base = step.base;
    // A flipping fill's whole fee stays with the trade it closes, as tradeStep measures it.
    const part: { delta: Decimal; trade: number | null } = {
      delta: tradeLevel(pos).minus(tradeLevel(before)),
      trade: null,
    };
    parts.push(part);
    pending.push(part);
    if (before.size.isZero()) continue;
    const delta = pos.size.minus(before.size);
    if (delta.isPositive() === before.size.isPositive()) continue;
    const closed = minDec(before.size.abs(), delta.abs());
    closedQty = closedQty.plus(closed);
    exitNotional = exitNotional.plus(fill.price.mul(closed));
    gross = gross.plus(pos.realizedPnl.minus(before.realizedPnl));
    if (!step.closedPnl) continue;
    const long = before.size.isPositive();
    // gross = ±(exit notional − entry cost), so the entry cost is what the exit notional does not explain.
    const entryCost = long ? exitNotional.minus(gross) : exitNotional.plus(gross);
    trades.push({
      symbol: inst.symbol,
      direction: long ? 'long' : 'short',
      qty: closedQty,
      entryPrice: entryCost.div(closedQty),
      exitPrice: exitNotional.div(closedQty),
      openedAt: before.openedAt ?? fill.ts,
      closedAt: fill.ts,
      pnl: step.closedPnl,
      closingIndex: index,
    });
    for (const p of pending) p.trade = trades.length - 1;
    pending = [];
    // A flip opens the next trade at this fill; its fee stayed with the trade just closed.
    closedQty = ZERO;
    exitNotional = ZERO;
    gross = ZERO;
  }
  return { ok: true, trades, parts };
}
