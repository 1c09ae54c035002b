// The venue's streams as desk events: executions become fills, orders reaching a final state become
// order reports, confirmed klines of the series the instances read become bars. Nothing is decided here.
import type { FillReport, KlineUpdate, OrderReport } from '../../exchange/port.js';
import type { BarDeskEvent, DeskEvent, OrderDeskEvent } from './events.js';
import { fillEvent } from './fill-event.js';

/** The venue's final order statuses as the kernel's order ends (filled is told by its fills). */
export const FINAL: Partial<Record<OrderReport['status'], OrderDeskEvent['status']>> = {
  cancelled: 'Cancelled',
  rejected: 'Rejected',
  deactivated: 'Deactivated',
};

export function fromExecution(f: FillReport): DeskEvent {
  return fillEvent(f);
}

/** Null for reports that change nothing the kernel tracks (new, partially filled, filled: fills tell). */
export function fromOrderReport(o: OrderReport): DeskEvent | null {
  const status = FINAL[o.status];
  if (!status || !o.orderLinkId) return null;
  return {
    kind: 'order',
    category: o.category,
    symbol: o.symbol,
    orderLinkId: o.orderLinkId,
    status,
    filledQty: o.filledQty.toFixed(),
    reason: o.reason || status.toLowerCase(),
    ts: o.updatedAt,
  };
}

/** Null while the bar is still forming. */
export function fromKline(k: KlineUpdate): BarDeskEvent | null {
  if (!k.confirmed) return null;
  return {
    kind: 'bar',
    category: k.category,
    symbol: k.symbol,
    interval: k.interval,
    start: k.start,
    open: k.open.toFixed(),
    high: k.high.toFixed(),
    low: k.low.toFixed(),
    close: k.close.toFixed(),
    volume: k.volume.toFixed(),
  };
}
