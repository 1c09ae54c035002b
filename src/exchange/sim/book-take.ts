// What a taker meets: Bybit's price-limit band (max buy / min sell around the index, which is the last price
// here) and the synthetic book's levels up to a limit. A market order is an IOC limit at the band's edge (its
// protection price). https://bybit-exchange.github.io/docs/v5/account/set-price-limit
import { type Decimal, ONE, ZERO, dec } from '../../domain/decimal.js';
import type { Engine } from './engine.js';
import type { SimInstrument } from './instruments.js';
import { depthScaleOf, levelSize } from './market-data.js';
import type { Side } from './orders.js';

export interface PriceBand {
  maxBuy: Decimal;
  minSell: Decimal;
}

/**
 * Spot: max buy = min(max(I, I(1+x) + premium), I(1+y)); futures the same on the mark. With no premium in the
 * simulator that is I(1+x) and I(1-x), kept on the tick towards the index.
 */
export function priceBand(e: Engine, inst: SimInstrument): PriceBand {
  const index = e.deps.last(inst.symbol);
  const t = inst.tickSize;
  const x = dec(e.deps.behaviour.settings.priceLimitRatio);
  const maxBuy = index.mul(ONE.add(x)).div(t).floor().mul(t);
  const minSell = index.mul(ONE.sub(x)).div(t).ceil().mul(t);
  return { maxBuy, minSell };
}

/** The protection price a market order of `side` is turned into (the order row's `price`). */
export function protectionPrice(e: Engine, inst: SimInstrument, side: Side): Decimal {
  const band = priceBand(e, inst);
  return side === 'Buy' ? band.maxBuy : band.minSell;
}

export interface Level {
  price: Decimal;
  size: Decimal;
}

/** The opposite side's levels a `side` taker may take, best first, not past `limit`. */
export function* takerLevels(e: Engine, inst: SimInstrument, side: Side, limit: Decimal): Generator<Level> {
  const live = e.deps.liveBooks;
  if (live?.top(inst.category, inst.symbol)) {
    // Paper trading: the venue's levels as last published (what we take is not removed from them).
    for (const l of live.levels(inst.category, inst.symbol, side === 'Buy' ? 'asks' : 'bids')) {
      if (side === 'Buy' ? l.price.gt(limit) : l.price.lt(limit)) return;
      yield l;
    }
    return;
  }
  const { bid, ask } = e.bidAsk(inst);
  const t = inst.tickSize;
  const scale = depthScaleOf(e);
  if (side === 'Buy') {
    for (let p = ask; p.lte(limit); p = p.add(t)) yield { price: p, size: levelSize(inst, p, scale) };
  } else {
    for (let p = bid; p.gte(limit) && p.gt(0); p = p.sub(t))
      yield { price: p, size: levelSize(inst, p, scale) };
  }
}

/** Base quantity available to a taker up to `limit`, stopping once `enough` is reached. */
export function depthUpTo(
  e: Engine,
  inst: SimInstrument,
  side: Side,
  limit: Decimal,
  enough: Decimal,
): Decimal {
  let sum = ZERO;
  for (const l of takerLevels(e, inst, side, limit)) {
    sum = sum.add(l.size);
    if (sum.gte(enough)) break;
  }
  return sum;
}
