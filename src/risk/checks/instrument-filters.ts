// The venue's lot filters (step, minimum and maximum quantity, minimum order value) through the
// instrument's own makeQty. Reduce-only orders skip the minimum value: closing a small remainder
// must stay possible, and the venue has the last word on it.
import { makeQty } from '../../domain/instrument.js';
import { deny, type RiskCheck } from './types.js';

export const instrumentFiltersCheck: RiskCheck = {
  name: 'instrument-filters',
  needs: 'order',
  inputs: (ctx) => ({
    desiredQty: ctx.order.desiredQty.toFixed(),
    qty: ctx.order.qty.toFixed(),
    qtyStep: ctx.instrument.qtyStep.toFixed(),
    minOrderQty: ctx.instrument.minOrderQty.toFixed(),
    minNotional: ctx.instrument.minNotional.toFixed(),
    basis: ctx.order.basis,
  }),
  run: (ctx) => {
    const r = makeQty(ctx.instrument, ctx.order.desiredQty, {
      market: ctx.proposal.orderType === 'Market',
      ...(ctx.proposal.reduceOnly ? {} : { price: ctx.order.price }),
    });
    if (r.ok) return null;
    const why = ctx.order.basis === 'quantity given' ? '' : ` (sized from ${ctx.order.basis})`;
    return deny('instrument-filters', `${r.problem.message}${why}`);
  },
};
