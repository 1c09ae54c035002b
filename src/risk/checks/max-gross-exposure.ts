// Gross exposure limit: Σ |position| × mark over the whole account after the fill.
// An order that only shrinks a position is never blocked: it lowers risk.
import { fmt } from '../format.js';
import { deny, type RiskCheck } from './types.js';

export const maxGrossExposureCheck: RiskCheck = {
  name: 'max-gross-exposure',
  needs: 'order',
  inputs: (ctx) => ({
    before: ctx.order.projection.grossBefore.toFixed(),
    after: ctx.order.projection.grossAfter.toFixed(),
    limit: ctx.limits.maxGrossExposure.toFixed(),
    reducing: ctx.order.projection.reducing,
  }),
  run: (ctx) => {
    const p = ctx.order.projection;
    if (p.reducing || p.grossAfter.lte(ctx.limits.maxGrossExposure)) return null;
    return deny(
      'max-gross-exposure',
      `gross exposure ${fmt(p.grossAfter, 2, true)} would exceed the limit ${fmt(ctx.limits.maxGrossExposure)}`,
    );
  },
};
