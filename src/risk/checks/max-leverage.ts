// Account leverage limit: gross exposure / equity after the fill, equity taking any immediate loss
// from paying above the mark. An order that only shrinks a position is never blocked.
import { fmt } from '../format.js';
import { deny, type RiskCheck } from './types.js';

export const maxLeverageCheck: RiskCheck = {
  name: 'max-leverage',
  needs: 'order',
  inputs: (ctx) => ({
    grossAfter: ctx.order.projection.grossAfter.toFixed(),
    equityAfter: ctx.order.projection.equityAfter.toFixed(),
    leverageAfter: ctx.order.projection.leverageAfter?.toFixed() ?? null,
    limit: ctx.limits.maxLeverage.toFixed(),
    reducing: ctx.order.projection.reducing,
  }),
  run: (ctx) => {
    const p = ctx.order.projection;
    if (p.reducing) return null;
    if (p.leverageAfter === null) {
      return deny('max-leverage', `equity would be ${fmt(p.equityAfter, 2)}: no new exposure is allowed`);
    }
    if (p.leverageAfter.lte(ctx.limits.maxLeverage)) return null;
    return deny(
      'max-leverage',
      `leverage ${fmt(p.leverageAfter, 2, true)}x would exceed the limit ${fmt(ctx.limits.maxLeverage)}x (gross exposure ${fmt(p.grossAfter, 2, true)} on equity ${fmt(p.equityAfter, 2)})`,
    );
  },
};
