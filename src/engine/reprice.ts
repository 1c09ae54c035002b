// Re-pricing an approved intent before it goes out: when the market moved beyond the tolerance since
// the approval was requested, risk runs again at today's price and may deny it.
import { insertRiskDecision, transitionIntent, type IntentRow } from '../db/repos/intents.js';
import { ZERO, type Decimal } from '../domain/decimal.js';
import type { Instrument } from '../domain/instrument.js';
import type { OrderProposal } from '../risk/types.js';
import type { EngineDeps } from './deps.js';
import { ensureInstrument } from './instruments.js';
import { checksJson, judgeProposal, loadProposalContext } from './judge.js';
import { marketView } from './portfolio-loader.js';

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
  const ctx = await loadProposalContext(deps, category, intent.symbol, { market });
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
  const { decision: d } = await judgeProposal(
    deps,
    proposal,
    instrument,
    ctx,
    deps.clock.now(),
    undefined,
    intent.id,
  );
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
