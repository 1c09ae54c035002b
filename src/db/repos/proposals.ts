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
  LEGACY_INTENT_KERNEL_COLUMNS,
  type KernelIntentColumn,
} from '../schema/index.js';
import { submitOrderKey } from './idempotency.js';
import type { IntentRow, NewIntent } from './intents.js';
import { writtenOrder, type OrderRow, type SubmittedOrder } from './orders.js';
import { encodeEvent } from './order-codec.js';
import { prebuilt } from '../prebuilt.js';

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

const PARAMS = [
  'guarded',
  'version',
  'allowedStates',
  'ref',
  'attempt',
  'source',
  'instanceId',
  'candleTime',
  'leg',
  'category',
  'symbol',
  'side',
  'orderType',
  'qty',
  'notional',
  'limitPrice',
  'stopPrice',
  'reduceOnly',
  'status',
  'requestedBy',
  'reason',
  'outcome',
  'dQty',
  'dPrice',
  'dNotional',
  'reasons',
  'inputs',
  'asked',
  'requiredVotes',
  'refPrice',
  'expiresAt',
  'linkId',
  'exchangeOrderId',
  'oQty',
  'oPrice',
  'timeInForce',
  'oStatus',
  'cumQty',
  'avgPrice',
  'cumFee',
  'rejectReason',
  'events',
  'submitKey',
] as const;

/**
 * One statement for every kind of proposal, built once per process (prebuilt): what a proposal lacks
 * (a guard, an approval, an order) is switched off by its parameters, not by a different text.
 * - v: with a guard, the exposure clock moves on only if it still holds the version the decision read;
 *   otherwise the intent's ref is null, which the column refuses, failing the whole statement.
 * - g: whether the order may be written with the intent (a submit given, and the trading state allows it).
 */
const proposalStatement = prebuilt(PARAMS, (p) => {
  return sql`with v as (update ${exposureClock} set version = version + 1
        where ${p.guarded}::boolean and id = 1 and version = ${p.version}::bigint returning 1),
      g as (select coalesce((select state from ${tradingState} limit 1), 'ACTIVE')
        = any(string_to_array(${p.allowedStates}::text, ',')) as ok),
      i as (insert into ${intents} (ref, attempt, source, strategy_instance_id, candle_time, leg, category,
          symbol, side, order_type, qty, notional, limit_price, stop_price, reduce_only, status, requested_by,
          reason)
        values (case when ${p.guarded}::boolean then (select ${p.ref}::text from v) else ${p.ref}::text end,
          ${p.attempt}::int, ${p.source}::text, ${p.instanceId}::text, ${p.candleTime}::bigint, ${p.leg}::text,
          ${p.category}::text, ${p.symbol}::text, ${p.side}::text, ${p.orderType}::text, ${p.qty}::numeric,
          ${p.notional}::numeric, ${p.limitPrice}::numeric, ${p.stopPrice}::numeric, ${p.reduceOnly}::boolean,
          case when (select ok from g) then 'submitted' else ${p.status}::text end, ${p.requestedBy}::text,
          ${p.reason}::text)
        on conflict do nothing returning id),
      d as (insert into ${riskDecisions} (intent_id, outcome, qty, price, notional, reasons, inputs)
        select id, ${p.outcome}::text, ${p.dQty}::numeric, ${p.dPrice}::numeric, ${p.dNotional}::numeric,
          ${p.reasons}::jsonb, ${p.inputs}::jsonb from i),
      a as (insert into ${approvals} (intent_id, required_votes, ref_price, expires_at)
        select id, ${p.requiredVotes}::int, ${p.refPrice}::numeric, ${p.expiresAt}::timestamptz
        from i where ${p.asked}::boolean
        returning id),
      o as (insert into ${orders} (intent_id, order_link_id, exchange_order_id, category, symbol, side,
          order_type, qty, price, time_in_force, reduce_only, status, cum_qty, avg_price, cum_fee, reject_reason)
        select i.id, ${p.linkId}::text, ${p.exchangeOrderId}::text, ${p.category}::text, ${p.symbol}::text,
          ${p.side}::text, ${p.orderType}::text, ${p.oQty}::numeric, ${p.oPrice}::numeric, ${p.timeInForce}::text,
          ${p.reduceOnly}::boolean, ${p.oStatus}::text, ${p.cumQty}::numeric, ${p.avgPrice}::numeric,
          ${p.cumFee}::numeric, ${p.rejectReason}::text
        from i, g where g.ok
        on conflict (order_link_id) do nothing returning id, intent_id),
      e as (insert into ${orderEvents} (order_id, type, payload, ts)
        select o.id, ev.type, ev.payload, ev.ts
        from o, jsonb_to_recordset(${p.events}::jsonb) as ev(type text, payload jsonb, ts bigint)),
      k as (insert into ${idempotencyKeys} (key, job, result)
        select ${p.submitKey}::text, 'submit-order', jsonb_build_object('intentId', o.intent_id) from o
        on conflict do nothing)
    select (select id from i)::text as id, (select id from a)::text as approval_id,
      (select id from o)::text as order_id`;
});

