// evaluateRisk: price and size the proposal, then run every check and collect every failing reason,
// so an operator sees all of them at once. Pure: the time, the account and the market are inputs.
import type { Instrument } from '../domain/instrument.js';
import type { PortfolioView } from '../portfolio/types.js';
import { ORDER_CHECKS, STATE_CHECKS } from './checks/index.js';
import type { CheckContext, RiskCheck } from './checks/types.js';
import { desiredQty, prepareOrder, priceFor } from './prepare.js';
import type {
  CheckInputs,
  CheckRecord,
  Denial,
  InFlightOrder,
  MarketView,
  OrderProposal,
  RiskDecision,
  RiskLimits,
  TradingState,
} from './types.js';

export interface RiskInput {
  readonly proposal: OrderProposal;
  readonly instrument: Instrument;
  readonly portfolio: PortfolioView;
  readonly market: MarketView;
  readonly limits: RiskLimits;
  readonly tradingState: TradingState;
  readonly now: number;
  /** Approved orders still on the way (none in a backtest, where orders fill at once). */
  readonly inFlight?: readonly InFlightOrder[];
}

function runCheck(check: RiskCheck, ctx: CheckContext): CheckRecord {
  const skip: CheckRecord = { check: check.name, outcome: 'skip', inputs: {} };
  let denial: Denial | null;
  let inputs: CheckInputs;
  switch (check.needs) {
    case 'nothing':
      [denial, inputs] = [check.run(ctx), check.inputs(ctx)];
      break;
    case 'price': {
      const { price } = ctx;
      if (price === null) return skip;
      const c = { ...ctx, price };
      [denial, inputs] = [check.run(c), check.inputs(c)];
      break;
    }
    case 'order': {
      const { price, order } = ctx;
      if (price === null || order === null) return skip;
      const c = { ...ctx, price, order };
      [denial, inputs] = [check.run(c), check.inputs(c)];
      break;
    }
  }
  return denial === null
    ? { check: check.name, outcome: 'pass', inputs }
    : { check: check.name, outcome: 'fail', reason: denial.reason, inputs };
}

export function evaluateRisk(input: RiskInput): RiskDecision {
  const { proposal, instrument, portfolio, market } = input;
  const priced = priceFor(proposal, instrument, market);
  const sized = priced.ok ? desiredQty(proposal, instrument, priced.price, portfolio, market) : priced;
  const price = priced.ok ? priced.price : null;
  const order =
    priced.ok && sized.ok
      ? prepareOrder(proposal, instrument, priced.price, sized, portfolio, market, input.inFlight ?? [])
      : null;
  const ctx: CheckContext = { ...input, price, order };

  const sizing: CheckRecord = sized.ok
    ? {
        check: 'sizing',
        outcome: 'pass',
        inputs: { basis: sized.basis, desiredQty: sized.qty.toFixed(), price: price?.toFixed() ?? null },
      }
    : { check: 'sizing', outcome: 'fail', reason: sized.reason, inputs: { price: price?.toFixed() ?? null } };
  const checks = [
    ...STATE_CHECKS.map((c) => runCheck(c, ctx)),
    sizing,
    ...ORDER_CHECKS.map((c) => runCheck(c, ctx)),
  ];
  const reasons = checks.flatMap((c) =>
    c.outcome === 'fail' ? [{ check: c.check, reason: c.reason ?? '' }] : [],
  );
  if (reasons.length > 0 || order === null) return { approved: false, reasons, checks };
  return { approved: true, qty: order.qty, price: order.price, notional: order.notional, checks };
}
