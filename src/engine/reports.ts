// Venue reports (stream or REST) turned into order events, fills and positions. Everything here is
// idempotent: the same report applied twice changes nothing the second time.
import { nextApprovedOfInstance, transitionIntent } from '../db/repos/intents.js';
import { applyOrderEvent, orderWithIntent, type OrderIntent, type OrderRow } from '../db/repos/orders.js';
import { fillExists, recordFill, recordFunding } from '../db/repos/positions.js';
import type { OrderEvent } from '../domain/events.js';
import { fundingFromBybitExecFee } from '../domain/fill.js';
import { isTerminal, type OrderStatus } from '../domain/order-status.js';
import type { Category } from '../domain/instrument.js';
import type { FillReport, OrderReport } from '../exchange/port.js';
import type { EngineDeps } from './deps.js';
import { ensureInstrument } from './instruments.js';
import { fromPortSide } from './side-map.js';
import { metrics } from '../platform/metrics.js';

/** The events that move our order to what the venue reports; empty when nothing changed. */
export function eventsFor(order: OrderRow, r: OrderReport, now: number): OrderEvent[] {
  const out: OrderEvent[] = [];
  const status = order.status as OrderStatus;
  if (!order.exchangeOrderId && r.orderId)
    out.push({ type: 'OrderAccepted', ts: now, venueOrderId: r.orderId });
  if (isTerminal(status)) return out;
  const reason = r.reason || 'by the exchange';
  switch (r.status) {
    case 'cancelled':
      out.push({ type: 'OrderCancelled', ts: now, reason });
      break;
    case 'rejected':
      out.push({ type: 'OrderRejected', ts: now, reason, source: 'venue' });
      break;
    case 'deactivated':
      out.push({ type: 'OrderExpired', ts: now, reason });
      break;
    default:
      // new / partially-filled / filled: fills arrive as executions and move the status themselves.
      break;
  }
  return out;
}

async function finishIntent(
  deps: EngineDeps,
  order: OrderRow,
  link: Pick<OrderIntent, 'strategyInstanceId'> | null,
): Promise<void> {
  if (order.intentId === null) return;
  const status = order.status as OrderStatus;
  let finished = false;
  if (status === 'Filled') finished = await transitionIntent(deps.db, order.intentId, ['submitted'], 'done');
  else if (isTerminal(status)) {
    const to = order.cumQty.gt(0) ? 'done' : 'failed';
    finished = await transitionIntent(deps.db, order.intentId, ['submitted'], to, {
      reason: order.rejectReason ?? `order ${order.status.toLowerCase()}`,
    });
  }
  if (finished && link?.strategyInstanceId) await releaseNext(deps, link.strategyInstanceId, order.intentId);
}

/**
 * An instance's orders leave one at a time (order-service.ts): once one finishes, send the next approved
 * one (a reversal's entry, or an exit decided while an entry was on its way) without waiting for its
 * job's retry. Its submit job checks again what else it waits for.
 */
async function releaseNext(deps: EngineDeps, instanceId: string, finishedId: number): Promise<void> {
  const next = await nextApprovedOfInstance(deps.db, instanceId, finishedId);
  if (next !== null) await deps.enqueueSubmit(next);
}

/** Apply an order status report; reports for orders bosun did not place are ignored here. */
export async function applyOrderReport(deps: EngineDeps, r: OrderReport): Promise<void> {
  const found = await orderWithIntent(deps.db, r.orderLinkId);
  if (!found) return;
  const { order } = found;
  let last = order;
  for (const ev of eventsFor(order, r, deps.clock.now())) {
    const res = await deps.db.transaction((tx) => applyOrderEvent(tx, r.orderLinkId, ev));
    if (res.ok) last = res.row;
    else
      deps.log.warn(
        { orderLinkId: r.orderLinkId, event: ev.type, error: res.error.message },
        'order report not applied',
      );
  }
  await finishIntent(deps, last, found);
}

/** Store one execution once: fill + order event + position, in one transaction. */
export async function applyFillReport(
  deps: EngineDeps,
  f: FillReport,
): Promise<'recorded' | 'duplicate' | 'error'> {
  const category = f.category as Category;
  const inst = await ensureInstrument(deps, category, f.symbol);
  if (f.execType === 'Funding') {
    const pay = fundingFromBybitExecFee(f.execId, f.symbol, f.fee, f.ts);
    const r = await deps.db.transaction((tx) => recordFunding(tx, inst, pay));
    return r.kind === 'recorded' ? 'recorded' : r.kind;
  }
  // The stream and REST both deliver every execution: the second copy stops here, after one lookup.
  if (await fillExists(deps.db, f.execId)) return 'duplicate';
  const found = f.orderLinkId ? await orderWithIntent(deps.db, f.orderLinkId) : null;
  const order = found?.order ?? null;
  const strategyInstanceId = found?.strategyInstanceId ?? null;
  const outcome = await deps.db.transaction(async (tx) => {
    const rec = await recordFill(
      tx,
      inst,
      {
        tradeId: f.execId,
        orderLinkId: f.orderLinkId || null,
        symbol: f.symbol,
        side: fromPortSide(f.side),
        qty: f.qty,
        price: f.price,
        fee: f.fee,
        feeCurrency: f.feeCurrency,
        ts: f.ts,
        isMaker: f.isMaker,
      },
      { orderId: order?.id ?? null, category, execType: f.execType, strategyInstanceId, seq: f.seq },
    );
    if (rec.kind !== 'recorded') return { rec, row: null };
    if (!order) return { rec, row: null };
    const ev: OrderEvent = {
      type: 'OrderFilled',
      ts: f.ts,
      tradeId: f.execId,
      qty: f.qty,
      price: f.price,
      fee: f.fee,
      feeCurrency: f.feeCurrency,
      isMaker: f.isMaker,
      ...(f.orderId ? { venueOrderId: f.orderId } : {}),
    };
    const applied = await applyOrderEvent(tx, order.orderLinkId, ev);
    if (!applied.ok)
      throw new Error(`fill ${f.execId} does not fit order ${order.orderLinkId}: ${applied.error.message}`);
    return { rec, row: applied.row };
  });
  if (outcome.rec.kind === 'error') {
    deps.log.error(
      { execId: f.execId, error: outcome.rec.message },
      'fill could not be applied to the position',
    );
    return 'error';
  }
  if (outcome.rec.kind === 'duplicate') return 'duplicate';
  metrics.fill(category, f.side);
  if (outcome.row) await finishIntent(deps, outcome.row, found);
  await deps.notifier.notify({
    kind: 'fill',
    symbol: f.symbol,
    side: fromPortSide(f.side),
    qty: f.qty,
    price: f.price,
    intentId: order?.intentId ?? null,
  });
  return 'recorded';
}

/**
 * Executions oldest first, as the venue executed them (REST lists come newest first). Folding in this
 * order keeps the position on its fast path; the store replays a late one correctly either way.
 */
export function inVenueOrder(list: readonly FillReport[]): FillReport[] {
  return [...list].sort((a, b) => a.ts - b.ts || (a.seq ?? 0) - (b.seq ?? 0));
}

/** Fetch an order's executions over REST and apply them (the stream may be slower, or down). */
export async function pullExecutions(
  deps: EngineDeps,
  category: Category,
  symbol: string,
  orderLinkId: string,
): Promise<number> {
  const list = await deps.exchange.executions({ category, symbol, orderLinkId });
  let n = 0;
  for (const f of inVenueOrder(list)) if ((await applyFillReport(deps, f)) === 'recorded') n++;
  return n;
}
