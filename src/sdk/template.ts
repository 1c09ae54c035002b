// The commented strategy file `bosun strategy new NAME` writes: market entries, a stop and a full exit
// only, so it backtests with --compat backtesting.py and trades on today's engine as written.

export function strategyTemplate(name: string): string {
  return `// ${name}: a bosun strategy. Edit freely; \`bosun strategy check <this file>\` tries it on sample data.
//
// A strategy is an object with params (numbers with ranges, validated from bosun.yaml and --param),
// a lookback (closed bars to keep) and create(setup), which builds one instance's indicators and
// returns onBar(ctx), called at every closed bar. Nothing is imported at run time: indicators come
// from setup.ta (the trading-signals library). For editor types, add (erased when it runs):
//   import type { StrategyDefinition } from '<path to bosun>/src/sdk/index.js';
// and write \`export default { ... } satisfies StrategyDefinition;\`.

export default {
  name: '${name}',
  summary: 'long when the close crosses above its SMA, out when it crosses below; stop below entry',
  params: {
    period: { default: 20, min: 2, max: 500, int: true, help: 'SMA period in bars' },
    stopPct: { default: 2, min: 0.1, max: 20, help: 'stop distance below the close, in percent' },
  },
  // Closed bars to replay into a fresh instance (live restarts) and to keep in ctx.series().bars.
  lookback: (p: { period: number }) => p.period + 1,
  // First bar index at which the indicator has a value: no decision before it.
  warmup: (p: { period: number }) => p.period - 1,

  create(setup: { params: { period: number; stopPct: number }; ta: { SMA: new (n: number) => Sma } }) {
    const { period, stopPct } = setup.params;
    const sma = new setup.ta.SMA(period);
    let wasAbove: boolean | null = null;

    return {
      onBar(ctx: Ctx) {
        const close = ctx.bar.close;
        sma.add(close);
        if (!sma.isStable) return;
        const above = close > Number(sma.getResult());
        const crossedUp = wasAbove === false && above;
        const crossedDown = wasAbove === true && !above;
        wasAbove = above;

        if (crossedUp && ctx.book.side === 'flat') {
          // Market entry, protected by a stop stopPct below the deciding close.
          ctx.enterLong({ stop: { pct: stopPct }, reason: \`close crossed above SMA(\${period})\` });
        } else if (crossedDown && ctx.book.side === 'long') {
          ctx.exit({ reason: \`close crossed below SMA(\${period})\` });
        }
      },
      indicators: () => ({ [\`SMA(\${period})\`]: sma.isStable ? Number(sma.getResult()) : NaN }),
    };
  },
};

// Just enough of the SDK's shapes to keep this file self-contained; the SDK types say more.
interface Sma {
  add(value: number): unknown;
  getResult(): unknown;
  readonly isStable: boolean;
}
interface Ctx {
  readonly bar: { readonly close: number };
  readonly book: { readonly side: 'long' | 'short' | 'flat' };
  enterLong(spec?: { stop?: { pct: number }; reason?: string }): void;
  exit(spec?: { reason?: string }): void;
}
`;
}
