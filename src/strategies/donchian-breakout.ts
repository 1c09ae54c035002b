// donchian-breakout (turtle style): go long when the close breaks above the highest high of the previous
// `entry` bars, short below the lowest low; leave on the opposite `exit`-bar channel, which is also the stop.
import { priceToDecimal, RollingExtreme } from './indicators.js';
import { paramParser, StrategyParamError } from './params.js';
import type {
  Bar,
  ParamSpec,
  PortfolioView,
  Signal,
  Strategy,
  StrategyContext,
  StrategyFactory,
  StrategyParams,
} from './types.js';

const SPECS: readonly ParamSpec[] = [
  {
    name: 'entry',
    kind: 'int',
    default: 20,
    min: 1,
    max: 10_000,
    help: 'breakout channel in bars (alias: period)',
  },
  { name: 'exit', kind: 'int', default: 10, min: 1, max: 10_000, help: 'exit channel in bars' },
];

const parseStrict = paramParser('donchian-breakout', SPECS);

function parseParams(raw: Readonly<Record<string, unknown>>): StrategyParams {
  if (!('period' in raw)) return parseStrict(raw);
  if ('entry' in raw) {
    throw new StrategyParamError('period', 'donchian-breakout takes period or entry, not both');
  }
  const { period, ...rest } = raw;
  return parseStrict({ ...rest, entry: period });
}

class DonchianBreakout implements Strategy {
  readonly name = 'donchian-breakout';
  readonly warmup: number;
  readonly lookback: number;
  private readonly entryHigh: RollingExtreme;
  private readonly entryLow: RollingExtreme;
  private readonly exitHigh: RollingExtreme;
  private readonly exitLow: RollingExtreme;
  private readonly scale: number;
  private readonly exitSignal: Signal;

  constructor(
    readonly params: StrategyParams,
    ctx: StrategyContext,
  ) {
    const entry = params.entry as number;
    const exit = params.exit as number;
    this.entryHigh = new RollingExtreme(entry, 'max');
    this.entryLow = new RollingExtreme(entry, 'min');
    this.exitHigh = new RollingExtreme(exit, 'max');
    this.exitLow = new RollingExtreme(exit, 'min');
    this.scale = ctx.priceScale;
    this.warmup = Math.max(entry, exit);
    this.lookback = this.warmup + 1;
    this.exitSignal = { exit: true, reason: `close left the ${exit}-bar channel` };
  }

  onBar(bar: Bar, view: PortfolioView): Signal | null {
    // Channels come from the bars before this one, so read them before pushing.
    const ready = this.entryHigh.ready && this.exitHigh.ready;
    const hiE = this.entryHigh.value;
    const loE = this.entryLow.value;
    const hiX = this.exitHigh.value;
    const loX = this.exitLow.value;
    this.entryHigh.push(bar.high);
    this.entryLow.push(bar.low);
    this.exitHigh.push(bar.high);
    this.exitLow.push(bar.low);
    if (!ready) return null;
    const side = view.side;
    const c = bar.close;
    const entry = this.params.entry as number;
    if (side !== 'long' && c > hiE) {
      const stop = priceToDecimal(loX, this.scale);
      return { exit: side === 'short', enter: 'long', stop, reason: `close broke the ${entry}-bar high` };
    }
    if (side !== 'short' && c < loE) {
      const stop = priceToDecimal(hiX, this.scale);
      return { exit: side === 'long', enter: 'short', stop, reason: `close broke the ${entry}-bar low` };
    }
    if ((side === 'long' && c < loX) || (side === 'short' && c > hiX)) return this.exitSignal;
    return null;
  }

  indicators(): Readonly<Record<string, number>> {
    const e = this.entryHigh.period;
    const x = this.exitHigh.period;
    return {
      [`DC(${e}) high`]: this.entryHigh.value,
      [`DC(${e}) low`]: this.entryLow.value,
      [`DC(${x}) high`]: this.exitHigh.value,
      [`DC(${x}) low`]: this.exitLow.value,
    };
  }
}

export const donchianBreakout: StrategyFactory = {
  name: 'donchian-breakout',
  summary: 'long above the entry-bar high, short below its low; exit and stop on the exit-bar channel',
  params: SPECS,
  parseParams,
  create: (raw, ctx) => new DonchianBreakout(parseParams(raw), ctx),
};
