// Order statuses and the mapping from Bybit V5 wire statuses (orderStatus in order/realtime, order/history, WS order).
// https://bybit-exchange.github.io/docs/v5/enum#orderstatus
export const ORDER_STATUS = {
  /** Intent approved, submit job created; nothing sent yet. */
  PendingSubmit: 'PendingSubmit',
  /** Sent, no acknowledgement yet. A lost ack keeps the order here until reconciliation decides. */
  Submitted: 'Submitted',
  New: 'New',
  PartiallyFilled: 'PartiallyFilled',
  Filled: 'Filled',
  PendingCancel: 'PendingCancel',
  Cancelled: 'Cancelled',
  Rejected: 'Rejected',
  Expired: 'Expired',
} as const;
export type OrderStatus = (typeof ORDER_STATUS)[keyof typeof ORDER_STATUS];
export const ORDER_STATUSES: readonly OrderStatus[] = Object.values(ORDER_STATUS);

export const TERMINAL_ORDER_STATUSES: readonly OrderStatus[] = ['Filled', 'Cancelled', 'Rejected', 'Expired'];
const TERMINAL: ReadonlySet<OrderStatus> = new Set(TERMINAL_ORDER_STATUSES);

/** No further venue activity is expected (late fills and acks can still land; see the transition table). */
export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL.has(status);
}

/** Live at the venue or possibly so: these need reconciliation after a restart or reconnect. */
export function isOpen(status: OrderStatus): boolean {
  return status !== 'PendingSubmit' && !TERMINAL.has(status);
}

export const BYBIT_ORDER_STATUSES = [
  'Created',
  'New',
  'Rejected',
  'PartiallyFilled',
  'PartiallyFilledCanceled',
  'Filled',
  'Cancelled',
  'Untriggered',
  'Triggered',
  'Deactivated',
  'Active',
] as const;
export type BybitOrderStatus = (typeof BYBIT_ORDER_STATUSES)[number];

const FROM_BYBIT: Readonly<Record<BybitOrderStatus, OrderStatus>> = {
  // Accepted by the system but not yet through the matching engine: acknowledged, may still be rejected.
  Created: 'New',
  New: 'New',
  Rejected: 'Rejected',
  PartiallyFilled: 'PartiallyFilled',
  // Spot: partly filled, remainder cancelled. The fills stay; cumQty tells the two cancels apart.
  PartiallyFilledCanceled: 'Cancelled',
  Filled: 'Filled',
  Cancelled: 'Cancelled',
  // Conditional orders waiting for (or just past) their trigger are live at the venue, not yet in the book.
  Untriggered: 'New',
  Triggered: 'New',
  Active: 'New',
  // A conditional/TP-SL order cancelled by the system before it triggered: it lapsed, nobody cancelled it.
  Deactivated: 'Expired',
};

/** Our status for a Bybit orderStatus, or null for a value this code does not know (alert, do not guess). */
export function fromBybitStatus(wire: string): OrderStatus | null {
  return isBybitOrderStatus(wire) ? FROM_BYBIT[wire] : null;
}

export function isBybitOrderStatus(wire: string): wire is BybitOrderStatus {
  return (BYBIT_ORDER_STATUSES as readonly string[]).includes(wire);
}
