// Fat-finger guard: a limit price, or the last price a market order will meet, too far from the mark.
// Kill-switch flattens are exempt: in a crash the book is far from the mark and getting out comes first.
import type { Decimal } from '../../domain/decimal.js';
import { fmt, pct } from '../format.js';
import { deny, type PricedContext, type RiskCheck } from './types.js';

function reference(ctx: PricedContext): { price: Decimal; mark: Decimal; label: string } | null {
  const mark = ctx.market.markPrice;
  if (ctx.proposal.orderType === 'Limit') {
    return { price: ctx.price, mark: mark ?? ctx.market.lastPrice, label: 'limit price' };
  }
  // A market order has only the last price to compare; without a separate mark there is nothing to check.
  return mark === undefined ? null : { price: ctx.market.lastPrice, mark, label: 'last price' };
}

export const priceBandCheck: RiskCheck = {
  name: 'price-band',
  needs: 'price',
  inputs: (ctx) => {
    const ref = reference(ctx);
    return {
      price: ref?.price.toFixed() ?? null,
      mark: ref?.mark.toFixed() ?? null,
      priceBandPct: ctx.limits.priceBandPct.toFixed(),
    };
  },
  run: (ctx) => {
    const ref = reference(ctx);
    if (ctx.proposal.source === 'kill' || ref === null || !ref.mark.gt(0)) return null;
    const deviation = ref.price.minus(ref.mark).abs().div(ref.mark).mul(100);
    if (deviation.lte(ctx.limits.priceBandPct)) return null;
    return deny(
      'price-band',
      `${ref.label} ${fmt(ref.price)} is ${pct(deviation, true)} from the mark ${fmt(ref.mark)}; the price band is ${pct(ctx.limits.priceBandPct)}`,
    );
  },
};
