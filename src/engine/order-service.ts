// Submitting an approved intent to the exchange exactly once. The order row and its Submitted event are
// committed before the request leaves; any doubt afterwards is resolved by looking the order up by its
// orderLinkId (the same id is sent again only when the venue has never seen it, after risk has judged it
// again, and the venue rejects a duplicate id) — never by a blind resubmission.
import { claimKey, submitOrderKey } from '../db/repos/idempotency.js';
import {
  earlierOnItsWay,
  getIntent,
  latestRiskDecision,
  lockIntent,
  transitionIntent,
  type IntentRow,
} from '../db/repos/intents.js';
import {
  applyOrderEvent,
  createSubmittedOrder,
  getOrderByLinkId,
  type OrderRow,
} from '../db/repos/orders.js';
import { getTradingState, setTradingState } from '../db/repos/trading-state.js';
import type { OrderType } from '../domain/events.js';
import { orderLinkIdFor } from '../domain/ids.js';
import type { Category } from '../domain/instrument.js';
import type { Side } from '../domain/side.js';
import type { OrderReport } from '../exchange/port.js';
import type { EngineDeps } from './deps.js';
import { consequenceOf, errorCode, RetryLater, safeMessage } from './exchange-errors.js';
import { applyOrderReport, pullExecutions } from './reports.js';
import { judgeResend } from './resend.js';
import { stateAllows } from './trading-gate.js';
import { toPortSide } from './side-map.js';
import { metrics } from '../platform/metrics.js';

export type SubmitResult =
  | { kind: 'placed'; orderLinkId: string; report: OrderReport }
  | { kind: 'skipped'; reason: string }
  | { kind: 'denied'; reason: string }
  | { kind: 'rejected'; reason: string };

export function linkIdOf(intent: Pick<IntentRow, 'ref' | 'attempt'>): string {
  return orderLinkIdFor(intent.ref, intent.attempt);
}

/** `order` is the row this call created; absent when an earlier attempt created it. */
type Prepared = { kind: 'send'; intent: IntentRow; orderLinkId: string; order?: OrderRow } | SubmitResult;

/** Phase 1, one transaction: check, write the order and its Submitted event, mark the intent submitted. */
async function prepare(deps: EngineDeps, intentId: number): Promise<Prepared> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx): Promise<Prepared> => {
    // Sent together (postgres.js pipelines them on the transaction's connection); the reads run after
    // the lock is granted, so they see whatever the lock holder committed.
    const [intent, ts, decision] = await Promise.all([
      lockIntent(tx, intentId),
      getTradingState(tx),
      latestRiskDecision(tx, intentId),
    ]);
    if (!intent) return { kind: 'skipped', reason: `intent ${intentId} does not exist` };
    const orderLinkId = linkIdOf(intent);
    if (intent.status === 'submitted') return { kind: 'send', intent, orderLinkId };
    if (intent.status !== 'approved')
      return { kind: 'skipped', reason: `intent ${intentId} is ${intent.status}` };
    const before = await earlierOnItsWay(tx, intent);
    if (before !== null) {
      // An instance's orders leave one at a time, in the order decided: a reversal's entry was sized for
      // a flat position, and an exit decided while an entry was still on its way must not reach the
      // venue first (reduce-only against nothing, then the entry opens a position nobody wants).
      throw new RetryLater(`intent ${intentId} waits for intent ${before} of the same strategy instance`);
    }
    const blocked = stateAllows(ts.state, intent);
    if (blocked) {
      await transitionIntent(tx, intentId, ['approved'], 'failed', { reason: blocked });
      metrics.orderRejected('trading-halted');
      return { kind: 'denied', reason: blocked };
    }
    const qty = decision?.qty ?? intent.qty;
    if (!decision || decision.outcome !== 'approved' || !qty) {
      const reason = 'no approved risk decision with a size';
      await transitionIntent(tx, intentId, ['approved'], 'failed', { reason });
      return { kind: 'denied', reason };
    }
    const [, order] = await Promise.all([
      claimKey(tx, submitOrderKey(orderLinkId), 'submit-order', { intentId }),
      createSubmittedOrder(
        tx,
        intentId,
        {
          type: 'OrderCreated',
          ts: now,
          orderLinkId,
          intentId: intent.ref,
          symbol: intent.symbol,
          category: intent.category as Category,
          side: intent.side as Side,
          orderType: intent.orderType as OrderType,
          qty,
          price: intent.orderType === 'Limit' ? intent.limitPrice : null,
          timeInForce: intent.orderType === 'Limit' ? 'GTC' : 'IOC',
          reduceOnly: intent.reduceOnly,
        },
        now,
      ),
      transitionIntent(tx, intentId, ['approved'], 'submitted'),
    ]);
    return { kind: 'send', intent, orderLinkId, ...(order ? { order } : {}) };
  });
}

