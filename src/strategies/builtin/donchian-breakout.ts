// donchian-breakout (turtle style): go long when the close breaks above the highest high of the previous
// `entry` bars, short below the lowest low; leave on the opposite `exit`-bar channel, which is also the stop.
import { defineStrategy, priceToDecimal, RollingExtreme } from '../../sdk/index.js';

export default defineStrategy({
  name: 'donchian-breakout',
  summary: 'long above the entry-bar high, short below its low; exit and stop on the exit-bar channel',
  params: {
    entry: { default: 20, min: 1, max: 10_000, int: true, help: 'breakout channel in bars (alias: period)' },
    exit: { default: 10, min: 1, max: 10_000, int: true, help: 'exit channel in bars' },
  },
  warmup: (p) => Math.max(p.entry, p.exit),
  lookback: (p) => Math.max(p.entry, p.exit) + 1,
  create({ params, priceScale }) {
    const entryHigh = new RollingExtreme(params.entry, 'max');
    const entryLow = new RollingExtreme(params.entry, 'min');
    const exitHigh = new RollingExtreme(params.exit, 'max');
    const exitLow = new RollingExtreme(params.exit, 'min');
    return {
      onBar(ctx) {
        // Channels come from the bars before this one, so read them before pushing.
        const ready = entryHigh.ready && exitHigh.ready;
        const hiE = entryHigh.value;
        const loE = entryLow.value;
        const hiX = exitHigh.value;
        const loX = exitLow.value;
        const { high, low, close: c } = ctx.bar;
        entryHigh.push(high);
        entryLow.push(low);
        exitHigh.push(high);
        exitLow.push(low);
        if (!ready) return;
        const side = ctx.book.side;
        if (side !== 'long' && c > hiE) {
          // An entry against a short book closes it first.
          const stop = { price: priceToDecimal(loX, priceScale) };
          ctx.enterLong({ stop, reason: `close broke the ${params.entry}-bar high` });
        } else if (side !== 'short' && c < loE) {
          const stop = { price: priceToDecimal(hiX, priceScale) };
          ctx.enterShort({ stop, reason: `close broke the ${params.entry}-bar low` });
        } else if ((side === 'long' && c < loX) || (side === 'short' && c > hiX)) {
          ctx.exit({ reason: `close left the ${params.exit}-bar channel` });
        }
      },
      indicators: () => ({
        [`DC(${params.entry}) high`]: entryHigh.value,
        [`DC(${params.entry}) low`]: entryLow.value,
        [`DC(${params.exit}) high`]: exitHigh.value,
        [`DC(${params.exit}) low`]: exitLow.value,
      }),
    };
  },
});
