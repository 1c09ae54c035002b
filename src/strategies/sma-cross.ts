// sma-cross: close and go long when SMA(fast) crosses above SMA(slow), close and go short on the
// opposite cross (backtesting.py's SmaCross). Crosses are strict and decided exactly on integer ticks.
import { compareMeans, RollingTickSum, toTicks } from './indicators.js';
import { lessThan, paramParser } from './params.js';
import type {
  Bar,
  ParamSpec,
  Signal,
  Strategy,
  StrategyContext,
  StrategyFactory,
  StrategyParams,
} from './types.js';

const SPECS: readonly ParamSpec[] = [
  { name: 'fast', kind: 'int', default: 10, min: 1, max: 10_000, help: 'fast SMA period in bars' },
  { name: 'slow', kind: 'int', default: 30, min: 2, max: 10_000, help: 'slow SMA period in bars' },
];

const parseParams = paramParser('sma-cross', SPECS, [lessThan('fast', 'slow')]);

class SmaCross implements Strategy {
  readonly name = 'sma-cross';
  readonly warmup: number;
  readonly lookback: number;
  private readonly fast: RollingTickSum;
  private readonly slow: RollingTickSum;
  private readonly scale: number;
  /** sign(SMA fast − SMA slow) at the previous bar; 0 while undefined or tied. */
  private prev = 0;
  private readonly up: Signal;
  private readonly down: Signal;

  constructor(
    readonly params: StrategyParams,
    ctx: StrategyContext,
  ) {
    const fast = params.fast as number;
    const slow = params.slow as number;
    this.fast = new RollingTickSum(fast);
    this.slow = new RollingTickSum(slow);
    this.scale = ctx.priceScale;
    this.warmup = slow - 1;
    this.lookback = slow + 1;
    this.up = { exit: true, enter: 'long', reason: `SMA(${fast}) crossed above SMA(${slow})` };
    this.down = { exit: true, enter: 'short', reason: `SMA(${fast}) crossed below SMA(${slow})` };
  }

  onBar(bar: Bar): Signal | null {
    const t = toTicks(bar.close, this.scale);
    this.fast.push(t);
    this.slow.push(t);
    if (!this.slow.ready) return null;
    const cmp = compareMeans(this.fast.sum, this.fast.period, this.slow.sum, this.slow.period);
    const prev = this.prev;
    this.prev = cmp;
    if (prev < 0 && cmp > 0) return this.up;
    if (prev > 0 && cmp < 0) return this.down;
    return null;
  }

  indicators(): Readonly<Record<string, number>> {
    const f = this.fast;
    const s = this.slow;
    return {
      [`SMA(${f.period})`]: f.ready ? f.sum / f.period / this.scale : NaN,
      [`SMA(${s.period})`]: s.ready ? s.sum / s.period / this.scale : NaN,
    };
  }
}

export const smaCross: StrategyFactory = {
  name: 'sma-cross',
  summary: 'long when SMA(fast) crosses above SMA(slow), short on the opposite cross',
  params: SPECS,
  parseParams,
  create: (raw, ctx) => new SmaCross(parseParams(raw), ctx),
};
