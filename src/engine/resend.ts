// Sending again an order the venue has never seen (its process died before the request left, or the
// request itself was lost): risk judges it again at today's market first, and it is not sent at all once
// it is too old to be the trade that was decided.
import { getTradingState } from '../db/repos/trading-state.js';
import { applyOrderEvent, type OrderRow } from '../db/repos/orders.js';
import { insertRiskDecision, lockIntent, transitionIntent, type IntentRow } from '../db/repos/intents.js';
import { notFoundAtVenue } from '../domain/order.js';
import type { Instrument } from '../domain/instrument.js';
import type { OrderProposal } from '../risk/types.js';
import type { Db } from '../db/client.js';
import type { EngineDeps } from './deps.js';
import { ensureInstrument } from './instruments.js';
import { checksJson, judgeProposal, loadProposalContext } from './judge.js';
import { metrics } from '../platform/metrics.js';
import { stateAllows } from './trading-gate.js';

/** How long a sent order may stay unseen at the venue before a lookup's "not found" is believed. */
export const UNSEEN_GRACE_MS = 60_000;
/** An order the venue has not seen this long after it was decided is not sent any more. */
export const RESEND_MAX_AGE_MS = 5 * 60_000;

/**
 * What becomes of an order the venue has never seen, by its age. `wait`: too old to send, but a request
 * of the last attempt may still be on its way (within the grace), so nobody may call it absent yet.
 */
export function unsentFate(ageMs: number): 'resend' | 'wait' | 'fail' {
  if (ageMs <= RESEND_MAX_AGE_MS) return 'resend';
  return ageMs <= RESEND_MAX_AGE_MS + UNSEEN_GRACE_MS ? 'wait' : 'fail';
}

export const TOO_LATE_REASON = `the order never reached the exchange within ${RESEND_MAX_AGE_MS / 60_000} minutes of its decision; it was not sent so late`;

export type ResendVerdict = { send: true } | { send: false; kind: 'skipped' | 'denied'; reason: string };

/** Record an unsent order as never placed and its intent failed; false when the order had already moved. */
async function recordUnsent(
  tx: Db,
  order: Pick<OrderRow, 'orderLinkId' | 'intentId'>,
  reason: string,
  now: number,
): Promise<boolean> {
  const res = await applyOrderEvent(tx, order.orderLinkId, notFoundAtVenue(now, reason));
  if (res.ok && order.intentId !== null)
    await transitionIntent(tx, order.intentId, ['submitted'], 'failed', { reason });
  return res.ok;
}

/** recordUnsent in a transaction of its own. */
export function failUnsent(
  deps: EngineDeps,
  order: Pick<OrderRow, 'orderLinkId' | 'intentId'>,
  reason: string,
): Promise<boolean> {
  return deps.db.transaction((tx) => recordUnsent(tx, order, reason, deps.clock.now()));
}

function proposalOf(intent: IntentRow, order: OrderRow): OrderProposal {
  return {
    symbol: intent.symbol,
    category: intent.category as Instrument['category'],
    side: intent.side as OrderProposal['side'],
    orderType: intent.orderType as OrderProposal['orderType'],
    // The order row's size, not a fresh sizing: the same orderLinkId must carry the same order.
    qty: order.qty,
    ...(order.price ? { limitPrice: order.price } : {}),
    ...(intent.stopPrice ? { stopPrice: intent.stopPrice } : {}),
    reduceOnly: intent.reduceOnly,
    source: intent.source as OrderProposal['source'],
  };
}

/**
 * Whether an order the venue has never seen may go out again under its orderLinkId. A kill-switch flatten
 * always may while it is young enough (it only takes risk off); anything else is judged again by risk at
 * today's market, and the decision is stored like any other. A denial fails the intent with its reasons.
 */
export async function judgeResend(
  deps: EngineDeps,
  intent: IntentRow,
  order: OrderRow,
): Promise<ResendVerdict> {
  const now = deps.clock.now();
  const age = now - order.createdAt.getTime();
  const fate = unsentFate(age);
  if (fate === 'wait')
    return {
      send: false,
      kind: 'skipped',
      reason: `order ${order.orderLinkId} is too old to send; reconcile settles it`,
    };
  if (fate === 'fail') {
    if (await failUnsent(deps, order, TOO_LATE_REASON)) {
      const told = { intentId: intent.id, symbol: intent.symbol, reason: TOO_LATE_REASON };
      await deps.notifier.notify({ kind: 'order-failed', ...told });
    }
    return { send: false, kind: 'denied', reason: TOO_LATE_REASON };
  }
  if (intent.source === 'kill') return { send: true };

  const category = intent.category as Instrument['category'];
  const [instrument, ctx] = await Promise.all([
    ensureInstrument(deps, category, intent.symbol),
    loadProposalContext(deps, category, intent.symbol),
  ]);
  const { decision: d } = await judgeProposal(
    deps,
    proposalOf(intent, order),
    instrument,
    ctx,
    now,
    undefined,
    intent.id,
  );
  const note = `judged again before sending: the exchange had not seen the order ${Math.round(age / 1000)} s after its decision`;
  const sameOrder = d.approved && d.qty.eq(order.qty);
  const reasons = d.approved
    ? sameOrder
      ? []
      : [
          {
            check: 'sizing',
            reason: `risk would now size it ${d.qty.toFixed()}, not the ${order.qty.toFixed()} it was sent as`,
          },
        ]
    : d.reasons.map((r) => ({ check: r.check, reason: r.reason }));
  // One transaction: the new decision and, when it stops the order, the order and intent failed with it.
  const verdict = await deps.db.transaction(async (tx): Promise<ResendVerdict | { failed: string }> => {
    const [locked, ts] = await Promise.all([lockIntent(tx, intent.id), getTradingState(tx)]);
    if (locked?.status !== 'submitted')
      return { send: false, kind: 'skipped', reason: `intent ${intent.id} is ${locked?.status ?? 'gone'}` };
    await insertRiskDecision(tx, {
      intentId: intent.id,
      outcome: sameOrder ? 'approved' : 'denied',
      qty: sameOrder ? order.qty : null,
      price: d.approved ? d.price : null,
      notional: d.approved ? d.notional : null,
      reasons,
      inputs: { ...checksJson(d.checks), note },
    });
    // Risk read the state before this transaction; a kill switch thrown since then still stops it.
    const blocked = sameOrder
      ? stateAllows(ts.state, intent)
      : reasons.map((r) => r.reason).join('; ') || 'risk found no order to send';
    if (blocked === null) {
      // Touch the intent: it was just handled, so the stuck-intent sweep leaves it alone for a while.
      await transitionIntent(tx, intent.id, ['submitted'], 'submitted');
      return { send: true };
    }
    const reason = `not sent again: ${blocked}`;
    if (!(await recordUnsent(tx, order, reason, now)))
      return { send: false, kind: 'skipped', reason: `order ${order.orderLinkId} has moved on` };
    return { failed: blocked };
  });
  if (!('failed' in verdict)) return verdict;
  metrics.orderRejected(reasons.length > 0 ? 'risk' : 'trading-halted');
  for (const r of reasons) metrics.riskDenied(r.check);
  await deps.notifier.notify({
    kind: 'risk-denial',
    intentId: intent.id,
    symbol: intent.symbol,
    reasons: [
      { check: 'resend', reason: note },
      ...(reasons.length > 0 ? reasons : [{ check: 'trading-state', reason: verdict.failed }]),
    ],
  });
  const reason = `not sent again: ${verdict.failed}`;
  return { send: false, kind: 'denied', reason };
}
