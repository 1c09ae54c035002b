// Daily realized loss limit: once today's closed trades have lost the limit, new entries wait for the
// next UTC day; orders that only reduce a position still pass.
import { ZERO, type Decimal } from '../../domain/decimal.js';
import type { PortfolioView } from '../../portfolio/types.js';
import { DAY_MS, formatUtc, utcDayStart } from '../../portfolio/time.js';
import { fmt } from '../format.js';
import { deny, isEntry, type RiskCheck } from './types.js';

/** Today's realized PnL as of `now`: the view's figure belongs to another day once midnight has passed. */
export function realizedToday(view: PortfolioView, now: number): Decimal {
  return utcDayStart(now) === view.dayStart ? view.realizedPnlToday : ZERO;
}

export const dailyLossCheck: RiskCheck = {
  name: 'daily-loss',
  needs: 'nothing',
  inputs: (ctx) => ({
    realizedToday: realizedToday(ctx.portfolio, ctx.now).toFixed(),
    dailyLossLimit: ctx.limits.dailyLossLimit.toFixed(),
    entry: isEntry(ctx),
  }),
  run: (ctx) => {
    const loss = realizedToday(ctx.portfolio, ctx.now).neg();
    if (!loss.gt(ZERO) || loss.lt(ctx.limits.dailyLossLimit) || !isEntry(ctx)) return null;
    const until = formatUtc(utcDayStart(ctx.now) + DAY_MS);
    return deny(
      'daily-loss',
      `realized loss today ${fmt(loss, 2, true)} has reached the daily limit ${fmt(ctx.limits.dailyLossLimit)}: new entries are blocked until ${until} (reduce-only orders still pass)`,
    );
  },
};
