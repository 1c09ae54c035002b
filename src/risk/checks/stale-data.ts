// Stale market data: an order judged on an old price is judged on the wrong price. Data dated ahead of the
// bot's clock is refused as well: the clocks disagree (host clock, or a replay's times), so its age means
// nothing. Kill-switch flattens are exempt: getting out must not wait for a feed to recover.
import { deny, type RiskCheck } from './types.js';

/** How far ahead of the bot's clock data may be dated: Bybit's own margin for a request's timestamp is 1 s. */
export const FUTURE_DATA_TOLERANCE_MS = 5_000;

export const staleDataCheck: RiskCheck = {
  name: 'stale-data',
  needs: 'nothing',
  inputs: (ctx) => ({ dataTs: ctx.market.dataTs, now: ctx.now, staleDataMs: ctx.limits.staleDataMs }),
  run: (ctx) => {
    if (ctx.proposal.source === 'kill') return null;
    const age = ctx.now - ctx.market.dataTs;
    if (age < -FUTURE_DATA_TOLERANCE_MS) {
      return deny(
        'stale-data',
        `market data for ${ctx.proposal.symbol} is dated ${Math.ceil(-age / 1000)} s ahead of the bot's clock (data ${new Date(ctx.market.dataTs).toISOString()}, clock ${new Date(ctx.now).toISOString()}); the clocks disagree: check the host's time sync, or a replay's times`,
      );
    }
    if (age <= ctx.limits.staleDataMs) return null;
    return deny(
      'stale-data',
      `market data for ${ctx.proposal.symbol} is ${Math.ceil(age / 1000)} s old; the limit is ${ctx.limits.staleDataMs / 1000} s`,
    );
  },
};
