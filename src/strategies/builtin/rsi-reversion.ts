// rsi-reversion: mean reversion on Wilder's RSI, long only (so it also suits spot): buy when RSI falls
// below `lower` while flat, close when it rises above `upper`.
import { defineStrategy, WilderRsi } from '../../sdk/index.js';

export default defineStrategy({
  name: 'rsi-reversion',
  summary: 'long when RSI(period) drops below lower, closed when it rises above upper',
  params: {
    period: { default: 14, min: 2, max: 10_000, int: true, help: 'RSI period in bars' },
    lower: { default: 30, min: 0, max: 100, help: 'buy below this RSI' },
    upper: { default: 70, min: 0, max: 100, help: 'close above this RSI' },
  },
  validate: (p) =>
    p.lower < p.upper
      ? null
      : { param: 'lower', message: `param lower (${p.lower}) must be less than upper (${p.upper})` },
  warmup: (p) => p.period,
  // Wilder smoothing decays by (1 − 1/period) per bar: 10 periods leave about 3e-5 of the seed.
  lookback: (p) => 10 * p.period + 1,
  create({ params }) {
    // TA-Lib's seed and operation order, which the backtesting.py goldens pin to the last bit.
    const rsi = new WilderRsi(params.period);
    return {
      onBar(ctx) {
        rsi.push(ctx.bar.close);
        const r = rsi.value;
        if (Number.isNaN(r)) return;
        const side = ctx.book.side;
        if (side === 'flat' && r < params.lower)
          ctx.enterLong({ reason: `RSI(${params.period}) below ${params.lower}` });
        else if (side === 'long' && r > params.upper)
          ctx.exit({ reason: `RSI(${params.period}) above ${params.upper}` });
      },
      indicators: () => ({ [`RSI(${params.period})`]: rsi.value }),
    };
  },
});
