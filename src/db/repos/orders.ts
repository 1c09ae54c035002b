// Orders: the event log is the truth (order_events); the orders row is its projection, rewritten in
// the same transaction each time an event is applied through the domain's transition table.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { ZERO } from '../../domain/decimal.js';
import type { OrderCreated, OrderEvent } from '../../domain/events.js';
import { applyEvent, createOrder, foldOrder, type Order, type OrderError } from '../../domain/order.js';
import type { Db } from '../client.js';
import { orderEvents, orders } from '../schema/index.js';
import { decodeEvent, encodeEvent } from './order-codec.js';

export type OrderRow = typeof orders.$inferSelect;

export type ApplyResult =
  | { ok: true; order: Order; row: OrderRow; changed: boolean }
  | { ok: false; error: OrderError | { kind: 'NotFound'; message: string } };

function projection(o: Order): Omit<typeof orders.$inferInsert, 'intentId' | 'orderLinkId'> {
  let cumFee = ZERO;
  for (const v of o.fees.values()) cumFee = cumFee.plus(v);
  return {
    exchangeOrderId: o.venueOrderId,
    category: o.category,
    symbol: o.symbol,
    side: o.side,
    orderType: o.orderType,
    qty: o.qty,
    price: o.price,
    timeInForce: o.timeInForce,
    reduceOnly: o.reduceOnly,
    status: o.status,
    cumQty: o.cumQty,
    avgPrice: o.avgPrice,
    cumFee,
    rejectReason: o.reason,
  };
}

/** Create the order and its first event; returns null when the orderLinkId already exists. */
export async function createOrderRow(tx: Db, intentId: number, ev: OrderCreated): Promise<OrderRow | null> {
  const made = createOrder(ev);
  if (!made.ok) throw new Error(made.error.message);
  const rows = await tx
    .insert(orders)
    .values({ intentId, orderLinkId: ev.orderLinkId, ...projection(made.order) })
    .onConflictDoNothing()
    .returning();
  const row = rows[0];
  if (!row) return null;
  await tx
    .insert(orderEvents)
    .values({ orderId: row.id, type: ev.type, payload: encodeEvent(ev), ts: ev.ts });
  return row;
}

export async function getOrderByLinkId(db: Db, orderLinkId: string): Promise<OrderRow | null> {
  const [r] = await db.select().from(orders).where(eq(orders.orderLinkId, orderLinkId));
  return r ?? null;
}

export async function ordersForIntent(db: Db, intentId: number): Promise<OrderRow[]> {
  return db.select().from(orders).where(eq(orders.intentId, intentId)).orderBy(asc(orders.id));
}

export async function openOrders(db: Db): Promise<OrderRow[]> {
  return db
    .select()
    .from(orders)
    .where(inArray(orders.status, ['PendingSubmit', 'Submitted', 'New', 'PartiallyFilled', 'PendingCancel']))
    .orderBy(asc(orders.id));
}

/** Rebuild the domain order from its stored events. */
export async function loadOrder(db: Db, orderId: number): Promise<Order | null> {
  const evs = await db
    .select({ payload: orderEvents.payload })
    .from(orderEvents)
    .where(eq(orderEvents.orderId, orderId))
    .orderBy(asc(orderEvents.id));
  if (evs.length === 0) return null;
  const folded = foldOrder(evs.map((e) => decodeEvent(e.payload)));
  if (!folded.ok) throw new Error(`stored events of order ${orderId} do not fold: ${folded.error.message}`);
  return folded.order;
}

/**
 * Apply one event to an order under a row lock: store the event and the new projection, or return the
 * domain's refusal (duplicate fill, invalid transition…) without writing anything.
 */
export async function applyOrderEvent(tx: Db, orderLinkId: string, ev: OrderEvent): Promise<ApplyResult> {
  const [row] = await tx.select().from(orders).where(eq(orders.orderLinkId, orderLinkId)).for('update');
  if (!row) return { ok: false, error: { kind: 'NotFound', message: `no order ${orderLinkId}` } };
  const current = await loadOrder(tx, row.id);
  if (!current)
    return { ok: false, error: { kind: 'NotFound', message: `order ${orderLinkId} has no events` } };
  const r = applyEvent(current, ev);
  if (!r.ok) return r;
  await tx
    .insert(orderEvents)
    .values({ orderId: row.id, type: ev.type, payload: encodeEvent(ev), ts: ev.ts });
  const [updated] = await tx
    .update(orders)
    .set({ ...projection(r.order), updatedAt: sql`now()` })
    .where(and(eq(orders.id, row.id)))
    .returning();
  return { ok: true, order: r.order, row: updated ?? row, changed: r.order.status !== current.status };
}
