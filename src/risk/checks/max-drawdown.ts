// Drawdown circuit breaker (entry side): no new exposure while equity sits the limit or more below its
// peak. breaches.ts raises the alert and the halt; this check keeps entries out in the meantime.
import { fmt, pct } from '../format.js';
import { deny, isEntry, type RiskCheck } from './types.js';

export const maxDrawdownCheck: RiskCheck = {
  name: 'max-drawdown',
  needs: 'nothing',
  inputs: (ctx) => ({
    equity: ctx.portfolio.equity.toFixed(),
    peakEquity: ctx.portfolio.peakEquity.toFixed(),
    drawdownPct: ctx.portfolio.drawdownPct.toFixed(),
    maxDrawdownPct: ctx.limits.maxDrawdownPct.toFixed(),
    entry: isEntry(ctx),
  }),
  run: (ctx) => {
    const { drawdownPct, peakEquity, equity } = ctx.portfolio;
    if (drawdownPct.lt(ctx.limits.maxDrawdownPct) || drawdownPct.isZero() || !isEntry(ctx)) return null;
    return deny(
      'max-drawdown',
      `drawdown ${pct(drawdownPct, true)} from the equity peak ${fmt(peakEquity)} (equity ${fmt(equity, 2)}) has reached the limit ${pct(ctx.limits.maxDrawdownPct)}: new entries are blocked`,
    );
  },
};
