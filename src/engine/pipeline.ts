// The intent pipeline: a proposal (from a strategy tick or an operator) becomes an intent row, a stored
// risk decision (sized order or denial with reasons), and then — by the approval policy — an order
// job, a request for approval in chat, or a denial shown to the operator.
import { earlierOnItsWay } from '../db/repos/intents.js';
import { ExposureChanged, writeProposal, type WrittenProposal } from '../db/repos/proposals.js';
import { laneOf, type ExposureLane } from './exposure-lane.js';
import { ZERO, type Decimal } from '../domain/decimal.js';
import { makeIntentId } from '../domain/ids.js';
import { roundPrice, type Instrument } from '../domain/instrument.js';
import type { MarketView, OrderProposal, RiskDecision } from '../risk/types.js';
import { approvalRoute } from './approval-policy.js';
import type { EngineDeps } from './deps.js';
import { ensureInstrument } from './instruments.js';
import { linkIdOf } from './order-service.js';
import { sendNowParts, sendWritten } from './send-now.js';
import { checksJson, judgeProposal, loadProposalContext, type ProposalContext } from './judge.js';
import type { TradeOutcome } from './services.js';
import { metrics } from '../platform/metrics.js';

export interface IntentMeta {
  strategyInstanceId?: string;
  candleTime?: number;
  leg?: 'entry' | 'exit';
  requestedBy?: string;
  /** Evaluate as if the position were already flat (the entry leg of a reversal): it leaves after its exit. */
  assumeFlat?: boolean;
  /**
   * An earlier order of the same strategy instance may still be on its way (a reversal's exit, an entry
   * not filled yet): this one leaves after it, through its submit job, never straight from the tick.
   */
  behindEarlier?: boolean;
  /**
   * Judge with the symbol's position at this signed size: what it will be once the instance's earlier
   * orders on their way have filled (an exit decided while its entry is still being filled).
   */
  sizeAfterEarlier?: Decimal;
  /**
   * Send an auto-approved order from this process right after the statement that writes it (a worker's
   * tick), instead of through a submit job: one commit and one request between the decision and the venue.
   */
  sendNow?: boolean;
}

/** Bybit's base taker fees (VIP 0), for the fee estimate shown with an approval request. */
export const TAKER_FEE = { linear: '0.00055', spot: '0.001' } as const;

export type PipelineResult = TradeOutcome | { kind: 'duplicate' };

/**
 * The protective stop for an entry: the strategy's, else the one the sizing rule measured risk to, so
 * the exchange-side stop-loss matches the risk that was approved. Rounded to tick away from the entry.
 */
export function entryStop(
  proposal: OrderProposal,
  decision: RiskDecision,
  market: MarketView,
  inst: Instrument,
): Decimal | undefined {
  if (proposal.stopPrice || !decision.approved || proposal.reduceOnly || !proposal.sizing)
    return proposal.stopPrice;
  const s = proposal.sizing;
  const distance =
    s.mode === 'risk-fraction'
      ? decision.price.mul(s.stopPct).div(100)
      : s.mode === 'atr' && market.atr
        ? market.atr.mul(s.atrMultiple)
        : undefined;
  if (!distance || distance.lte(ZERO)) return undefined;
  const buy = proposal.side === 'Buy';
  const raw = buy ? decision.price.minus(distance) : decision.price.plus(distance);
  if (raw.lte(ZERO)) return undefined;
  return roundPrice(inst, raw, buy ? 'down' : 'up');
}

/**
 * Run risk and route the result; the intent and its decision are written in one statement. `ctx` is
 * read here when not given.
 */
export async function proposeIntent(
  deps: EngineDeps,
  proposal: OrderProposal,
  meta: IntentMeta = {},
  ctx?: ProposalContext,
): Promise<PipelineResult> {
  const now = deps.clock.now();
  let instrument: Instrument;
  try {
    instrument = await ensureInstrument(deps, proposal.category, proposal.symbol);
  } catch {
    return {
      kind: 'invalid',
      message: `${proposal.symbol} (${proposal.category}) is not listed on the exchange`,
    };
  }
  let pctx = ctx ?? (await loadProposalContext(deps, proposal.category, proposal.symbol));
  // Only what can add exposure races for the clock: closes and reductions skip the lane.
  const lane = proposal.reduceOnly ? null : laneOf(deps.db);
  for (let attempt = 1; ; attempt++) {
    try {
      const base = pctx;
      const then = lane
        ? await lane.run(() => {
            const inputs = lane.catchUp(base.inputs);
            const caught = inputs === base.inputs ? base : { ...base, inputs };
            return decideAndWrite(deps, proposal, meta, caught, instrument, now, lane);
          })
        : await decideAndWrite(deps, proposal, meta, pctx, instrument, now, null);
      // What follows the write (notices, the send) runs outside the lane: the next decision need not wait.
      return await then();
    } catch (e) {
      if (!(e instanceof ExposureChanged) || attempt >= MAX_DECISION_ATTEMPTS) throw e;
      // Another order that adds exposure was written since this context was read: decide again with it.
      pctx = {
        ...pctx,
        ...(await loadProposalContext(deps, proposal.category, proposal.symbol, { market: pctx.market })),
      };
    }
  }
}

/**
 * Each retry follows another decision's write, so the account as a whole always makes progress; the
 * bound only stops a proposal from spinning through a burst (its job retries it later).
 */
const MAX_DECISION_ATTEMPTS = 25;

