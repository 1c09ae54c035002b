// Stale market data: an order judged on an old price is judged on the wrong price. Kill-switch
// flattens are exempt: getting out must not wait for a feed to recover.
import { deny, type RiskCheck } from './types.js';

export const staleDataCheck: RiskCheck = {
  name: 'stale-data',
  needs: 'nothing',
  inputs: (ctx) => ({ dataTs: ctx.market.dataTs, now: ctx.now, staleDataMs: ctx.limits.staleDataMs }),
  run: (ctx) => {
    if (ctx.proposal.source === 'kill') return null;
    const age = ctx.now - ctx.market.dataTs;
    if (age <= ctx.limits.staleDataMs) return null;
    return deny(
      'stale-data',
      `market data for ${ctx.proposal.symbol} is ${Math.ceil(age / 1000)} s old; the limit is ${ctx.limits.staleDataMs / 1000} s`,
    );
  },
};