async function reject(
  deps: EngineDeps,
  intent: IntentRow,
  orderLinkId: string,
  reason: string,
  code?: number,
) {
  metrics.orderRejected(code === 110007 || code === 170131 ? 'insufficient-balance' : 'venue');
  await deps.db.transaction(async (tx) => {
    await applyOrderEvent(tx, orderLinkId, {
      type: 'OrderRejected',
      ts: deps.clock.now(),
      reason,
      source: 'venue',
      ...(code === undefined ? {} : { code }),
    });
    await transitionIntent(tx, intent.id, ['submitted'], 'failed', { reason });
  });
  await deps.notifier.notify({ kind: 'order-failed', intentId: intent.id, symbol: intent.symbol, reason });
}

/** The submit-order job body. Safe to run any number of times for the same intent. */
export async function submitIntent(deps: EngineDeps, intentId: number): Promise<SubmitResult> {
  const p = await prepare(deps, intentId);
  if (p.kind !== 'send') {
    if (p.kind === 'denied') {
      const intent = await getIntent(deps.db, intentId);
      await deps.notifier.notify({
        kind: 'order-failed',
        intentId,
        symbol: intent?.symbol ?? '?',
        reason: p.reason,
      });
    }
    return p;
  }
  if (p.order) return sendOrder(deps, p.intent, p.order, { fresh: true });
  const order = await getOrderByLinkId(deps.db, p.orderLinkId);
  if (!order) throw new Error(`order ${p.orderLinkId} vanished after it was written`);
  return sendOrder(deps, p.intent, order, { fresh: false });
}

/**
 * Phase 2: the request itself, for an intent marked submitted whose order row is committed. `fresh`: the
 * caller's own statement just created the row, so no earlier attempt can have sent it; otherwise a
 * previous attempt may have reached the venue and the order is looked up before anything is sent.
 * Throws RetryLater when the outcome is unknown: the submit job finds out by lookup.
 */
export async function sendOrder(
  deps: EngineDeps,
  intent: IntentRow,
  order: OrderRow,
  opts: { fresh: boolean },
): Promise<SubmitResult> {
  const { orderLinkId } = order;
  const category = intent.category as Category;
  if (['Rejected', 'Cancelled', 'Expired', 'Filled'].includes(order.status)) {
    return { kind: 'skipped', reason: `order ${orderLinkId} is already ${order.status}` };
  }
  let report: OrderReport | null = null;
  if (!opts.fresh && order.status !== 'PendingSubmit') {
    try {
      report = await deps.exchange.orderByLinkId(category, intent.symbol, orderLinkId);
    } catch (e) {
      throw new RetryLater(`lookup of ${orderLinkId} failed: ${safeMessage(e)}`);
    }
  }
  if (!report && !opts.fresh) {
    // The venue has never seen it: an earlier attempt died or lost its request before it arrived.
    const v = await judgeResend(deps, intent, order);
    if (!v.send) return { kind: v.kind, reason: v.reason };
  }
  if (!report) {
    try {
      report = await deps.exchange.placeOrder({
        category,
        symbol: intent.symbol,
        side: toPortSide(intent.side as Side),
        type: intent.orderType === 'Limit' ? 'limit' : 'market',
        qty: order.qty,
        ...(order.price ? { price: order.price } : {}),
        orderLinkId,
        timeInForce: intent.orderType === 'Limit' ? 'gtc' : 'ioc',
        reduceOnly: intent.reduceOnly,
        // The stop rides on the order so the position is protected at the venue even if bosun dies.
        ...(intent.stopPrice && !intent.reduceOnly && category === 'linear'
          ? { stopLoss: intent.stopPrice }
          : {}),
      });
    } catch (e) {
      const c = consequenceOf(e);
      metrics.exchangeError(errorCode(e) ?? null, c);
      if (c === 'reject') {
        const reason = safeMessage(e);
        await reject(deps, intent, orderLinkId, reason, errorCode(e));
        return { kind: 'rejected', reason };
      }
      if (c === 'halt') {
        const reason = `exchange refused our credentials or permissions: ${safeMessage(e)}`;
        await setTradingState(deps.db, 'HALTED', reason, 'system');
        await deps.notifier.notify({ kind: 'kill-switch', state: 'HALTED', by: 'system', reason });
        throw new RetryLater(reason);
      }
      // Outcome unknown, transient, rate-limited, clock: the order stays Submitted; the retry looks it up.
      throw new RetryLater(`placing ${orderLinkId}: ${safeMessage(e)}`);
    }
  }
  metrics.orderSubmitted(category, toPortSide(intent.side as Side));
  await applyOrderReport(deps, report);
  await pullExecutions(deps, category, intent.symbol, orderLinkId);
  return { kind: 'placed', orderLinkId, report };
}
