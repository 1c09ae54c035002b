// What the account would look like if the order filled at its decision price: the numbers every
// exposure check compares with its limit. Valuation is deliberately pessimistic (see projectOrder).
import { ZERO, maxDec, minDec, type Decimal } from '../domain/decimal.js';
import type { Instrument } from '../domain/instrument.js';
import { signedQty, type Side } from '../domain/side.js';
import { positionOf } from '../portfolio/view.js';
import type { PortfolioView } from '../portfolio/types.js';
import type { MarketView } from './types.js';

export interface Projection {
  /** Signed position in this instrument before and after the fill. */
  readonly sizeBefore: Decimal;
  readonly sizeAfter: Decimal;
  /** The price the resulting position is valued at. */
  readonly valuationPrice: Decimal;
  /** The order only shrinks an existing position (no flip): it lowers risk. */
  readonly reducing: boolean;
  /** The order opens a position in an instrument that had none. */
  readonly opensNew: boolean;
  readonly symbolNotionalBefore: Decimal;
  readonly symbolNotionalAfter: Decimal;
  readonly grossBefore: Decimal;
  readonly grossAfter: Decimal;
  readonly equityAfter: Decimal;
  /** Null when equity after the fill is zero or negative. */
  readonly leverageAfter: Decimal | null;
  readonly openBefore: number;
  readonly openAfter: number;
}

/** The mark of the proposal's symbol as the market data reports it. */
export function marketMark(market: MarketView): Decimal {
  return market.markPrice !== undefined && market.markPrice.gt(ZERO) ? market.markPrice : market.lastPrice;
}

export function isReducing(before: Decimal, after: Decimal): boolean {
  if (before.isZero()) return false;
  return after.isZero() || (after.isPositive() === before.isPositive() && after.abs().lte(before.abs()));
}

/**
 * The resulting position is valued at the highest of the decision price and the known marks, so the
 * limits hold whichever of them the account is later marked at. Equity after the fill takes the
 * immediate mark-to-market loss of paying above (or selling below) the mark; gains are not counted.
 */
export function projectOrder(
  view: PortfolioView,
  inst: Instrument,
  side: Side,
  qty: Decimal,
  price: Decimal,
  market: MarketView,
): Projection {
  const pos = positionOf(view, inst.symbol, inst.category);
  const sizeBefore = pos?.size ?? ZERO;
  const delta = signedQty(side, qty);
  const sizeAfter = sizeBefore.plus(delta);
  const marks = [marketMark(market), ...(pos ? [pos.markPrice] : [])];
  const valuationPrice = marks.reduce(maxDec, price);
  const instBefore = pos?.notional ?? ZERO;
  const instAfter = sizeAfter.abs().mul(valuationPrice);
  const symbolNotionalBefore = view.symbolNotional.get(inst.symbol) ?? ZERO;
  const grossAfter = view.grossExposure.minus(instBefore).plus(instAfter);
  const mtm = marks.map((m) => m.minus(price).mul(delta)).reduce(minDec, ZERO);
  const equityAfter = view.equity.plus(mtm);
  const opensNew = sizeBefore.isZero() && !sizeAfter.isZero();
  const closes = !sizeBefore.isZero() && sizeAfter.isZero();
  return {
    sizeBefore,
    sizeAfter,
    valuationPrice,
    reducing: isReducing(sizeBefore, sizeAfter),
    opensNew,
    symbolNotionalBefore,
    symbolNotionalAfter: symbolNotionalBefore.minus(instBefore).plus(instAfter),
    grossBefore: view.grossExposure,
    grossAfter,
    equityAfter,
    leverageAfter: equityAfter.gt(ZERO) ? grossAfter.div(equityAfter) : null,
    openBefore: view.openPositionCount,
    openAfter: view.openPositionCount + (opensNew ? 1 : 0) - (closes ? 1 : 0),
  };
}
