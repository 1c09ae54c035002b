// Risk's verdict on a proposal: the context it reads (market, account, trading state) and the judging
// itself, shared by the intent pipeline, re-pricing after an approval and the re-judging of a resend.
import type { TradingStateRow } from '../db/repos/trading-state.js';
import type { Instrument } from '../domain/instrument.js';
import { evaluateRisk } from '../risk/evaluate.js';
import { limitsFromConfig } from '../risk/limits.js';
import type { PortfolioView } from '../portfolio/index.js';
import type { CheckRecord, InFlightOrder, MarketView, OrderProposal, RiskDecision } from '../risk/types.js';
import type { AccountState, InFlightRow } from '../db/repos/account-state.js';
import type { EngineDeps } from './deps.js';
import {
  loadPortfolioInputs,
  marketView,
  refreshBalances,
  viewFromInputs,
  type PositionOverride,
  type PortfolioInputs,
} from './portfolio-loader.js';

export function checksJson(checks: readonly CheckRecord[]): Record<string, unknown> {
  return { checks: checks.map((c) => ({ ...c })) };
}

/** What risk reads besides the proposal; the two legs of a reversal (one tick, same instant) share it. */
export interface ProposalContext {
  readonly market: MarketView;
  readonly inputs: PortfolioInputs;
  readonly overrides: Record<string, string>;
  readonly state: TradingStateRow;
}

/**
 * The market and the account from the database, in parallel: they are most of a proposal's latency. The
 * wallet refresh lands in the balances table, so the account is read once it has finished. `market`:
 * already read by the caller (a re-pricing check); `streamed`: the public stream's ticker may answer
 * (a strategy's tick, where the venue's price of the last few ms will do; operators get REST's).
 */
export async function loadProposalContext(
  deps: EngineDeps,
  category: Instrument['category'],
  symbol: string,
  opts: { market?: MarketView; streamed?: boolean } = {},
): Promise<ProposalContext> {
  const [m, inputs] = await Promise.all([
    opts.market ?? marketView(deps, category, symbol, { streamed: opts.streamed === true }),
    refreshBalances(deps).then(() => loadPortfolioInputs(deps)),
  ]);
  return contextOf(m, inputs);
}

function contextOf(market: MarketView, inputs: PortfolioInputs): ProposalContext {
  return { market, inputs, overrides: inputs.overrides, state: inputs.tradingState };
}

/**
 * loadProposalContext with the account already being read (beside the tick's lease): only when the
 * balances are ready (balancesReady), as the account must be read after they are refreshed.
 */
export async function contextWithAccount(
  deps: EngineDeps,
  category: Instrument['category'],
  symbol: string,
  account: Promise<AccountState>,
  now: number,
): Promise<ProposalContext> {
  const [m, a] = await Promise.all([
    marketView(deps, category, symbol, { streamed: true }),
    refreshBalances(deps).then(() => account),
  ]);
  return contextOf(m, { ...a, now });
}

/** Approved orders on the way, as risk counts them; an intent being judged again is not its own rival. */
function inFlightOrders(rows: readonly InFlightRow[], selfIntentId?: number): InFlightOrder[] {
  return rows
    .filter((r) => r.intentId !== selfIntentId && (r.side === 'Buy' || r.side === 'Sell'))
    .map((r) => ({
      category: r.category as Instrument['category'],
      symbol: r.symbol,
      side: r.side as InFlightOrder['side'],
      qty: r.qty,
      price: r.price,
    }));
}

/**
 * Risk's verdict on a proposal in a context: the portfolio valued at the market's mark (and, for the
 * entry leg of a reversal, as if the position were already flat), then every check.
 */
export async function judgeProposal(
  deps: EngineDeps,
  proposal: OrderProposal,
  instrument: Instrument,
  ctx: ProposalContext,
  now: number,
  override?: PositionOverride,
  selfIntentId?: number,
): Promise<{ decision: RiskDecision; portfolio: PortfolioView }> {
  const { market } = ctx;
  const marks = new Map([[proposal.symbol, market.markPrice ?? market.lastPrice]]);
  const portfolio = await viewFromInputs(deps, ctx.inputs, marks, override);
  const decision = evaluateRisk({
    proposal,
    instrument,
    portfolio,
    market,
    limits: limitsFromConfig(deps.config.risk, ctx.overrides),
    tradingState: ctx.state.state,
    now,
    inFlight: inFlightOrders(ctx.inputs.inFlight, selfIntentId),
  });
  return { decision, portfolio };
}
