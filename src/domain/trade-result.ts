// Round-trip results from consecutive positions: a trade opens from flat and closes when the position is
// flat again or flips. Its result is price PnL minus every fee from its opening fill to its closing one.
import type { Decimal } from './decimal.js';
import type { Position } from './position.js';

/** Realized PnL − fees: what a trade's result is measured in (funding is not a trade's result). */
export function tradeLevel(p: Pick<Position, 'realizedPnl' | 'fees'>): Decimal {
  return p.realizedPnl.minus(p.fees);
}

export interface TradeStep {
  /** The result of the round trip this fill closed, or null when it closed none. */
  readonly closedPnl: Decimal | null;
  /** The level the next result is measured from. */
  readonly base: Decimal;
}

/**
 * One fill's effect on round trips, given the position before and after it and the current base. A
 * flipping fill closes the old trade with its whole fee; the new trade starts from after it.
 */
export function tradeStep(
  before: Pick<Position, 'size' | 'realizedPnl' | 'fees'>,
  after: Pick<Position, 'size' | 'realizedPnl' | 'fees'>,
  base: Decimal,
): TradeStep {
  const closed =
    !before.size.isZero() && (after.size.isZero() || after.size.isPositive() !== before.size.isPositive());
  if (closed) return { closedPnl: tradeLevel(after).minus(base), base: tradeLevel(after) };
  // The opening fill's fee belongs to the new trade: measure from before it.
  if (before.size.isZero()) return { closedPnl: null, base: tradeLevel(before) };
  return { closedPnl: null, base };
}