async function decideAndWrite(
  deps: EngineDeps,
  proposal: OrderProposal,
  meta: IntentMeta,
  pctx: ProposalContext,
  instrument: Instrument,
  now: number,
  lane: ExposureLane | null,
): Promise<() => Promise<PipelineResult>> {
  const { market } = pctx;
  // The entry leg of a reversal is judged as if the exit had already flattened the position, an order
  // behind others of its instance as if they had filled.
  const at = meta.assumeFlat ? ZERO : meta.sizeAfterEarlier;
  const { decision, portfolio } = await judgeProposal(
    deps,
    proposal,
    instrument,
    pctx,
    now,
    at === undefined ? undefined : { symbol: proposal.symbol, category: proposal.category, size: at },
  );
  const reducesRisk = proposal.reduceOnly || proposal.source === 'close' || proposal.source === 'kill';
  const stopPrice = entryStop(proposal, decision, market, instrument);
  const route = decision.approved
    ? approvalRoute(deps.config.approvals, decision.notional, reducesRisk)
    : null;

  const expiresAt = now + deps.config.approvals.ttlSeconds * 1000;
  const ref = makeIntentId(now, deps.randomBytes(8));
  // An order behind an earlier one of its instance waits for it (below), so only other auto-approved
  // intents leave at once, and only while the venue's rate limit lets them: a tick never waits for a send
  // slot (at a busy candle close the orders queue takes the rest, and the ticks behind it are not held up).
  const behind = meta.behindEarlier === true || meta.assumeFlat === true;
  const submit =
    meta.sendNow &&
    decision.approved &&
    route?.kind !== 'ask' &&
    !behind &&
    deps.exchange.placeCapacity(proposal.category) > 0
      ? sendNowParts(proposal, decision.qty, ref, now)
      : undefined;
  const written = await writeProposal(
    deps.db,
    {
      ref,
      source: proposal.source,
      strategyInstanceId: meta.strategyInstanceId ?? null,
      candleTime: meta.candleTime ?? null,
      leg: meta.leg ?? 'entry',
      category: proposal.category,
      symbol: proposal.symbol,
      side: proposal.side,
      orderType: proposal.orderType,
      qty: decision.approved ? decision.qty : (proposal.qty ?? null),
      notional: proposal.notional ?? null,
      limitPrice: proposal.limitPrice ?? null,
      stopPrice: stopPrice ?? null,
      reduceOnly: proposal.reduceOnly,
      // Decided before it is written: one statement stores the intent with its decision (and approval).
      status: !decision.approved ? 'denied' : route?.kind === 'ask' ? 'awaiting-approval' : 'approved',
      reason: decision.approved ? null : decision.reasons.map((r) => r.reason).join('; '),
      requestedBy: meta.requestedBy ?? null,
    },
    {
      outcome: decision.approved ? 'approved' : 'denied',
      qty: decision.approved ? decision.qty : null,
      price: decision.approved ? decision.price : null,
      notional: decision.approved ? decision.notional : null,
      reasons: decision.approved ? [] : decision.reasons.map((r) => ({ check: r.check, reason: r.reason })),
      // What the approval message shows: the account as risk saw it, and the fee it will likely pay.
      inputs: {
        ...checksJson(decision.checks),
        equity: portfolio.equity.toFixed(),
        grossExposure: portfolio.grossExposure.toFixed(),
        feeRate: TAKER_FEE[proposal.category],
      },
    },
    decision.approved && route?.kind === 'ask'
      ? { requiredVotes: route.votes, refPrice: decision.price, expiresAt: new Date(expiresAt) }
      : undefined,
    submit,
    // Only what can add exposure competes for the limits; a denial or a reduction is safe on any view.
    decision.approved && !proposal.reduceOnly ? { exposureVersion: pctx.inputs.exposureVersion } : undefined,
  );
  if (!written) return () => Promise.resolve({ kind: 'duplicate' });
  const { intent } = written;
  if (lane && decision.approved) {
    lane.wrote(pctx.inputs.exposureVersion, {
      intentId: intent.id,
      category: proposal.category,
      symbol: proposal.symbol,
      side: proposal.side,
      qty: decision.qty,
      price: decision.price,
    });
  }
  return () => afterWrite(deps, { decision, route, written, behind, expiresAt });
}

/** Tell chat, send the order or queue it: what a written proposal leads to. */
async function afterWrite(
  deps: EngineDeps,
  w: {
    decision: RiskDecision;
    route: ReturnType<typeof approvalRoute> | null;
    written: WrittenProposal;
    behind: boolean;
    expiresAt: number;
  },
): Promise<PipelineResult> {
  const { decision, route, written, behind, expiresAt } = w;
  const { intent } = written;
  if (!decision.approved) {
    const reasons = decision.reasons.map((r) => ({ check: r.check, reason: r.reason }));
    for (const r of reasons) metrics.riskDenied(r.check);
    await deps.notifier.notify({ kind: 'risk-denial', intentId: intent.id, symbol: intent.symbol, reasons });
    return { kind: 'denied', intentId: intent.id, reasons };
  }
  if (written.approvalId !== null && route?.kind === 'ask') {
    await deps.notifier.notify({
      kind: 'approval-request',
      approvalId: written.approvalId,
      intentId: intent.id,
    });
    return {
      kind: 'awaiting-approval',
      intentId: intent.id,
      approvalId: written.approvalId,
      votesNeeded: route.votes,
      expiresAt,
    };
  }
  metrics.approval('auto');
  if (written.order) {
    await sendWritten(deps, intent, written.order);
    return { kind: 'submitted', intentId: intent.id, orderLinkId: linkIdOf(intent) };
  }
  // An order behind an earlier one is sent when that one finishes (reports.ts releases it); queueing it now
  // would only have the submit job wait and retry. Checked after the commit, so one side always sees the
  // other. Only the tick knows when there may be one: other intents skip the lookup.
  if (!behind || (await earlierOnItsWay(deps.db, intent)) === null) await deps.enqueueSubmit(intent.id);
  return { kind: 'submitted', intentId: intent.id, orderLinkId: linkIdOf(intent) };
}
