// sma-cross: close and go long when SMA(fast) crosses above SMA(slow), close and go short on the
// opposite cross (backtesting.py's SmaCross). Crosses are strict and decided exactly on integer ticks.
import { compareMeans, defineStrategy, RollingTickSum, toTicks } from '../../sdk/index.js';

export default defineStrategy({
  name: 'sma-cross',
  summary: 'long when SMA(fast) crosses above SMA(slow), short on the opposite cross',
  params: {
    fast: { default: 10, min: 1, max: 10_000, int: true, help: 'fast SMA period in bars' },
    slow: { default: 30, min: 2, max: 10_000, int: true, help: 'slow SMA period in bars' },
  },
  validate: (p) =>
    p.fast < p.slow
      ? null
      : { param: 'fast', message: `param fast (${p.fast}) must be less than slow (${p.slow})` },
  warmup: (p) => p.slow - 1,
  lookback: (p) => p.slow + 1,
  create({ params, priceScale }) {
    const fast = new RollingTickSum(params.fast);
    const slow = new RollingTickSum(params.slow);
    /** sign(SMA fast − SMA slow) at the previous bar; 0 while undefined or tied. */
    let prev = 0;
    return {
      onBar(ctx) {
        const t = toTicks(ctx.bar.close, priceScale);
        fast.push(t);
        slow.push(t);
        if (!slow.ready) return;
        const cmp = compareMeans(fast.sum, fast.period, slow.sum, slow.period);
        const before = prev;
        prev = cmp;
        if (before < 0 && cmp > 0) {
          ctx.exit();
          ctx.enterLong({ reason: `SMA(${fast.period}) crossed above SMA(${slow.period})` });
        } else if (before > 0 && cmp < 0) {
          ctx.exit();
          ctx.enterShort({ reason: `SMA(${fast.period}) crossed below SMA(${slow.period})` });
        }
      },
      indicators: () => ({
        [`SMA(${fast.period})`]: fast.ready ? fast.sum / fast.period / priceScale : NaN,
        [`SMA(${slow.period})`]: slow.ready ? slow.sum / slow.period / priceScale : NaN,
      }),
    };
  },
});
