// Order side and its sign: Buy adds to a position, Sell takes away (one-way mode, signed size).
import type { Decimal } from './decimal.js';

export const SIDES = ['Buy', 'Sell'] as const;
export type Side = (typeof SIDES)[number];

export function sideSign(side: Side): 1 | -1 {
  return side === 'Buy' ? 1 : -1;
}

export function oppositeSide(side: Side): Side {
  return side === 'Buy' ? 'Sell' : 'Buy';
}

/** Signed quantity of a trade: +qty for Buy, −qty for Sell. */
export function signedQty(side: Side, qty: Decimal): Decimal {
  return side === 'Buy' ? qty : qty.neg();
}
