// The intent pipeline: a proposal (from a strategy tick or an operator) becomes an intent row, a stored
// risk decision (sized order or denial with reasons), and then — by the approval policy — an order
// job, a request for approval in chat, or a denial shown to the operator.
import { riskOverrides } from '../db/repos/account.js';
import { createApproval } from '../db/repos/approvals.js';
import { insertIntent, insertRiskDecision, transitionIntent, type IntentRow } from '../db/repos/intents.js';
import { getTradingState } from '../db/repos/trading-state.js';
import { ZERO, type Decimal } from '../domain/decimal.js';
import { makeIntentId } from '../domain/ids.js';
import { roundPrice, type Instrument } from '../domain/instrument.js';
import { evaluateRisk } from '../risk/evaluate.js';
import { limitsFromConfig } from '../risk/limits.js';
import type { CheckRecord, MarketView, OrderProposal, RiskDecision } from '../risk/types.js';
import { approvalRoute } from './approval-policy.js';
import type { EngineDeps } from './deps.js';
import { ensureInstrument } from './instruments.js';
import { linkIdOf } from './order-service.js';
import { loadPortfolioView, marketView, refreshBalances } from './portfolio-loader.js';
import type { TradeOutcome } from './services.js';
import { metrics } from '../platform/metrics.js';

export interface IntentMeta {
  strategyInstanceId?: string;
  candleTime?: number;
  leg?: 'entry' | 'exit';
  requestedBy?: string;
  /** Evaluate as if the position were already flat (the entry leg of a reversal). */
  assumeFlat?: boolean;
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

function checksJson(checks: readonly CheckRecord[]): Record<string, unknown> {
  return { checks: checks.map((c) => ({ ...c })) };
}

/** Run risk and route the result; the intent and its decision are written in one transaction. */
export async function proposeIntent(
  deps: EngineDeps,
  proposal: OrderProposal,
  meta: IntentMeta = {},
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
  // Independent reads in parallel: they are most of a proposal's latency.
  const [market, , overrides, state] = await Promise.all([
    marketView(deps, proposal.category, proposal.symbol),
    refreshBalances(deps),
    riskOverrides(deps.db),
    getTradingState(deps.db),
  ]);
  const marks = new Map([[proposal.symbol, market.markPrice ?? market.lastPrice]]);
  // The entry leg of a reversal is judged as if the exit had already flattened the position.
  const portfolio = await loadPortfolioView(
    deps,
    marks,
    meta.assumeFlat ? { symbol: proposal.symbol, category: proposal.category } : undefined,
  );
  const limits = limitsFromConfig(deps.config.risk, overrides);
  const tradingState = state.state;
  const decision: RiskDecision = evaluateRisk({
    proposal,
    instrument,
    portfolio,
    market,
    limits,
    tradingState,
    now,
  });
  const reducesRisk = proposal.reduceOnly || proposal.source === 'close' || proposal.source === 'kill';
  const stopPrice = entryStop(proposal, decision, market, instrument);
  const route = decision.approved
    ? approvalRoute(deps.config.approvals, decision.notional, reducesRisk)
    : null;

  type Written = { intent: IntentRow; approvalId?: number; expiresAt?: number } | null;
  const written = await deps.db.transaction(async (tx): Promise<Written> => {
    const intent = await insertIntent(tx, {
      ref: makeIntentId(now, deps.randomBytes(8)),
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
      status: 'pending-risk',
      requestedBy: meta.requestedBy ?? null,
    });
    if (!intent) return null;
    await insertRiskDecision(tx, {
      intentId: intent.id,
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
    });
    if (!decision.approved) {
      await transitionIntent(tx, intent.id, ['pending-risk'], 'denied', {
        reason: decision.reasons.map((r) => r.reason).join('; '),
      });
      return { intent };
    }
    if (route?.kind === 'ask') {
      const expiresAt = now + deps.config.approvals.ttlSeconds * 1000;
      const ap = await createApproval(tx, {
        intentId: intent.id,
        requiredVotes: route.votes,
        refPrice: decision.price,
        expiresAt: new Date(expiresAt),
      });
      await transitionIntent(tx, intent.id, ['pending-risk'], 'awaiting-approval');
      return { intent, approvalId: ap.id, expiresAt };
    }
    await transitionIntent(tx, intent.id, ['pending-risk'], 'approved');
    return { intent };
  });
  if (!written) return { kind: 'duplicate' };
  const { intent } = written;
  if (!decision.approved) {
    const reasons = decision.reasons.map((r) => ({ check: r.check, reason: r.reason }));
    for (const r of reasons) metrics.riskDenied(r.check);
    await deps.notifier.notify({ kind: 'risk-denial', intentId: intent.id, symbol: intent.symbol, reasons });
    return { kind: 'denied', intentId: intent.id, reasons };
  }
  if (written.approvalId !== undefined && route?.kind === 'ask') {
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
      expiresAt: written.expiresAt ?? now,
    };
  }
  metrics.approval('auto');
  await deps.enqueueSubmit(intent.id);
  return { kind: 'submitted', intentId: intent.id, orderLinkId: linkIdOf(intent) };
}

