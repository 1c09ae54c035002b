// A proposal written in one statement: the intent, its risk decision, its approval when chat must be
// asked, and — when it may leave at once — its order (marked Submitted) and the submit's idempotency key.
import { sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { rows } from '../rows.js';
import type { Decimal } from '../../domain/decimal.js';
import {
  approvals,
  exposureClock,
  idempotencyKeys,
  intents,
  orderEvents,
  orders,
  riskDecisions,
  tradingState,
} from '../schema/index.js';
import { submitOrderKey } from './idempotency.js';
import type { IntentRow, NewIntent } from './intents.js';
import { eventRows, writtenOrder, type OrderRow, type SubmittedOrder } from './orders.js';

export type NewRiskDecision = Omit<typeof riskDecisions.$inferInsert, 'intentId'>;

/** The approval an intent waits for, when the policy asks chat before it goes out. */
export interface NewApproval {
  requiredVotes: number;
  refPrice: Decimal | null;
  expiresAt: Date;
}

/**
 * An approved intent sent by the proposer itself: its order is written with it, but only while the
 * trading state (read by the same statement) is one of `allowedStates`; otherwise the intent is stored
 * `approved` without an order and its submit job decides.
 */
export interface SubmitNow {
  readonly order: SubmittedOrder;
  readonly allowedStates: readonly string[];
}

export interface WrittenProposal {
  readonly intent: IntentRow;
  readonly approvalId: number | null;
  /** The order written with the intent (SubmitNow and the trading state allowed it). */
  readonly order: OrderRow | null;
}

/**
 * The account changed since the decision read it (another order that adds exposure was written): the
 * proposal was not written and must be decided again on a fresh read.
 */
export class ExposureChanged extends Error {
  constructor() {
    super('the account changed while the proposal was being decided');
  }
}

/** Postgres's not-null violation on intents.ref: how the statement below refuses a stale decision. */
function isStaleRefusal(e: unknown): boolean {
  for (let c: unknown = e; c instanceof Error; c = c.cause) {
    const code = (c as { code?: unknown }).code;
    if (code === '23502' && c.message.includes('"ref"')) return true;
  }
  return false;
}

const money = (x: Decimal | null | undefined) => (x ? x.toFixed() : null);

/** The order, its two events and the submit's key, for the intent `i` when the gate `g` is open. */
function orderParts(submit: SubmitNow) {
  const v = submit.order.values;
  const key = submitOrderKey(v.orderLinkId);
  return sql`,
    o as (insert into ${orders} (intent_id, order_link_id, exchange_order_id, category, symbol, side,
        order_type, qty, price, time_in_force, reduce_only, status, cum_qty, avg_price, cum_fee, reject_reason)
      select i.id, ${v.orderLinkId}, ${v.exchangeOrderId ?? null}, ${v.category}, ${v.symbol}, ${v.side},
        ${v.orderType}, ${money(v.qty)}::numeric, ${money(v.price)}::numeric, ${v.timeInForce ?? null},
        ${v.reduceOnly ?? false}::boolean, ${v.status}, ${money(v.cumQty)}::numeric,
        ${money(v.avgPrice)}::numeric, ${money(v.cumFee)}::numeric, ${v.rejectReason ?? null}
      from i, g where g.ok
      on conflict (order_link_id) do nothing returning id, intent_id),
    e as (insert into ${orderEvents} (order_id, type, payload, ts)
      select o.id, v.type, v.payload::jsonb, v.ts::bigint
      from o, (values ${eventRows(submit.order.events)}) as v(type, payload, ts)),
    k as (insert into ${idempotencyKeys} (key, job, result)
      select ${key}, 'submit-order', jsonb_build_object('intentId', o.intent_id) from o
      on conflict do nothing)`;
}

/**
 * A new intent, its risk decision, (when asked for) its approval and (with `submit`) its order, in one
 * statement: atomic without a transaction's extra round trips. Null when the intent already existed (a
 * strategy's second proposal for one candle and leg); then nothing is written.
 */
export async function writeProposal(
  db: Db,
  intent: NewIntent,
  d: NewRiskDecision,
  approval?: NewApproval,
  submit?: SubmitNow,
  guard?: { exposureVersion: number },
): Promise<WrittenProposal | null> {
  const gate = submit
    ? sql`coalesce((select state from ${tradingState} limit 1), 'ACTIVE') in (${sql.join(
        submit.allowedStates.map((s) => sql`${s}`),
        sql`, `,
      )})`
    : sql`false`;
  // With a guard, the intent's ref is null (which the column refuses, failing the whole statement) unless
  // the exposure clock still held the version the decision read and this statement moved it on.
  const guarded = guard ? { ref: sql`(select ${intent.ref}::text from v)` } : {};
  const values = submit
    ? {
        ...intent,
        ...guarded,
        status: sql`case when (select ok from g) then 'submitted' else 'approved' end`,
      }
    : { ...intent, ...guarded };
  const clock = guard
    ? sql`v as (update ${exposureClock} set version = version + 1
        where id = 1 and version = ${guard.exposureVersion} returning version),`
    : sql``;
  const insert = db.insert(intents).values(values).onConflictDoNothing().returning({ id: intents.id });
  const statement = sql`with ${clock} g as (select ${gate} as ok),
    i as (${insert.getSQL()}),
    d as (insert into ${riskDecisions} (intent_id, outcome, qty, price, notional, reasons, inputs)
      select id, ${d.outcome}, ${money(d.qty)}::numeric, ${money(d.price)}::numeric,
        ${money(d.notional)}::numeric, ${JSON.stringify(d.reasons ?? [])}::jsonb,
        ${JSON.stringify(d.inputs ?? {})}::jsonb from i),
    a as (insert into ${approvals} (intent_id, required_votes, ref_price, expires_at)
      select id, ${approval?.requiredVotes ?? 1}::int, ${money(approval?.refPrice)}::numeric,
        ${approval?.expiresAt.toISOString() ?? null}::timestamptz from i where ${approval !== undefined}
      returning id)${submit ? orderParts(submit) : sql``}
    select (select id from i)::text as id, (select id from a)::text as approval_id,
      ${submit ? sql`(select id from o)::text` : sql`null::text`} as order_id`;
  let res;
  try {
    res = await db.execute(statement);
  } catch (e) {
    if (guard && isStaleRefusal(e)) throw new ExposureChanged();
    throw e;
  }
  const r = rows<{ id: string | null; approval_id: string | null; order_id: string | null }>(res)[0];
  if (!r?.id) return null;
  const id = Number(r.id);
  const order = submit && r.order_id ? writtenOrder(Number(r.order_id), id, submit.order) : null;
  // The row as written (the statement returns ids only): what callers read of a fresh intent.
  const row: IntentRow = {
    id,
    ref: intent.ref,
    attempt: intent.attempt ?? 1,
    source: intent.source,
    strategyInstanceId: intent.strategyInstanceId ?? null,
    candleTime: intent.candleTime ?? null,
    leg: intent.leg ?? 'entry',
    category: intent.category,
    symbol: intent.symbol,
    side: intent.side,
    orderType: intent.orderType ?? 'Market',
    qty: intent.qty ?? null,
    notional: intent.notional ?? null,
    limitPrice: intent.limitPrice ?? null,
    stopPrice: intent.stopPrice ?? null,
    reduceOnly: intent.reduceOnly ?? false,
    status: order ? 'submitted' : (intent.status ?? 'pending-risk'),
    reason: intent.reason ?? null,
    requestedBy: intent.requestedBy ?? null,
    createdAt: new Date(),
    updatedAt: new Date(),
  };
  return { intent: row, approvalId: r.approval_id === null ? null : Number(r.approval_id), order };
}
