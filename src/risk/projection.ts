// What the account would look like if the order filled at its decision price: the numbers every
// exposure check compares with its limit. Valuation is deliberately pessimistic (see projectOrder).
import { ZERO, maxDec, minDec, type Decimal } from '../domain/decimal.js';
import type { Instrument } from '../domain/instrument.js';
import { signedQty, type Side } from '../domain/side.js';
import { positionOf } from '../portfolio/view.js';
import type { PortfolioView } from '../portfolio/types.js';
import type { InFlightOrder, MarketView } from './types.js';

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

/** Signed remaining quantities on the way per instrument: buys and sells (both positive). */
interface Pending {
  buy: Decimal;
  sell: Decimal;
  price: Decimal;
}

function pendingByInstrument(inFlight: readonly InFlightOrder[]): Map<string, Pending> {
  const out = new Map<string, Pending>();
  for (const o of inFlight) {
    const k = `${o.category}:${o.symbol}`;
    const p = out.get(k) ?? { buy: ZERO, sell: ZERO, price: o.price };
    out.set(k, {
      buy: o.side === 'Buy' ? p.buy.plus(o.qty) : p.buy,
      sell: o.side === 'Sell' ? p.sell.plus(o.qty) : p.sell,
      price: maxDec(p.price, o.price),
    });
  }
  return out;
}

/** The largest the position can become if any of what is on the way fills: all the buys, or all the sells. */
function worstSize(size: Decimal, p: Pending | undefined): Decimal {
  if (!p) return size.abs();
  return maxDec(size.plus(p.buy).abs(), size.minus(p.sell).abs());
}

/**
 * The resulting position is valued at the highest of the decision price and the known marks, so the
 * limits hold whichever of them the account is later marked at. Equity after the fill takes the
 * immediate mark-to-market loss of paying above (or selling below) the mark; gains are not counted.
 * Orders on the way (`inFlight`) count as if they filled in whichever direction is larger.
 */
export function projectOrder(
  view: PortfolioView,
  inst: Instrument,
  side: Side,
  qty: Decimal,
  price: Decimal,
  market: MarketView,
  inFlight: readonly InFlightOrder[] = [],
): Projection {
  const pos = positionOf(view, inst.symbol, inst.category);
  const sizeBefore = pos?.size ?? ZERO;
  const delta = signedQty(side, qty);
  const sizeAfter = sizeBefore.plus(delta);
  const marks = [marketMark(market), ...(pos ? [pos.markPrice] : [])];
  const pending = pendingByInstrument(inFlight);
  const key = `${inst.category}:${inst.symbol}`;
  const own = pending.get(key);
  // Orders on the way were approved at their own prices: the worst case is valued at the highest of them.
  const valuationPrice = [...marks, ...(own ? [own.price] : [])].reduce(maxDec, price);
  // What the other instruments' orders on the way add beyond their open positions.
  let othersExtra = ZERO;
  let symbolExtra = ZERO;
  let othersOpening = 0;
  for (const [k, p] of pending) {
    if (k === key) continue;
    const [category, symbol] = k.split(':') as [Instrument['category'], string];
    const other = positionOf(view, symbol, category);
    const size = other?.size ?? ZERO;
    // Its worst case at the highest of its mark and its orders' prices, in place of its open notional.
    const extra = worstSize(size, p)
      .mul(maxDec(other?.markPrice ?? p.price, p.price))
      .minus(other?.notional ?? ZERO);
    othersExtra = othersExtra.plus(extra);
    if (symbol === inst.symbol) symbolExtra = symbolExtra.plus(extra);
    if (size.isZero() && extra.gt(ZERO)) othersOpening += 1;
  }
  const instBefore = pos?.notional ?? ZERO;
  const wcBefore = own ? worstSize(sizeBefore, own).mul(valuationPrice) : instBefore;
  const instAfter = worstSize(sizeAfter, own).mul(valuationPrice);
  const symbolNotionalBefore = (view.symbolNotional.get(inst.symbol) ?? ZERO)
    .minus(instBefore)
    .plus(symbolExtra);
  const grossOthers = view.grossExposure.minus(instBefore).plus(othersExtra);
  const grossAfter = grossOthers.plus(instAfter);
  const mtm = marks.map((m) => m.minus(price).mul(delta)).reduce(minDec, ZERO);
  const equityAfter = view.equity.plus(mtm);
  const opensNew = sizeBefore.isZero() && !sizeAfter.isZero();
  const openBefore =
    view.openPositionCount + othersOpening + (sizeBefore.isZero() && !wcBefore.isZero() ? 1 : 0);
  const openAfter = openBefore - (wcBefore.isZero() ? 0 : 1) + (instAfter.isZero() ? 0 : 1);
  return {
    sizeBefore,
    sizeAfter,
    valuationPrice,
    reducing: isReducing(sizeBefore, sizeAfter),
    opensNew,
    symbolNotionalBefore: symbolNotionalBefore.plus(wcBefore),
    symbolNotionalAfter: symbolNotionalBefore.plus(instAfter),
    grossBefore: grossOthers.plus(wcBefore),
    grossAfter,
    equityAfter,
    leverageAfter: equityAfter.gt(ZERO) ? grossAfter.div(equityAfter) : null,
    openBefore,
    openAfter,
  };
}
