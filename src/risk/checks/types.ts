// The shape every risk check shares: a pure function of the context returning a Denial or null,
// plus the inputs it looked at (recorded in risk_decisions so a decision can be explained later).
import type { Decimal } from '../../domain/decimal.js';
import type { Instrument } from '../../domain/instrument.js';
import type { PortfolioView } from '../../portfolio/types.js';
import type { PreparedOrder } from '../prepare.js';
import type {
  CheckInputs,
  CheckName,
  Denial,
  MarketView,
  OrderProposal,
  RiskLimits,
  TradingState,
} from '../types.js';

export interface CheckContext {
  readonly proposal: OrderProposal;
  readonly instrument: Instrument;
  readonly portfolio: PortfolioView;
  readonly market: MarketView;
  readonly limits: RiskLimits;
  readonly tradingState: TradingState;
  readonly now: number;
  /** Null when no price could be worked out (the sizing reason says why). */
  readonly price: Decimal | null;
  /** Null when no quantity could be worked out. */
  readonly order: PreparedOrder | null;
}

export type PricedContext = CheckContext & { readonly price: Decimal };
export type OrderContext = CheckContext & { readonly price: Decimal; readonly order: PreparedOrder };

interface CheckBase<C> {
  readonly name: CheckName;
  readonly run: (ctx: C) => Denial | null;
  readonly inputs: (ctx: C) => CheckInputs;
}

/** `needs` says what must be known before the check can judge; without it the check is recorded as skipped. */
export type RiskCheck =
  | (CheckBase<CheckContext> & { readonly needs: 'nothing' })
  | (CheckBase<PricedContext> & { readonly needs: 'price' })
  | (CheckBase<OrderContext> & { readonly needs: 'order' });

export function deny(check: CheckName, reason: string): Denial {
  return { check, reason };
}

/**
 * Protections (daily loss, drawdown, cooldown) stop entries only: an order that merely shrinks a
 * position lowers risk and must always be possible. Before a size is known, the reduce-only flag decides.
 */
export function isEntry(ctx: CheckContext): boolean {
  return ctx.order ? !ctx.order.projection.reducing : !ctx.proposal.reduceOnly;
}
