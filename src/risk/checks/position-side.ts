// Orders that cannot do what they say: reduce-only with nothing on the other side to reduce, and spot
// sells of more than is held (spot never goes short).
import { fmt } from '../format.js';
import { deny, type RiskCheck } from './types.js';

export const positionSideCheck: RiskCheck = {
  name: 'position-side',
  needs: 'order',
  inputs: (ctx) => ({
    positionSize: ctx.order.projection.sizeBefore.toFixed(),
    qty: ctx.order.qty.toFixed(),
    reduceOnly: ctx.proposal.reduceOnly,
  }),
  run: (ctx) => {
    const { side, symbol, reduceOnly, category } = ctx.proposal;
    const { sizeBefore, sizeAfter } = ctx.order.projection;
    const reducible = side === 'Buy' ? sizeBefore.lt(0) : sizeBefore.gt(0);
    if (reduceOnly && !reducible) {
      const dir = side === 'Buy' ? 'short' : 'long';
      return deny('position-side', `reduce-only ${side} on ${symbol} has no ${dir} position to reduce`);
    }
    if (category === 'spot' && sizeAfter.lt(0)) {
      const coin = ctx.instrument.baseCoin;
      return deny(
        'position-side',
        `spot sell of ${fmt(ctx.order.qty)} ${coin} exceeds the ${fmt(sizeBefore.abs())} ${coin} held`,
      );
    }
    return null;
  },
};
