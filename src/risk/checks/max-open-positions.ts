// Open position count: only an order that opens a new instrument can break it.
import { deny, type RiskCheck } from './types.js';

export const maxOpenPositionsCheck: RiskCheck = {
  name: 'max-open-positions',
  needs: 'order',
  inputs: (ctx) => ({
    openBefore: ctx.order.projection.openBefore,
    openAfter: ctx.order.projection.openAfter,
    limit: ctx.limits.maxOpenPositions,
  }),
  run: (ctx) => {
    const p = ctx.order.projection;
    if (!p.opensNew || p.openAfter <= ctx.limits.maxOpenPositions) return null;
    return deny(
      'max-open-positions',
      `opening ${ctx.proposal.symbol} would make ${p.openAfter} open positions; the limit is ${ctx.limits.maxOpenPositions}`,
    );
  },
};
