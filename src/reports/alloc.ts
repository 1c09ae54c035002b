// Proportional fee allocation that never loses a digit: shares are rounded, the last share takes the rest.
import { Decimal } from '../domain/decimal.js';

/** Places kept in a fee share; the remainder goes to the piece that finishes the whole. */
export const SHARE_DECIMALS = 18;

/** A quantity-weighted amount that is handed out piece by piece. */
export class Allocation {
  private left: Decimal;
  private qtyLeft: Decimal;

  constructor(amount: Decimal, qty: Decimal) {
    this.left = amount;
    this.qtyLeft = qty;
  }

  /** The share for `qty` of what is left; taking all that is left takes the whole remainder. */
  take(qty: Decimal): Decimal {
    const share =
      qty.gte(this.qtyLeft) || this.qtyLeft.isZero()
        ? this.left
        : this.left.mul(qty).div(this.qtyLeft).toDecimalPlaces(SHARE_DECIMALS, Decimal.ROUND_HALF_EVEN);
    this.left = this.left.minus(share);
    this.qtyLeft = Decimal.max(this.qtyLeft.minus(qty), 0);
    return share;
  }
}
