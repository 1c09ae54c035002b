// The kill switch and reduce-only mode: HALTED lets only kill-switch flatten orders through, REDUCING
// only orders flagged reduce-only (the venue enforces the flag, so nothing can grow a position).
import { deny, type RiskCheck } from './types.js';

export const tradingStateCheck: RiskCheck = {
  name: 'trading-state',
  needs: 'nothing',
  inputs: (ctx) => ({
    state: ctx.tradingState,
    source: ctx.proposal.source,
    reduceOnly: ctx.proposal.reduceOnly,
  }),
  run: (ctx) => {
    const { source, reduceOnly } = ctx.proposal;
    if (ctx.tradingState === 'HALTED' && !(source === 'kill' && reduceOnly)) {
      return deny(
        'trading-state',
        'trading is HALTED: only kill-switch flatten orders are accepted until an admin runs /resume',
      );
    }
    if (ctx.tradingState === 'REDUCING' && !reduceOnly) {
      return deny('trading-state', 'trading is REDUCING: only reduce-only orders are accepted');
    }
    return null;
  },
};
