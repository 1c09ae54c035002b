// Order domain events: the stored history of an order; its status is a projection of these.
// Names are past tense; every event carries its time in ms since the epoch.
import type { Decimal } from './decimal.js';
import type { Category } from './instrument.js';
import type { Side } from './side.js';

export const ORDER_EVENT = {
  OrderCreated: 'OrderCreated',
  OrderDenied: 'OrderDenied',
  OrderSubmitted: 'OrderSubmitted',
  OrderAccepted: 'OrderAccepted',
  OrderRejected: 'OrderRejected',
  OrderFilled: 'OrderFilled',
  OrderCancelRequested: 'OrderCancelRequested',
  OrderCancelRejected: 'OrderCancelRejected',
  OrderCancelled: 'OrderCancelled',
  OrderExpired: 'OrderExpired',
  OrderAmended: 'OrderAmended',
} as const;
export type OrderEventType = (typeof ORDER_EVENT)[keyof typeof ORDER_EVENT];
export const ORDER_EVENT_TYPES: readonly OrderEventType[] = Object.values(ORDER_EVENT);

export const ORDER_TYPES = ['Market', 'Limit'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export const TIME_IN_FORCE = ['GTC', 'IOC', 'FOK', 'PostOnly'] as const;
export type TimeInForce = (typeof TIME_IN_FORCE)[number];

/** Who established a rejection: the venue said so, or reconciliation proved the order absent after a lost ack. */
export const REJECT_SOURCES = ['venue', 'reconcile'] as const;
export type RejectSource = (typeof REJECT_SOURCES)[number];

/** Starts an order's stream: the intent was approved and a submit job created (status PendingSubmit). */
export interface OrderCreated {
  readonly type: 'OrderCreated';
  readonly ts: number;
  readonly orderLinkId: string;
  readonly intentId: string;
  readonly symbol: string;
  readonly category: Category;
  readonly side: Side;
  readonly orderType: OrderType;
  /** Always in base coin, also for spot market buys (the adapter sends marketUnit=baseCoin). */
  readonly qty: Decimal;
  /** Limit price; null for market orders. */
  readonly price: Decimal | null;
  readonly timeInForce: TimeInForce;
  readonly reduceOnly: boolean;
}

/** A pre-send check in the submit job refused the order (kill switch, stale intent, risk re-check). */
export interface OrderDenied {
  readonly type: 'OrderDenied';
  readonly ts: number;
  readonly reason: string;
}

/** Recorded just before the request leaves: from here on the outcome may be unknown. */
export interface OrderSubmitted {
  readonly type: 'OrderSubmitted';
  readonly ts: number;
}

export interface OrderAccepted {
  readonly type: 'OrderAccepted';
  readonly ts: number;
  readonly venueOrderId: string;
}

export interface OrderRejected {
  readonly type: 'OrderRejected';
  readonly ts: number;
  readonly reason: string;
  readonly source: RejectSource;
  /** Venue retCode when the venue rejected it. */
  readonly code?: number;
}

export interface OrderFilled {
  readonly type: 'OrderFilled';
  readonly ts: number;
  /** Venue execution id (Bybit execId); the de-duplication key. */
  readonly tradeId: string;
  readonly qty: Decimal;
  readonly price: Decimal;
  /** Positive when paid, negative for a maker rebate. */
  readonly fee: Decimal;
  readonly feeCurrency: string;
  readonly isMaker?: boolean;
  /** Venue order id, when the execution report carries one (it proves acceptance). */
  readonly venueOrderId?: string;
}

export interface OrderCancelRequested {
  readonly type: 'OrderCancelRequested';
  readonly ts: number;
  readonly reason: string;
}

export interface OrderCancelRejected {
  readonly type: 'OrderCancelRejected';
  readonly ts: number;
  readonly reason: string;
  readonly code?: number;
}

export interface OrderCancelled {
  readonly type: 'OrderCancelled';
  readonly ts: number;
  readonly reason: string;
}

export interface OrderExpired {
  readonly type: 'OrderExpired';
  readonly ts: number;
  readonly reason: string;
}

/** The venue confirmed an amendment; fields left out keep their value. */
export interface OrderAmended {
  readonly type: 'OrderAmended';
  readonly ts: number;
  readonly qty?: Decimal;
  readonly price?: Decimal;
}

export type OrderEvent =
  | OrderCreated
  | OrderDenied
  | OrderSubmitted
  | OrderAccepted
  | OrderRejected
  | OrderFilled
  | OrderCancelRequested
  | OrderCancelRejected
  | OrderCancelled
  | OrderExpired
  | OrderAmended;
