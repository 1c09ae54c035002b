// THE order transition table: (status, event) → next status. Anything not listed is an InvalidTransition.
// Arms that look surprising say why they exist; the venue's private streams and REST replies race each other.
import type { OrderEventType } from './events.js';
import type { OrderStatus } from './order-status.js';

/**
 * Targets that depend on fill progress, resolved after the event's effect is applied:
 * - `Progress`: Filled when cumQty = qty, else PartiallyFilled when cumQty > 0, else New when the venue
 *   acknowledged the order, else Submitted.
 * - `FilledOrStay`: Filled when cumQty = qty, else the current status.
 */
export const PROGRESS = 'Progress';
export const FILLED_OR_STAY = 'FilledOrStay';
export type TransitionTarget = OrderStatus | typeof PROGRESS | typeof FILLED_OR_STAY;

type Row = Readonly<Partial<Record<OrderEventType, TransitionTarget>>>;

export const TRANSITIONS: Readonly<Record<OrderStatus, Row>> = {
  PendingSubmit: {
    OrderSubmitted: 'Submitted',
    OrderDenied: 'Rejected',
    // Withdrawn before sending: the submit job re-reads the status and sends nothing.
    OrderCancelled: 'Cancelled',
    // The submit job found the intent stale (queued past its time to live).
    OrderExpired: 'Expired',
  },
  Submitted: {
    OrderAccepted: 'New',
    // The venue refused it, or reconciliation proved a lost-ack order absent (source: 'reconcile').
    OrderRejected: 'Rejected',
    // A fill proves acceptance; a market order's execution report routinely beats the REST ack.
    OrderFilled: PROGRESS,
    // Cancel by orderLinkId: the kill switch must reach orders whose ack has not arrived.
    OrderCancelRequested: 'PendingCancel',
    // Cancel-all from elsewhere, or a PostOnly/FOK cancel, seen on the stream before our ack.
    OrderCancelled: 'Cancelled',
    OrderExpired: 'Expired',
  },
  New: {
    // The stream's New and the REST ack both acknowledge; whichever comes second changes nothing.
    OrderAccepted: 'New',
    // Bybit's REST ack means the gateway took it; the matching engine can still reject it.
    OrderRejected: 'Rejected',
    OrderFilled: PROGRESS,
    OrderCancelRequested: 'PendingCancel',
    // Venue-initiated: IOC/FOK remainder, PostOnly that would take, cancel-all from another session.
    OrderCancelled: 'Cancelled',
    OrderExpired: 'Expired',
    OrderAmended: 'New',
  },
  PartiallyFilled: {
    OrderAccepted: 'PartiallyFilled',
    OrderFilled: PROGRESS,
    OrderCancelRequested: 'PendingCancel',
    // IOC remainder or spot PartiallyFilledCanceled; the fills already received stay.
    OrderCancelled: 'Cancelled',
    OrderExpired: 'Expired',
    OrderAmended: 'PartiallyFilled',
  },
  PendingCancel: {
    // The cancel was requested before the ack arrived.
    OrderAccepted: 'PendingCancel',
    // Only reachable when the cancel was requested before the ack: the venue refused the order itself.
    OrderRejected: 'Rejected',
    // Fills keep coming until the venue processes the cancel; the last one completes the order.
    OrderFilled: FILLED_OR_STAY,
    // Too late or unknown to the venue: the order is whatever its fills and ack say it is.
    OrderCancelRejected: PROGRESS,
    OrderCancelled: 'Cancelled',
    OrderExpired: 'Expired',
    // An amend sent before the cancel request was confirmed after it.
    OrderAmended: 'PendingCancel',
  },
  Filled: {
    // Late REST ack after the execution report completed the order.
    OrderAccepted: 'Filled',
    // The cancel lost the race to the last fill.
    OrderCancelRejected: 'Filled',
  },
  Cancelled: {
    OrderAccepted: 'Cancelled',
    // Real world possibility: an execution report trails the cancel confirmation. Money moved, so the
    // fill is recorded; the order stays Cancelled unless the fill completes it.
    OrderFilled: FILLED_OR_STAY,
    // Our cancel raced the venue's own cancel (IOC remainder, cancel-all) and found nothing to cancel.
    OrderCancelRejected: 'Cancelled',
  },
  Expired: {
    OrderAccepted: 'Expired',
    // As for Cancelled: the execution report can trail the expiry.
    OrderFilled: FILLED_OR_STAY,
    OrderCancelRejected: 'Expired',
  },
  Rejected: {
    // A cancel requested before the ack raced the rejection.
    OrderCancelRejected: 'Rejected',
    // Deliberately absent: OrderAccepted and OrderFilled. A rejected order that turns out to exist means
    // reconciliation was wrong (or the venue changed its mind): stop and alert, never paper over it.
  },
};

/** The table's arm for (status, event), or null when the pair is not a valid transition. */
export function transitionFor(status: OrderStatus, event: OrderEventType): TransitionTarget | null {
  return TRANSITIONS[status][event] ?? null;
}
