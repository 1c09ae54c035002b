// Intents: what a strategy or an operator wants to trade, before risk, approval and the exchange.
// Status moves by compare-and-set so two workers can never both act on one intent.
import { eq, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { Decimal } from '../../domain/decimal.js';
import {
  intents,
  orders,
  positions,
  riskDecisions,
  ON_WAY_INTENT_STATUSES_SQL,
  UNFINISHED_INTENT_STATUSES_SQL,
} from '../schema/index.js';

export type IntentRow = typeof intents.$inferSelect;
export type NewIntent = typeof intents.$inferInsert;
export type RiskDecisionRow = typeof riskDecisions.$inferSelect;

export const INTENT_STATUSES = [
  'pending-risk',
  'denied',
  'awaiting-approval',
  'approved',
  'rejected',
  'expired',
  'submitted',
  'done',
  'failed',
] as const;
export type IntentStatus = (typeof INTENT_STATUSES)[number];

export async function getIntent(db: Db, id: number): Promise<IntentRow | null> {
  const [r] = await db.select().from(intents).where(eq(intents.id, id));
  return r ?? null;
}

/** Lock the intent row for the rest of the transaction. */
export async function lockIntent(tx: Db, id: number): Promise<IntentRow | null> {
  const [r] = await tx.select().from(intents).where(eq(intents.id, id)).for('update');
  return r ?? null;
}

/** Move from one of `from` to `to`; false when the intent was not in an expected status. */
export async function transitionIntent(
  db: Db,
  id: number,
  from: readonly IntentStatus[],
  to: IntentStatus,
  patch: Partial<Pick<NewIntent, 'reason' | 'qty' | 'attempt'>> = {},
): Promise<boolean> {
  const rows = await db
    .update(intents)
    .set({ status: to, updatedAt: sql`now()`, ...patch })
    .where(sql`${intents.id} = ${id} and ${intents.status} in ${from}`)
    .returning({ id: intents.id });
  return rows.length === 1;
}

export async function insertRiskDecision(
  db: Db,
  v: typeof riskDecisions.$inferInsert,
): Promise<RiskDecisionRow> {
  const [r] = await db.insert(riskDecisions).values(v).returning();
  if (!r) throw new Error('risk decision insert returned nothing');
  return r;
}

export async function latestRiskDecision(db: Db, intentId: number): Promise<RiskDecisionRow | null> {
  const [r] = await db
    .select()
    .from(riskDecisions)
    .where(eq(riskDecisions.intentId, intentId))
    .orderBy(sql`${riskDecisions.id} desc`)
    .limit(1);
  return r ?? null;
}

/** Intents waiting for (or in) their submit job whose row has not changed since `before` (ms). */
export async function stuckIntents(db: Db, before: number): Promise<IntentRow[]> {
  return db
    .select()
    .from(intents)
    .where(
      sql`${intents.status} in ('approved', 'submitted') and ${intents.updatedAt} < ${new Date(before).toISOString()}`,
    )
    .orderBy(intents.id);
}

/**
 * `o`: an intent `i`'s latest order (its current attempt; none yet while it waits), for what is left of
 * it. One definition for the strategy's holding and for risk's orders on the way.
 */
export const LATEST_ORDER = sql`left join lateral (select status, cum_qty from ${orders}
    where intent_id = i.id order by id desc limit 1) o on true`;

/** Base quantity of intent `i` not filled yet by its latest order `o` (never negative). */
export const QTY_LEFT = sql.raw('greatest(coalesce(i.qty, 0) - coalesce(o.cum_qty, 0), 0)');

/**
 * Signed base quantity an instance has asked for but the exchange has not filled yet: its unfinished
 * intents (the filled part of a submitted order is already in the position), split into what is on its
 * way and what still waits for a human's approval, and how many of its orders are on their way (approved or
 * submitted, filled or not). One subquery, as JSON text: `{"onWay","awaiting","orders"}`.
 */
function pendingSql(instanceId: string | Placeholder) {
  const left = sql`case when i.side = 'Buy' then 1 else -1 end * ${QTY_LEFT}`;
  return sql`select json_build_object(
      'onWay', coalesce(sum(${left}) filter (where i.status <> 'awaiting-approval'), 0)::text,
      'awaiting', coalesce(sum(${left}) filter (where i.status = 'awaiting-approval'), 0)::text,
      'orders', count(*) filter (where i.status in ${ON_WAY_INTENT_STATUSES_SQL}))::text
    from ${intents} i ${LATEST_ORDER}
    where i.strategy_instance_id = ${instanceId} and i.status in ${UNFINISHED_INTENT_STATUSES_SQL}`;
}

export interface InstanceHolding {
  /** The stored position's signed size (zero when there is none). */
  readonly held: Decimal;
  /** Its average entry; null when flat. */
  readonly avgEntry: Decimal | null;
  /** Signed quantity approved and on its way to the exchange, not filled yet. */
  readonly pending: Decimal;
  /** Signed quantity of entries still waiting for an operator's approval. */
  readonly awaiting: Decimal;
  /** How many of its intents are approved or submitted and not finished (their sizes may cancel out). */
  readonly ordersOnWay: number;
}

/** The columns of an InstanceHolding, for a query that has the instance's category and symbol. */
export function holdingColumns(
  instanceId: string | Placeholder,
  category: SQL | string,
  symbol: SQL | string,
) {
  const where = sql`category = ${category} and symbol = ${symbol}`;
  return {
    held: sql<string | null>`(select size::text from ${positions} where ${where})`,
    avg: sql<string | null>`(select avg_entry::text from ${positions} where ${where})`,
    pending: sql<string>`(${pendingSql(instanceId)})`,
  };
}

export function toHolding(r: { held: string | null; avg: string | null; pending: string } | undefined) {
  const held = new Decimal(r?.held ?? '0');
  const p = r?.pending
    ? (JSON.parse(r.pending) as { onWay?: string; awaiting?: string; orders?: number })
    : {};
  return {
    held,
    avgEntry: held.isZero() || !r?.avg ? null : new Decimal(r.avg),
    pending: new Decimal(p.onWay ?? '0'),
    awaiting: new Decimal(p.awaiting ?? '0'),
    ordersOnWay: p.orders ?? 0,
  } satisfies InstanceHolding;
}

/**
 * The earliest intent of the same strategy instance, written before `intent`, that is approved or
 * submitted and not finished: its order is (or is about to be) on its way. An instance's orders reach
 * the venue one at a time, in the order they were decided, so `intent` waits while there is one.
 */
export async function earlierOnItsWay(
  db: Db,
  intent: Pick<IntentRow, 'id' | 'strategyInstanceId'>,
): Promise<number | null> {
  if (intent.strategyInstanceId === null) return null;
  const [r] = await db
    .select({ id: intents.id })
    .from(intents)
    .where(
      sql`${intents.strategyInstanceId} = ${intent.strategyInstanceId} and ${intents.id} < ${intent.id}
        and ${intents.status} in ${ON_WAY_INTENT_STATUSES_SQL}`,
    )
    .orderBy(intents.id)
    .limit(1);
  return r?.id ?? null;
}

/** The next approved intent of an instance after `afterId`, which may have been waiting for it. */
export async function nextApprovedOfInstance(
  db: Db,
  instanceId: string,
  afterId: number,
): Promise<number | null> {
  const [r] = await db
    .select({ id: intents.id })
    .from(intents)
    .where(
      sql`${intents.strategyInstanceId} = ${instanceId} and ${intents.id} > ${afterId}
        and ${intents.status} = 'approved'`,
    )
    .orderBy(intents.id)
    .limit(1);
  return r?.id ?? null;
}
