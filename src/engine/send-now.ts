// An auto-approved intent sent by the process that proposed it: the order it is written with (in the
// proposal's one statement) and the request that follows, with the submit job as the fallback.
import type { IntentRow } from '../db/repos/intents.js';
import { submittedOrder, type OrderRow } from '../db/repos/orders.js';
import type { SubmitNow } from '../db/repos/proposals.js';
import { TRADING_STATES } from '../db/repos/trading-state.js';
import type { Decimal } from '../domain/decimal.js';
import type { OrderType } from '../domain/events.js';
import { orderLinkIdFor } from '../domain/ids.js';
import type { OrderProposal } from '../risk/types.js';
import type { EngineDeps } from './deps.js';
import { sendOrder } from './order-service.js';
import { stateAllows } from './trading-gate.js';

/** The order an intent sent at once is written with, and the trading states that let it out. */
export function sendNowParts(proposal: OrderProposal, qty: Decimal, ref: string, now: number): SubmitNow {
  const limit = proposal.orderType === 'Limit';
  const order = submittedOrder(
    {
      type: 'OrderCreated',
      ts: now,
      orderLinkId: orderLinkIdFor(ref, 1),
      intentId: ref,
      symbol: proposal.symbol,
      category: proposal.category,
      side: proposal.side,
      orderType: proposal.orderType as OrderType,
      qty,
      price: limit ? (proposal.limitPrice ?? null) : null,
      timeInForce: limit ? 'GTC' : 'IOC',
      reduceOnly: proposal.reduceOnly,
    },
    now,
  );
  const allowedStates = TRADING_STATES.filter((s) => stateAllows(s, proposal) === null);
  return { order, allowedStates };
}

/**
 * The request for an order written with its intent. Whatever goes wrong after the commit (an unknown
 * outcome, a crash of this process) is the submit job's to resolve by lookup: it is queued on failure
 * here, and the reconcile sweep requeues an intent left submitted by a process that died.
 */
export async function sendWritten(deps: EngineDeps, intent: IntentRow, order: OrderRow): Promise<void> {
  try {
    await sendOrder(deps, intent, order, { fresh: true });
  } catch (e) {
    deps.log.warn(
      { intentId: intent.id, err: e instanceof Error ? e.message : String(e) },
      'order sent with its intent is unresolved; its submit job takes over',
    );
    await deps.enqueueSubmit(intent.id);
  }
}
