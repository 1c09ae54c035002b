// Domain order requests → Bybit V5 params. Every price and quantity goes through the instrument's rounding
// and leaves as a decimal string; anything that cannot be made valid is refused with InvalidOrderError.
import type { AmendOrderParamsV5, OrderParamsV5 } from 'bybit-api';
import { toPlain, type Decimal } from '../../domain/decimal.js';
import { makeQty, roundPrice, type Instrument, type PriceRounding } from '../../domain/instrument.js';
import type { AmendOrderRequest, PlaceOrderRequest } from '../port.js';
import { InvalidOrderError } from './errors.js';
import { isValidOrderLinkId } from '../../domain/ids.js';
import { SIDE_TO_WIRE, TIF_TO_WIRE, TYPE_TO_WIRE } from './map.js';

function invalid(endpoint: string, problem: string): InvalidOrderError {
  return new InvalidOrderError({ endpoint, problem });
}

function price(inst: Instrument, v: Decimal, dir: PriceRounding, what: string, endpoint: string): Decimal {
  if (!v.isFinite() || v.lte(0))
    throw invalid(endpoint, `${inst.symbol}: ${what} must be positive, got ${v.toFixed()}`);
  const p = roundPrice(inst, v, dir);
  if (p.lte(0)) {
    throw invalid(
      endpoint,
      `${inst.symbol}: ${what} ${v.toFixed()} rounds to zero at tick ${inst.tickSize.toFixed()}`,
    );
  }
  return p;
}

function qty(
  inst: Instrument,
  q: Decimal,
  ref: Decimal | undefined,
  market: boolean,
  endpoint: string,
): Decimal {
  const r = makeQty(inst, q, { ...(ref ? { price: ref } : {}), market });
  if (!r.ok) throw invalid(endpoint, r.problem.message);
  return r.qty;
}

export function checkLinkId(id: string, endpoint: string): void {
  if (!isValidOrderLinkId(id)) {
    throw invalid(endpoint, `orderLinkId must be 1-36 chars of [A-Za-z0-9_-]; use orderLinkIdFor(intentId)`);
  }
}

/** Bybit: 1 = triggered when the price rises to triggerPrice, 2 = when it falls to it. */
function direction(req: PlaceOrderRequest): 1 | 2 {
  const d = req.triggerDirection ?? (req.side === 'buy' ? 'rises-to' : 'falls-to');
  return d === 'rises-to' ? 1 : 2;
}

export function placeParams(inst: Instrument, req: PlaceOrderRequest): OrderParamsV5 {
  const ep = 'order/create';
  checkLinkId(req.orderLinkId, ep);
  if (inst.symbol !== req.symbol || inst.category !== req.category) throw invalid(ep, 'instrument mismatch');
  const isLimit = req.type === 'limit';
  if (isLimit && req.price === undefined) throw invalid(ep, `${req.symbol}: a limit order needs a price`);
  // Round limit prices away from the market (buy down, sell up): never more aggressive than asked.
  const limitPrice =
    isLimit && req.price
      ? price(inst, req.price, req.side === 'buy' ? 'down' : 'up', 'price', ep)
      : undefined;
  const q = qty(inst, req.qty, limitPrice ?? req.refPrice, !isLimit, ep);
  const linear = req.category === 'linear';
  const trigger = req.triggerPrice
    ? price(inst, req.triggerPrice, 'nearest', 'trigger price', ep)
    : undefined;
  const tp = req.takeProfit ? price(inst, req.takeProfit, 'nearest', 'take-profit', ep) : undefined;
  const sl = req.stopLoss ? price(inst, req.stopLoss, 'nearest', 'stop-loss', ep) : undefined;
  const tif = req.timeInForce ?? (isLimit ? 'gtc' : 'ioc');
  if (!isLimit && tif === 'post-only') throw invalid(ep, 'a market order cannot be post-only');
  return {
    category: req.category,
    symbol: req.symbol,
    side: SIDE_TO_WIRE[req.side],
    orderType: TYPE_TO_WIRE[req.type],
    qty: toPlain(q),
    ...(limitPrice ? { price: toPlain(limitPrice) } : {}),
    timeInForce: TIF_TO_WIRE[tif],
    orderLinkId: req.orderLinkId,
    // Spot market buys are sized in quote coin unless told otherwise; our qty is always base.
    ...(!linear && !isLimit ? { marketUnit: 'baseCoin' as const } : {}),
    ...(linear && req.reduceOnly !== undefined ? { reduceOnly: req.reduceOnly } : {}),
    ...(linear ? { positionIdx: req.positionIdx ?? 0 } : {}),
    ...(trigger ? { triggerPrice: toPlain(trigger), triggerDirection: direction(req) } : {}),
    // Spot's conditional orders are their own kind at Bybit: without the filter the trigger is not armed.
    ...(!linear && trigger ? { orderFilter: 'StopOrder' as const } : {}),
    ...(tp ? { takeProfit: toPlain(tp) } : {}),
    ...(sl ? { stopLoss: toPlain(sl) } : {}),
    ...(linear && (tp || sl) ? { tpslMode: 'Full' as const } : {}),
  };
}

export function amendParams(inst: Instrument, req: AmendOrderRequest): AmendOrderParamsV5 {
  const ep = 'order/amend';
  if (req.orderLinkId !== undefined) checkLinkId(req.orderLinkId, ep);
  const p = req.price ? price(inst, req.price, 'nearest', 'price', ep) : undefined;
  const q = req.qty ? qty(inst, req.qty, p, false, ep) : undefined;
  const trigger = req.triggerPrice
    ? price(inst, req.triggerPrice, 'nearest', 'trigger price', ep)
    : undefined;
  const tp = req.takeProfit ? price(inst, req.takeProfit, 'nearest', 'take-profit', ep) : undefined;
  const sl = req.stopLoss ? price(inst, req.stopLoss, 'nearest', 'stop-loss', ep) : undefined;
  if (!p && !q && !trigger && !tp && !sl) throw invalid(ep, 'nothing to amend');
  return {
    category: req.category,
    symbol: req.symbol,
    // Send one id only: with both, the venue silently prefers orderId.
    ...(req.orderId !== undefined ? { orderId: req.orderId } : { orderLinkId: req.orderLinkId }),
    ...(q ? { qty: toPlain(q) } : {}),
    ...(p ? { price: toPlain(p) } : {}),
    ...(trigger ? { triggerPrice: toPlain(trigger) } : {}),
    ...(tp ? { takeProfit: toPlain(tp) } : {}),
    ...(sl ? { stopLoss: toPlain(sl) } : {}),
  };
}
