// Fills (executions) and funding payments: the facts a position is folded from.
// Bybit execTypes: https://bybit-exchange.github.io/docs/v5/enum#exectype
import type { Decimal } from './decimal.js';
import type { OrderFilled } from './events.js';
import type { Order } from './order.js';
import type { Side } from './side.js';

export interface Fill {
  /** Venue execution id (Bybit execId). */
  readonly tradeId: string;
  /** Null for executions of orders bosun did not place (manual trades found by reconciliation, ADL). */
  readonly orderLinkId: string | null;
  readonly symbol: string;
  readonly side: Side;
  /** Positive, in base coin. */
  readonly qty: Decimal;
  readonly price: Decimal;
  /** Positive when paid, negative for a maker rebate. */
  readonly fee: Decimal;
  readonly feeCurrency: string;
  readonly ts: number;
  readonly isMaker?: boolean;
}

/** A funding settlement on a perpetual position. */
export interface FundingPayment {
  readonly id: string;
  readonly symbol: string;
  /** Positive when received, negative when paid, in the settle (quote) coin. */
  readonly amount: Decimal;
  readonly ts: number;
}

/** The columns of a stored execution a fill is made of (a `fills` row, a report's fill). */
export interface StoredFill {
  readonly execId: string;
  readonly orderLinkId?: string | null;
  readonly symbol: string;
  readonly side: string;
  readonly qty: Decimal;
  readonly price: Decimal;
  readonly fee: Decimal;
  readonly feeCurrency: string;
  readonly execTime: number;
}

/** A stored execution as a fill; null when its side is neither Buy nor Sell. */
export function fillFromStored(f: StoredFill): Fill | null {
  if (f.side !== 'Buy' && f.side !== 'Sell') return null;
  return {
    tradeId: f.execId,
    orderLinkId: f.orderLinkId ?? null,
    symbol: f.symbol,
    side: f.side,
    qty: f.qty,
    price: f.price,
    fee: f.fee,
    feeCurrency: f.feeCurrency,
    ts: f.execTime,
  };
}

/** The position-side view of an order's fill event. */
export function fillFromOrderEvent(order: Order, ev: OrderFilled): Fill {
  return {
    tradeId: ev.tradeId,
    orderLinkId: order.orderLinkId,
    symbol: order.symbol,
    side: order.side,
    qty: ev.qty,
    price: ev.price,
    fee: ev.fee,
    feeCurrency: ev.feeCurrency,
    ts: ev.ts,
    ...(ev.isMaker === undefined ? {} : { isMaker: ev.isMaker }),
  };
}

/**
 * Bybit reports funding as an execution (execType Funding) whose execFee is what the account paid:
 * positive when paying, negative when receiving. We store the amount received.
 */
export function fundingFromBybitExecFee(
  id: string,
  symbol: string,
  execFee: Decimal,
  ts: number,
): FundingPayment {
  return { id, symbol, amount: execFee.neg(), ts };
}

export const EXEC_KIND = {
  /** Changes the position: normal trades, auto-deleveraging, liquidation, block trades, position moves. */
  Trade: 'trade',
  Funding: 'funding',
  /** Delivery/settlement of a dated contract. */
  Settlement: 'settlement',
  Unknown: 'unknown',
} as const;
export type ExecKind = (typeof EXEC_KIND)[keyof typeof EXEC_KIND];

const EXEC_KINDS: Readonly<Record<string, ExecKind>> = {
  Trade: 'trade',
  AdlTrade: 'trade',
  BustTrade: 'trade',
  BlockTrade: 'trade',
  MovePosition: 'trade',
  Funding: 'funding',
  Settle: 'settlement',
  Delivery: 'settlement',
};

/** What a Bybit execType means for the books; unknown values are reported, never guessed. */
export function classifyBybitExecType(execType: string): ExecKind {
  return Object.hasOwn(EXEC_KINDS, execType) ? (EXEC_KINDS[execType] ?? 'unknown') : 'unknown';
}
