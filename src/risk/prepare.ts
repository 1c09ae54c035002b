// Turns a proposal into a concrete order to judge: the decision price, the desired quantity (explicit,
// from a notional, the whole position for closes, or a sizing rule) and its projection on the account.
import { Decimal, ZERO } from '../domain/decimal.js';
import { roundPrice, roundQtyDown, stepDecimals, type Instrument } from '../domain/instrument.js';
import { positionOf } from '../portfolio/view.js';
import type { PortfolioView } from '../portfolio/types.js';
import { fmt } from './format.js';
import { projectOrder, type Projection } from './projection.js';
import { sizeBySpec, type SizeResult } from './sizing.js';
import type { InFlightOrder, MarketView, OrderProposal } from './types.js';

export interface PreparedOrder {
  readonly price: Decimal;
  /** Before rounding to the step: what the instrument filters judge. */
  readonly desiredQty: Decimal;
  /** Rounded down to the step; what is sent when approved. */
  readonly qty: Decimal;
  readonly notional: Decimal;
  /** How the quantity was arrived at, for the decision record. */
  readonly basis: string;
  readonly projection: Projection;
}

export type Priced = { ok: true; price: Decimal } | { ok: false; reason: string };

/** Market orders are judged at the last price; limit prices are rounded to the tick on the passive side. */
export function priceFor(proposal: OrderProposal, inst: Instrument, market: MarketView): Priced {
  if (proposal.symbol !== inst.symbol || proposal.category !== inst.category) {
    return {
      ok: false,
      reason: `the order is for ${proposal.category} ${proposal.symbol} but the instrument is ${inst.category} ${inst.symbol}`,
    };
  }
  if (proposal.orderType === 'Market') {
    if (!market.lastPrice.isFinite() || !market.lastPrice.gt(ZERO))
      return { ok: false, reason: `${inst.symbol} has no valid last price to value a market order` };
    return { ok: true, price: market.lastPrice };
  }
  if (proposal.limitPrice === undefined) return { ok: false, reason: 'a Limit order needs a limit price' };
  const price = roundPrice(inst, proposal.limitPrice, proposal.side === 'Buy' ? 'down' : 'up');
  if (!price.gt(ZERO)) {
    return {
      ok: false,
      reason: `limit price ${fmt(proposal.limitPrice)} is below the tick ${fmt(inst.tickSize)}`,
    };
  }
  return { ok: true, price };
}

/** The quantity asked for, before the instrument rounds it. Reduce-only orders never exceed the position. */
export function desiredQty(
  proposal: OrderProposal,
  inst: Instrument,
  price: Decimal,
  view: PortfolioView,
  market: MarketView,
): SizeResult {
  const size = positionOf(view, inst.symbol, inst.category)?.size ?? ZERO;
  const opposite = proposal.side === 'Buy' ? size.lt(ZERO) : size.gt(ZERO);
  const raw = rawQty(proposal, inst, price, view, market, opposite ? size.abs() : null);
  if (!raw.ok) return raw;
  // Four digits below the step keep messages readable; truncating there cannot change the step-rounded qty.
  const r = { ...raw, qty: raw.qty.toDecimalPlaces(stepDecimals(inst.qtyStep) + 4, Decimal.ROUND_DOWN) };
  if (!proposal.reduceOnly || !opposite || r.qty.lte(size.abs())) return r;
  return { ok: true, qty: size.abs(), basis: `${r.basis}, capped at the position ${fmt(size.abs())}` };
}

function rawQty(
  proposal: OrderProposal,
  inst: Instrument,
  price: Decimal,
  view: PortfolioView,
  market: MarketView,
  closable: Decimal | null,
): SizeResult {
  if (proposal.qty !== undefined) return { ok: true, qty: proposal.qty, basis: 'quantity given' };
  if (proposal.notional !== undefined) {
    if (!proposal.notional.gt(ZERO))
      return { ok: false, reason: `notional must be positive, got ${fmt(proposal.notional)}` };
    return {
      ok: true,
      qty: proposal.notional.div(price),
      basis: `notional ${fmt(proposal.notional)} ${inst.quoteCoin} at ${fmt(price)}`,
    };
  }
  if (proposal.reduceOnly || proposal.source === 'close' || proposal.source === 'kill') {
    if (closable === null) {
      const dir = proposal.side === 'Buy' ? 'short' : 'long';
      return { ok: false, reason: `${inst.symbol} has no ${dir} position for a ${proposal.side} to close` };
    }
    return { ok: true, qty: closable, basis: 'the whole position' };
  }
  if (proposal.sizing === undefined)
    return { ok: false, reason: 'the order gives no quantity, notional or sizing rule' };
  return sizeBySpec(inst, proposal.sizing, {
    side: proposal.side,
    price,
    equity: view.equity,
    market: proposal.orderType === 'Market',
    ...(proposal.stopPrice === undefined ? {} : { stopPrice: proposal.stopPrice }),
    ...(market.atr === undefined ? {} : { atr: market.atr }),
  });
}

export function prepareOrder(
  proposal: OrderProposal,
  inst: Instrument,
  price: Decimal,
  sized: { qty: Decimal; basis: string },
  view: PortfolioView,
  market: MarketView,
  inFlight: readonly InFlightOrder[] = [],
): PreparedOrder {
  const qty = sized.qty.gt(ZERO) ? roundQtyDown(inst, sized.qty) : ZERO;
  return {
    price,
    desiredQty: sized.qty,
    qty,
    notional: qty.mul(price),
    basis: sized.basis,
    projection: projectOrder(view, inst, proposal.side, qty, price, market, inFlight),
  };
}
