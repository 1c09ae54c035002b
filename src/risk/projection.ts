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

/** What is on the way for one instrument: buys and sells (both positive), each at its highest price. */
interface Pending {
  buy: Decimal;
  sell: Decimal;
  buyPrice: Decimal;
  sellPrice: Decimal;
}

function pendingByInstrument(inFlight: readonly InFlightOrder[]): Map<string, Pending> {
  const out = new Map<string, Pending>();
  for (const o of inFlight) {
    const k = `${o.category}:${o.symbol}`;
    out.set(k, plusOrder(out.get(k), o.side, o.qty, o.price));
  }
  return out;
}

/**
 * The largest notional the position can reach as what is on the way fills — all the buys, or all the
 * sells (a direction with nothing on the way is no outcome) — each valued at the higher of `price` and
 * the prices those orders were approved at. With `statusQuo`, nothing filling is an outcome too.
 */
function worstNotional(size: Decimal, p: Pending, price: Decimal, statusQuo: boolean): Decimal {
  const outcomes = [
    ...(statusQuo ? [size.abs().mul(price)] : []),
    ...(p.buy.gt(ZERO) ? [size.plus(p.buy).abs().mul(maxDec(price, p.buyPrice))] : []),
    ...(p.sell.gt(ZERO) ? [size.minus(p.sell).abs().mul(maxDec(price, p.sellPrice))] : []),
  ];
  return outcomes.reduce(maxDec, ZERO);
}

/** `p` with one more order on the way. */
function plusOrder(p: Pending | undefined, side: Side, qty: Decimal, price: Decimal): Pending {
  const base = p ?? { buy: ZERO, sell: ZERO, buyPrice: ZERO, sellPrice: ZERO };
  return side === 'Buy'
    ? { ...base, buy: base.buy.plus(qty), buyPrice: maxDec(base.buyPrice, price) }
    : { ...base, sell: base.sell.plus(qty), sellPrice: maxDec(base.sellPrice, price) };
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
  const valuationPrice = marks.reduce(maxDec, price);
  // What the other instruments' orders on the way add beyond their open positions.
  let othersExtra = ZERO;
  let symbolExtra = ZERO;
  let othersOpening = 0;
  for (const [k, p] of pending) {
    if (k === key) continue;
    const [category, symbol] = k.split(':') as [Instrument['category'], string];
    const other = positionOf(view, symbol, category);
    const size = other?.size ?? ZERO;
    // Its worst case in place of its open notional (a position valued at its mark, as the view does).
    const mark = other?.markPrice ?? ZERO;
    const extra = worstNotional(size, p, mark, true).minus(other?.notional ?? ZERO);
    othersExtra = othersExtra.plus(extra);
    if (symbol === inst.symbol) symbolExtra = symbolExtra.plus(extra);
    if (size.isZero() && extra.gt(ZERO)) othersOpening += 1;
  }
  const instBefore = pos?.notional ?? ZERO;
  // This order is one more on the way: the outcomes are its side's orders all filling, or the other's.
  const wcBefore = own ? worstNotional(sizeBefore, own, valuationPrice, true) : instBefore;
  const instAfter = worstNotional(sizeBefore, plusOrder(own, side, qty, price), valuationPrice, false);
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
