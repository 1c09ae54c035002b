// Per-symbol notional limit on the position after the fill (spot and linear of a symbol add up).
// An order that only shrinks a position is never blocked: it lowers risk.
import { fmt } from '../format.js';
import { deny, type RiskCheck } from './types.js';

export const maxNotionalPerSymbolCheck: RiskCheck = {
  name: 'max-notional-per-symbol',
  needs: 'order',
  inputs: (ctx) => ({
    before: ctx.order.projection.symbolNotionalBefore.toFixed(),
    after: ctx.order.projection.symbolNotionalAfter.toFixed(),
    limit: ctx.limits.maxNotionalPerSymbol.toFixed(),
    reducing: ctx.order.projection.reducing,
  }),
  run: (ctx) => {
    const p = ctx.order.projection;
    if (p.reducing || p.symbolNotionalAfter.lte(ctx.limits.maxNotionalPerSymbol)) return null;
    return deny(
      'max-notional-per-symbol',
      `${ctx.proposal.symbol} notional ${fmt(p.symbolNotionalAfter, 2, true)} would exceed the per-symbol limit ${fmt(ctx.limits.maxNotionalPerSymbol)}`,
    );
  },
};