/**
 * Before an approved intent goes out: if the market moved more than the tolerance since the approval
 * request was priced, run risk again at today's price (re-size a notional request, re-check every
 * limit). Returns false when the re-check denies it (the intent is then denied and the operator told).
 */
export async function repriceIfMoved(
  deps: EngineDeps,
  intent: IntentRow,
  refPrice: Decimal | null,
): Promise<boolean> {
  if (!refPrice || refPrice.lte(ZERO)) return true;
  const category = intent.category as Instrument['category'];
  const market = await marketView(deps, category, intent.symbol);
  const moved = market.lastPrice.minus(refPrice).abs().div(refPrice).mul(100);
  if (moved.lte(deps.config.approvals.repriceTolerancePct)) return true;
  const instrument = await ensureInstrument(deps, category, intent.symbol);
  await refreshBalances(deps);
  const portfolio = await loadPortfolioView(
    deps,
    new Map([[intent.symbol, market.markPrice ?? market.lastPrice]]),
  );
  const limits = limitsFromConfig(deps.config.risk, await riskOverrides(deps.db));
  const proposal: OrderProposal = {
    symbol: intent.symbol,
    category,
    side: intent.side as OrderProposal['side'],
    orderType: intent.orderType as OrderProposal['orderType'],
    // A notional request is re-sized at the new price; a quantity stays a quantity.
    ...(intent.notional ? { notional: intent.notional } : intent.qty ? { qty: intent.qty } : {}),
    ...(intent.limitPrice ? { limitPrice: intent.limitPrice } : {}),
    ...(intent.stopPrice ? { stopPrice: intent.stopPrice } : {}),
    reduceOnly: intent.reduceOnly,
    source: intent.source as OrderProposal['source'],
  };
  const tradingState = (await getTradingState(deps.db)).state;
  const d = evaluateRisk({
    proposal,
    instrument,
    portfolio,
    market,
    limits,
    tradingState,
    now: deps.clock.now(),
  });
  const note = `re-priced after approval: the price moved ${moved.toFixed(2)}% (from ${refPrice.toFixed()} to ${market.lastPrice.toFixed()})`;
  await deps.db.transaction(async (tx) => {
    await insertRiskDecision(tx, {
      intentId: intent.id,
      outcome: d.approved ? 'approved' : 'denied',
      qty: d.approved ? d.qty : null,
      price: d.approved ? d.price : null,
      notional: d.approved ? d.notional : null,
      reasons: d.approved ? [] : d.reasons.map((r) => ({ check: r.check, reason: r.reason })),
      inputs: { ...checksJson(d.checks), note },
    });
    if (!d.approved) {
      await transitionIntent(tx, intent.id, ['approved'], 'denied', {
        reason: `${note}; ${d.reasons.map((r) => r.reason).join('; ')}`,
      });
    }
  });
  if (!d.approved) {
    await deps.notifier.notify({
      kind: 'risk-denial',
      intentId: intent.id,
      symbol: intent.symbol,
      reasons: [
        { check: 'reprice', reason: note },
        ...d.reasons.map((r) => ({ check: r.check, reason: r.reason })),
      ],
    });
  }
  return d.approved;
}
