// The order model: an Order is the projection of its events through the one transition table.
// applyEvent never throws: errors are data for the caller to store and alert on.
import type { Decimal } from './decimal.js';
import { ZERO } from './decimal.js';
import type { Category } from './instrument.js';
import type { Side } from './side.js';
import type {
  OrderAmended,
  OrderCreated,
  OrderEvent,
  OrderEventType,
  OrderFilled,
  OrderRejected,
  OrderType,
  TimeInForce,
} from './events.js';
import type { OrderStatus } from './order-status.js';
import { isValidOrderLinkId } from './ids.js';
import { FILLED_OR_STAY, PROGRESS, transitionFor, type TransitionTarget } from './order-transitions.js';

export interface Order {
  readonly orderLinkId: string;
  readonly intentId: string;
  readonly symbol: string;
  readonly category: Category;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly qty: Decimal;
  readonly price: Decimal | null;
  readonly timeInForce: TimeInForce;
  readonly reduceOnly: boolean;
  readonly status: OrderStatus;
  /** Bybit orderId, once an ack or an execution report names it. */
  readonly venueOrderId: string | null;
  /** The venue is known to have the order (ack or fill seen). */
  readonly acknowledged: boolean;
  readonly cumQty: Decimal;
  /** Σ qty × price over fills, kept exact so the average is derived, never accumulated. */
  readonly cumNotional: Decimal;
  /** cumNotional / cumQty; null before the first fill. */
  readonly avgPrice: Decimal | null;
  /** Cumulative fees per currency (spot buys pay in base coin, everything else in quote). */
  readonly fees: ReadonlyMap<string, Decimal>;
  readonly tradeIds: readonly string[];
  /** Why the order ended: the reason of its denial, rejection, cancellation or expiry. */
  readonly reason: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export const ORDER_ERROR = {
  InvalidTransition: 'InvalidTransition',
  DuplicateFill: 'DuplicateFill',
  Overfill: 'Overfill',
  VenueIdMismatch: 'VenueIdMismatch',
  InvalidEvent: 'InvalidEvent',
} as const;

export type OrderError =
  | { kind: 'InvalidTransition'; status: OrderStatus; event: OrderEventType; message: string }
  | { kind: 'DuplicateFill'; tradeId: string; message: string }
  | { kind: 'Overfill'; orderQty: Decimal; cumQty: Decimal; fillQty: Decimal; message: string }
  | { kind: 'VenueIdMismatch'; known: string; received: string; message: string }
  | { kind: 'InvalidEvent'; message: string };

export type OrderResult = { ok: true; order: Order } | { ok: false; error: OrderError };
export type OrderFoldResult = { ok: true; order: Order } | { ok: false; error: OrderError; index: number };

function fail(error: OrderError): OrderResult {
  return { ok: false, error };
}

function invalidEvent(message: string): OrderResult {
  return fail({ kind: 'InvalidEvent', message });
}

/** Start an order from its OrderCreated event (status PendingSubmit). */
export function createOrder(ev: OrderCreated): OrderResult {
  if (!isValidOrderLinkId(ev.orderLinkId)) {
    return invalidEvent(`"${ev.orderLinkId}" is not a valid orderLinkId (1-36 chars of [A-Za-z0-9_-])`);
  }
  if (!ev.qty.isFinite() || ev.qty.lte(ZERO)) {
    return invalidEvent(`order quantity must be positive, got ${ev.qty.toFixed()}`);
  }
  if (ev.orderType === 'Limit' && (ev.price === null || !ev.price.isFinite() || ev.price.lte(ZERO))) {
    return invalidEvent('a limit order needs a positive price');
  }
  if (ev.orderType === 'Market' && ev.price !== null) return invalidEvent('a market order has no price');
  return {
    ok: true,
    order: {
      orderLinkId: ev.orderLinkId,
      intentId: ev.intentId,
      symbol: ev.symbol,
      category: ev.category,
      side: ev.side,
      orderType: ev.orderType,
      qty: ev.qty,
      price: ev.price,
      timeInForce: ev.timeInForce,
      reduceOnly: ev.reduceOnly,
      status: 'PendingSubmit',
      venueOrderId: null,
      acknowledged: false,
      cumQty: ZERO,
      cumNotional: ZERO,
      avgPrice: null,
      fees: new Map(),
      tradeIds: [],
      reason: null,
      createdAt: ev.ts,
      updatedAt: ev.ts,
    },
  };
}

export function leavesQty(order: Order): Decimal {
  return order.qty.minus(order.cumQty);
}

export const REASON_NOT_FOUND_AT_VENUE = 'not found at venue after lost acknowledgement';

/** The event reconciliation records when it proves a lost-ack order absent at the venue. */
export function notFoundAtVenue(ts: number, detail?: string): OrderRejected {
  const reason = detail ? `${REASON_NOT_FOUND_AT_VENUE}: ${detail}` : REASON_NOT_FOUND_AT_VENUE;
  return { type: 'OrderRejected', ts, reason, source: 'reconcile' };
}

/** Sent but never acknowledged: only reconciliation by orderLinkId may decide its fate; never resubmit blindly. */
export function isAwaitingAck(order: Order): boolean {
  return !order.acknowledged && (order.status === 'Submitted' || order.status === 'PendingCancel');
}

function withVenueId(order: Order, venueOrderId: string | undefined): OrderResult {
  if (venueOrderId === undefined || venueOrderId === '') return { ok: true, order };
  if (order.venueOrderId !== null && order.venueOrderId !== venueOrderId) {
    return fail({
      kind: 'VenueIdMismatch',
      known: order.venueOrderId,
      received: venueOrderId,
      message: `${order.orderLinkId}: venue order id ${venueOrderId} differs from the known ${order.venueOrderId}`,
    });
  }
  return { ok: true, order: { ...order, venueOrderId, acknowledged: true } };
}

function applyFill(order: Order, ev: OrderFilled): OrderResult {
  if (!ev.qty.isFinite() || ev.qty.lte(ZERO))
    return invalidEvent(`fill ${ev.tradeId}: quantity must be positive`);
  if (!ev.price.isFinite() || ev.price.lte(ZERO))
    return invalidEvent(`fill ${ev.tradeId}: price must be positive`);
  if (!ev.fee.isFinite()) return invalidEvent(`fill ${ev.tradeId}: fee must be finite`);
  const cumQty = order.cumQty.plus(ev.qty);
  if (cumQty.gt(order.qty)) {
    return fail({
      kind: 'Overfill',
      orderQty: order.qty,
      cumQty: order.cumQty,
      fillQty: ev.qty,
      message: `${order.orderLinkId}: fill ${ev.tradeId} of ${ev.qty.toFixed()} would take the filled quantity to ${cumQty.toFixed()}, above the order's ${order.qty.toFixed()}`,
    });
  }
  const withId = withVenueId(order, ev.venueOrderId);
  if (!withId.ok) return withId;
  const cumNotional = order.cumNotional.plus(ev.qty.mul(ev.price));
  const fees = new Map(order.fees);
  fees.set(ev.feeCurrency, (fees.get(ev.feeCurrency) ?? ZERO).plus(ev.fee));
  return {
    ok: true,
    order: {
      ...withId.order,
      acknowledged: true,
      cumQty,
      cumNotional,
      avgPrice: cumNotional.div(cumQty),
      fees,
      tradeIds: [...order.tradeIds, ev.tradeId],
    },
  };
}

function applyAmend(order: Order, ev: OrderAmended): OrderResult {
  if (ev.qty === undefined && ev.price === undefined)
    return invalidEvent('an amendment changes qty, price or both');
  if (ev.qty !== undefined && (!ev.qty.isFinite() || ev.qty.lte(order.cumQty))) {
    return invalidEvent(
      `${order.orderLinkId}: amended quantity ${ev.qty.toFixed()} must exceed the filled ${order.cumQty.toFixed()}`,
    );
  }
  if (ev.price !== undefined) {
    if (order.orderType === 'Market')
      return invalidEvent(`${order.orderLinkId}: a market order has no price to amend`);
    if (!ev.price.isFinite() || ev.price.lte(ZERO)) return invalidEvent('amended price must be positive');
  }
  return { ok: true, order: { ...order, qty: ev.qty ?? order.qty, price: ev.price ?? order.price } };
}

/** The event's effect on the order's data, before the status is projected. */
function applyEffect(order: Order, ev: OrderEvent): OrderResult {
  switch (ev.type) {
    case 'OrderFilled':
      return applyFill(order, ev);
    case 'OrderAmended':
      return applyAmend(order, ev);
    case 'OrderAccepted':
      if (ev.venueOrderId === '') return invalidEvent('an acknowledgement needs the venue order id');
      return withVenueId(order, ev.venueOrderId);
    case 'OrderDenied':
    case 'OrderRejected':
    case 'OrderCancelled':
    case 'OrderExpired':
      return { ok: true, order: { ...order, reason: ev.reason } };
    // A cancel request or refusal does not say why the order ended; the stored events keep their reasons.
    case 'OrderCancelRequested':
    case 'OrderCancelRejected':
    case 'OrderCreated':
    case 'OrderSubmitted':
      return { ok: true, order };
  }
}

function resolve(target: TransitionTarget, order: Order): OrderStatus {
  if (target === PROGRESS) {
    if (order.cumQty.eq(order.qty)) return 'Filled';
    if (order.cumQty.gt(ZERO)) return 'PartiallyFilled';
    return order.acknowledged ? 'New' : 'Submitted';
  }
  if (target === FILLED_OR_STAY) return order.cumQty.eq(order.qty) ? 'Filled' : order.status;
  return target;
}

/**
 * Apply one event. A duplicate tradeId is reported before the transition is looked up, so a re-delivered
 * execution (stream and REST both report it) is recognisably harmless whatever the order's status.
 */
export function applyEvent(order: Order, ev: OrderEvent): OrderResult {
  if (ev.type === 'OrderFilled' && order.tradeIds.includes(ev.tradeId)) {
    return fail({
      kind: 'DuplicateFill',
      tradeId: ev.tradeId,
      message: `${order.orderLinkId}: fill ${ev.tradeId} already applied`,
    });
  }
  const target = transitionFor(order.status, ev.type);
  // The table allows PendingCancel → Rejected for a cancel sent before the ack; an order that traded
  // can never be rejected, whatever its status says.
  const rejectedAfterTrading = ev.type === 'OrderRejected' && order.cumQty.gt(ZERO);
  if (target === null || rejectedAfterTrading) {
    return fail({
      kind: 'InvalidTransition',
      status: order.status,
      event: ev.type,
      message: rejectedAfterTrading
        ? `${order.orderLinkId}: an order that traded ${order.cumQty.toFixed()} cannot be rejected`
        : `${order.orderLinkId}: ${ev.type} is not valid for an order in status ${order.status}`,
    });
  }
  const effect = applyEffect(order, ev);
  if (!effect.ok) return effect;
  const next = effect.order;
  return {
    ok: true,
    order: { ...next, status: resolve(target, next), updatedAt: Math.max(next.updatedAt, ev.ts) },
  };
}

/** Rebuild an order from its stored events; the first must be OrderCreated. Stops at the first error. */
export function foldOrder(events: readonly OrderEvent[]): OrderFoldResult {
  const [first, ...rest] = events;
  if (first === undefined || first.type !== 'OrderCreated') {
    return {
      ok: false,
      index: 0,
      error: { kind: 'InvalidEvent', message: 'an order stream starts with OrderCreated' },
    };
  }
  const created = createOrder(first);
  if (!created.ok) return { ...created, index: 0 };
  let order = created.order;
  for (const [i, ev] of rest.entries()) {
    const r = applyEvent(order, ev);
    if (!r.ok) return { ...r, index: i + 1 };
    order = r.order;
  }
  return { ok: true, order };
}