/** The order's columns and events, or nulls (its part of the statement then writes nothing). */
function orderValues(submit: SubmitNow | undefined) {
  const v = submit?.order.values;
  return {
    allowedStates: submit ? submit.allowedStates.join(',') : '',
    linkId: v?.orderLinkId ?? null,
    exchangeOrderId: v?.exchangeOrderId ?? null,
    oQty: money(v?.qty),
    oPrice: money(v?.price),
    timeInForce: v?.timeInForce ?? null,
    oStatus: v?.status ?? null,
    cumQty: money(v?.cumQty),
    avgPrice: money(v?.avgPrice),
    cumFee: money(v?.cumFee),
    rejectReason: v?.rejectReason ?? null,
    events: JSON.stringify(
      (submit?.order.events ?? []).map((e) => ({ type: e.type, payload: encodeEvent(e), ts: e.ts })),
    ),
    submitKey: v ? submitOrderKey(v.orderLinkId) : null,
  };
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
  // The row as it is written (defaults applied): the statement's values, and what callers read of it.
  const base: Omit<IntentRow, 'id' | 'createdAt' | 'updatedAt' | KernelIntentColumn> = {
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
    // With an order the intent is 'submitted' when the gate lets it out, else 'approved' for its job.
    status: submit ? 'approved' : intent.status,
    reason: intent.reason ?? null,
    requestedBy: intent.requestedBy ?? null,
  };
  let res;
  try {
    res = await proposalStatement(db, {
      guarded: guard !== undefined,
      version: guard?.exposureVersion ?? 0,
      ...base,
      instanceId: base.strategyInstanceId,
      qty: money(base.qty),
      notional: money(base.notional),
      limitPrice: money(base.limitPrice),
      stopPrice: money(base.stopPrice),
      outcome: d.outcome,
      dQty: money(d.qty),
      dPrice: money(d.price),
      dNotional: money(d.notional),
      reasons: JSON.stringify(d.reasons ?? []),
      inputs: JSON.stringify(d.inputs ?? {}),
      asked: approval !== undefined,
      requiredVotes: approval?.requiredVotes ?? 1,
      refPrice: money(approval?.refPrice),
      expiresAt: approval?.expiresAt.toISOString() ?? null,
      ...orderValues(submit),
    });
  } catch (e) {
    if (guard && isStaleRefusal(e)) throw new ExposureChanged();
    throw e;
  }
  const r = rows<{ id: string | null; approval_id: string | null; order_id: string | null }>(res)[0];
  if (!r?.id) return null;
  const id = Number(r.id);
  const order = submit && r.order_id ? writtenOrder(Number(r.order_id), id, submit.order) : null;
  const now = new Date();
  const row: IntentRow = {
    ...base,
    ...LEGACY_INTENT_KERNEL_COLUMNS,
    id,
    status: order ? 'submitted' : base.status,
    createdAt: now,
    updatedAt: now,
  };
  return { intent: row, approvalId: r.approval_id === null ? null : Number(r.approval_id), order };
}
