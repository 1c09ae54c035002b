// Order entry: place (idempotent on orderLinkId, reconciles instead of resubmitting blindly), amend, cancel,
// cancel-all. https://bybit-exchange.github.io/docs/v5/order/create-order — the ack is asynchronous.
import type { OrderParamsV5 } from 'bybit-api';
import { dec } from '../../domain/decimal.js';
import type {
  AmendOrderRequest,
  CancelOrderRequest,
  OrderQuery,
  OrderRef,
  OrderReport,
  PlaceOrderRequest,
} from '../port.js';
import { type BybitContext, listOf } from './context.js';
import {
  DuplicateOrderError,
  type ExchangeError,
  isExchangeError,
  OrderNotFoundError,
  OutcomeUnknownError,
  TransientError,
} from './errors.js';
import { toOrderRef } from './map.js';
import { amendParams, checkLinkId, placeParams } from './order-params.js';
import { findOrder } from './order-queries.js';

/** The acknowledged order as sent: status new, nothing filled yet (the stream and resync carry the rest). */
function acknowledged(ref: OrderRef, p: OrderParamsV5, req: PlaceOrderRequest, now: number): OrderReport {
  const qty = dec(p.qty);
  return {
    orderId: ref.orderId,
    orderLinkId: ref.orderLinkId || req.orderLinkId,
    category: req.category,
    symbol: req.symbol,
    side: req.side,
    type: req.type,
    status: 'new',
    price: p.price ? dec(p.price) : null,
    qty,
    filledQty: dec('0'),
    leavesQty: qty,
    avgPrice: null,
    cumFee: dec('0'),
    timeInForce: req.timeInForce ?? (req.type === 'limit' ? 'gtc' : 'ioc'),
    reduceOnly: req.reduceOnly ?? false,
    triggerPrice: p.triggerPrice ? dec(p.triggerPrice) : null,
    takeProfit: p.takeProfit ? dec(p.takeProfit) : null,
    stopLoss: p.stopLoss ? dec(p.stopLoss) : null,
    reason: '',
    createdAt: now,
    updatedAt: now,
  };
}

/** Looks the order up by orderLinkId; a failed lookup leaves the outcome unknown. */
async function lookup(
  ctx: BybitContext,
  req: PlaceOrderRequest,
  cause: ExchangeError,
): Promise<OrderReport | null> {
  try {
    return await findOrder(ctx, req.category, req.symbol, { orderLinkId: req.orderLinkId });
  } catch (e) {
    const why = isExchangeError(e) ? e.message : 'lookup failed';
    throw new OutcomeUnknownError({
      code: cause.code,
      endpoint: 'order/create',
      detail: `placement outcome unknown and the lookup failed (${why})`,
      orderLinkId: req.orderLinkId,
    });
  }
}

export async function placeOrder(ctx: BybitContext, req: PlaceOrderRequest): Promise<OrderReport> {
  checkLinkId(req.orderLinkId, 'order/create');
  const params = placeParams(await ctx.instrument(req.category, req.symbol), req);
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await ctx.rest.call('order/create', req.category, () => ctx.client.submitOrder(params), {
        idempotent: false,
        orderLinkId: req.orderLinkId,
      });
      return acknowledged(toOrderRef(result, 'order/create'), params, req, ctx.timing.now());
    } catch (e) {
      if (!isExchangeError(e)) throw e;
      if (e instanceof DuplicateOrderError) {
        // Already placed (by an earlier attempt or another worker): that order is the answer.
        const existing = await lookup(ctx, req, e);
        if (existing) return existing;
        throw e;
      }
      if (e instanceof OutcomeUnknownError) {
        ctx.log.warn({ err: e.toJSON() }, 'order placement outcome unknown; reconciling by orderLinkId');
        const found = (await lookup(ctx, req, e)) ?? (await later(ctx, () => lookup(ctx, req, e)));
        if (found) return found;
        throw new OutcomeUnknownError({
          code: e.code,
          endpoint: 'order/create',
          detail: 'placement outcome unknown and no order carries this orderLinkId yet; reconcile later',
          orderLinkId: req.orderLinkId,
        });
      }
      if (e instanceof TransientError && attempt < ctx.maxRetries) {
        // The venue said it failed; confirm before trying again. A resubmit reuses the orderLinkId, so the
        // venue itself refuses a second order (110072) if the first one did land after all.
        const found = await lookup(ctx, req, e);
        if (found) return found;
        await ctx.timing.sleep(ctx.backoffBaseMs * 2 ** attempt);
        continue;
      }
      throw e;
    }
  }
}

async function later<T>(ctx: BybitContext, run: () => Promise<T>): Promise<T> {
  await ctx.timing.sleep(ctx.lookupRetryDelayMs);
  return run();
}

export async function amendOrder(ctx: BybitContext, req: AmendOrderRequest): Promise<OrderRef> {
  const params = amendParams(await ctx.instrument(req.category, req.symbol), req);
  const result = await ctx.rest.call('order/amend', req.category, () => ctx.client.amendOrder(params), {
    idempotent: true,
  });
  return toOrderRef(result, 'order/amend');
}

export async function cancelOrder(ctx: BybitContext, req: CancelOrderRequest): Promise<OrderRef> {
  if (req.orderLinkId !== undefined) checkLinkId(req.orderLinkId, 'order/cancel');
  const id = req.orderId !== undefined ? { orderId: req.orderId } : { orderLinkId: req.orderLinkId };
  try {
    const result = await ctx.rest.call(
      'order/cancel',
      req.category,
      () => ctx.client.cancelOrder({ category: req.category, symbol: req.symbol, ...id }),
      { idempotent: true },
    );
    return toOrderRef(result, 'order/cancel');
  } catch (e) {
    // A retried cancel whose first try landed hears "no such order": the order being cancelled is success.
    if (e instanceof OrderNotFoundError) {
      const o = await findOrder(ctx, req.category, req.symbol, req);
      if (o && o.status === 'cancelled') return { orderId: o.orderId, orderLinkId: o.orderLinkId };
    }
    throw e;
  }
}

export async function cancelAllOrders(ctx: BybitContext, q: OrderQuery): Promise<OrderRef[]> {
  const where = q.symbol
    ? { symbol: q.symbol }
    : q.category === 'linear'
      ? { settleCoin: q.settleCoin ?? ctx.settleCoin }
      : {};
  const result = await ctx.rest.call(
    'order/cancel-all',
    q.category,
    () => ctx.client.cancelAllOrders({ category: q.category, ...where }),
    { idempotent: true },
  );
  return listOf(result, 'order/cancel-all').map((r) => toOrderRef(r, 'order/cancel-all'));
}
