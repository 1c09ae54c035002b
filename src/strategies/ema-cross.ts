// ema-cross: like sma-cross on exponential averages (pandas ewm(span, adjust=False)); the cross is
// strict on float64 values, since an EMA is not exact in any finite decimal.
import { Ema } from './indicators.js';
import { lessThan, paramParser } from './params.js';
import type { Bar, ParamSpec, Signal, Strategy, StrategyFactory, StrategyParams } from './types.js';

const SPECS: readonly ParamSpec[] = [
  { name: 'fast', kind: 'int', default: 12, min: 1, max: 10_000, help: 'fast EMA span in bars' },
  { name: 'slow', kind: 'int', default: 26, min: 2, max: 10_000, help: 'slow EMA span in bars' },
];

const parseParams = paramParser('ema-cross', SPECS, [lessThan('fast', 'slow')]);

class EmaCross implements Strategy {
  readonly name = 'ema-cross';
  readonly warmup: number;
  readonly lookback: number;
  private readonly fast: Ema;
  private readonly slow: Ema;
  private prevFast = NaN;
  private prevSlow = NaN;
  private readonly up: Signal;
  private readonly down: Signal;

  constructor(readonly params: StrategyParams) {
    const fast = params.fast as number;
    const slow = params.slow as number;
    this.fast = new Ema(fast);
    this.slow = new Ema(slow);
    this.warmup = slow - 1;
    // An EMA remembers its whole history; 10 spans leave less than 1e-6 of the seed's weight.
    this.lookback = Math.max(slow + 1, 10 * slow);
    this.up = { exit: true, enter: 'long', reason: `EMA(${fast}) crossed above EMA(${slow})` };
    this.down = { exit: true, enter: 'short', reason: `EMA(${fast}) crossed below EMA(${slow})` };
  }

  onBar(bar: Bar): Signal | null {
    this.fast.push(bar.close);
    this.slow.push(bar.close);
    const f = this.fast.value;
    const s = this.slow.value;
    const pf = this.prevFast;
    const ps = this.prevSlow;
    this.prevFast = f;
    this.prevSlow = s;
    // Comparisons with NaN are false, so nothing fires until both bars have values.
    if (pf < ps && f > s) return this.up;
    if (ps < pf && s > f) return this.down;
    return null;
  }

  indicators(): Readonly<Record<string, number>> {
    return { [`EMA(${this.fast.period})`]: this.fast.value, [`EMA(${this.slow.period})`]: this.slow.value };
  }
}

export const emaCross: StrategyFactory = {
  name: 'ema-cross',
  summary: 'long when EMA(fast) crosses above EMA(slow), short on the opposite cross',
  params: SPECS,
  parseParams,
  create: (raw) => new EmaCross(parseParams(raw)),
};
