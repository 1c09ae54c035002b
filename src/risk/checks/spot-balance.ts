// Spot buys are paid in full: the quote coin has to be available (linear orders are covered by leverage).
import { fmt } from '../format.js';
import { deny, type RiskCheck } from './types.js';

export const spotBalanceCheck: RiskCheck = {
  name: 'spot-balance',
  needs: 'order',
  inputs: (ctx) => ({
    notional: ctx.order.notional.toFixed(),
    available: ctx.portfolio.availableBalance.toFixed(),
  }),
  run: (ctx) => {
    if (ctx.proposal.category !== 'spot' || ctx.proposal.side !== 'Buy') return null;
    const available = ctx.portfolio.availableBalance;
    if (ctx.order.notional.lte(available)) return null;
    const q = ctx.instrument.quoteCoin;
    return deny(
      'spot-balance',
      `spot buy of ${fmt(ctx.order.notional, 2, true)} ${q} exceeds the available ${fmt(available, 2)} ${q}`,
    );
  },
};
