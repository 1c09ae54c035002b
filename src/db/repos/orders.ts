// Orders: the event log is the truth (order_events); the orders row is its projection, rewritten in
// the same transaction each time an event is applied through the domain's transition table.
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { ZERO } from '../../domain/decimal.js';
import type { OrderCreated, OrderEvent } from '../../domain/events.js';
import { applyEvent, createOrder, foldOrder, type Order, type OrderError } from '../../domain/order.js';
import type { Db } from '../client.js';
import { rows } from '../rows.js';
import { intents, LEGACY_ORDER_KERNEL_COLUMNS, orderEvents, orders } from '../schema/index.js';
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

/** The columns of a new order, already marked Submitted (intent_id apart), and its first two events. */
export interface SubmittedOrder {
  readonly values: Omit<typeof orders.$inferInsert, 'intentId'>;
  readonly events: readonly [OrderEvent, OrderEvent];
}

/** What a submit writes just before the request leaves: OrderCreated then OrderSubmitted, folded. */
export function submittedOrder(ev: OrderCreated, submittedAt: number): SubmittedOrder {
  const made = createOrder(ev);
  if (!made.ok) throw new Error(made.error.message);
  const submitted: OrderEvent = { type: 'OrderSubmitted', ts: submittedAt };
  const next = applyEvent(made.order, submitted);
  if (!next.ok) throw new Error(`cannot mark ${ev.orderLinkId} submitted: ${next.error.message}`);
  return { values: { orderLinkId: ev.orderLinkId, ...projection(next.order) }, events: [ev, submitted] };
}

/** `(type, payload, ts), …` for an `insert into order_events … select … from (values …)`. */
export function eventRows(events: readonly OrderEvent[]): SQL {
  return sql.join(
    events.map((e) => sql`(${e.type}, ${JSON.stringify(encodeEvent(e))}, ${e.ts})`),
    sql`, `,
  );
}

/** The row a statement wrote when it returned only the id. */
export function writtenOrder(id: number, intentId: number | null, o: SubmittedOrder): OrderRow {
  const v = o.values;
  const now = new Date();
  return {
    id,
    intentId,
    orderLinkId: v.orderLinkId,
    exchangeOrderId: v.exchangeOrderId ?? null,
    category: v.category,
    symbol: v.symbol,
    side: v.side,
    orderType: v.orderType,
    qty: v.qty,
    price: v.price ?? null,
    timeInForce: v.timeInForce ?? null,
    reduceOnly: v.reduceOnly ?? false,
    status: v.status,
    cumQty: v.cumQty,
    avgPrice: v.avgPrice ?? null,
    cumFee: v.cumFee,
    rejectReason: v.rejectReason ?? null,
    ...LEGACY_ORDER_KERNEL_COLUMNS,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Create the order already marked Submitted (its first two events in one statement): what a submit
 * does just before the request leaves. Returns null when the orderLinkId already exists.
 */
export async function createSubmittedOrder(
  tx: Db,
  intentId: number,
  ev: OrderCreated,
  submittedAt: number,
): Promise<OrderRow | null> {
  const o = submittedOrder(ev, submittedAt);
  const insert = tx
    .insert(orders)
    .values({ intentId, ...o.values })
    .onConflictDoNothing()
    .returning({ id: orders.id });
  // One statement: the order and its two events, or nothing when the orderLinkId exists already.
  const res = await tx.execute(sql`with o as (${insert.getSQL()}),
    e as (insert into ${orderEvents} (order_id, type, payload, ts)
      select o.id, v.type, v.payload::jsonb, v.ts::bigint from o, (values ${eventRows(o.events)}) as v(type, payload, ts))
    select (select id from o)::text as id`);
  const id = rows<{ id: string | null }>(res)[0]?.id;
  return id ? writtenOrder(Number(id), intentId, o) : null;
}

export async function getOrderByLinkId(db: Db, orderLinkId: string): Promise<OrderRow | null> {
  const [r] = await db.select().from(orders).where(eq(orders.orderLinkId, orderLinkId));
  return r ?? null;
}

/** An order with what the engine needs of its intent (null fields for orders without one). */
export interface OrderIntent {
  readonly order: OrderRow;
  readonly strategyInstanceId: string | null;
}

/** The order for an orderLinkId and its intent's strategy instance: one query. */
export async function orderWithIntent(db: Db, orderLinkId: string): Promise<OrderIntent | null> {
  const [r] = await db
    .select({
      order: orders,
      strategyInstanceId: intents.strategyInstanceId,
    })
    .from(orders)
    .leftJoin(intents, eq(intents.id, orders.intentId))
    .where(eq(orders.orderLinkId, orderLinkId));
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
