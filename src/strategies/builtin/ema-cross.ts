// ema-cross: like sma-cross on exponential averages (pandas ewm(span, adjust=False)); the cross is
// strict on float64 values, since an EMA is not exact in any finite decimal.
import { defineStrategy, Ema } from '../../sdk/index.js';

export default defineStrategy({
  name: 'ema-cross',
  summary: 'long when EMA(fast) crosses above EMA(slow), short on the opposite cross',
  params: {
    fast: { default: 12, min: 1, max: 10_000, int: true, help: 'fast EMA span in bars' },
    slow: { default: 26, min: 2, max: 10_000, int: true, help: 'slow EMA span in bars' },
  },
  validate: (p) =>
    p.fast < p.slow
      ? null
      : { param: 'fast', message: `param fast (${p.fast}) must be less than slow (${p.slow})` },
  warmup: (p) => p.slow - 1,
  // An EMA remembers its whole history; 10 spans leave less than 1e-6 of the seed's weight.
  lookback: (p) => Math.max(p.slow + 1, 10 * p.slow),
  create({ params }) {
    // pandas' exact operation order (trading-signals' EMA seeds differently and would move crosses).
    const fast = new Ema(params.fast);
    const slow = new Ema(params.slow);
    let prevFast = NaN;
    let prevSlow = NaN;
    return {
      onBar(ctx) {
        fast.push(ctx.bar.close);
        slow.push(ctx.bar.close);
        const f = fast.value;
        const s = slow.value;
        const pf = prevFast;
        const ps = prevSlow;
        prevFast = f;
        prevSlow = s;
        // Comparisons with NaN are false, so nothing fires until both bars have values.
        if (pf < ps && f > s) {
          ctx.exit();
          ctx.enterLong({ reason: `EMA(${fast.period}) crossed above EMA(${slow.period})` });
        } else if (ps < pf && s > f) {
          ctx.exit();
          ctx.enterShort({ reason: `EMA(${fast.period}) crossed below EMA(${slow.period})` });
        }
      },
      indicators: () => ({ [`EMA(${fast.period})`]: fast.value, [`EMA(${slow.period})`]: slow.value }),
    };
  },
});
