// rsi-reversion: mean reversion on Wilder's RSI, long only (so it also suits spot): buy when RSI falls
// below `lower` while flat, close when it rises above `upper`.
import { WilderRsi } from './indicators.js';
import { lessThan, paramParser } from './params.js';
import type {
  Bar,
  ParamSpec,
  PortfolioView,
  Signal,
  Strategy,
  StrategyFactory,
  StrategyParams,
} from './types.js';

const SPECS: readonly ParamSpec[] = [
  { name: 'period', kind: 'int', default: 14, min: 2, max: 10_000, help: 'RSI period in bars' },
  { name: 'lower', kind: 'number', default: 30, min: 0, max: 100, help: 'buy below this RSI' },
  { name: 'upper', kind: 'number', default: 70, min: 0, max: 100, help: 'close above this RSI' },
];

const parseParams = paramParser('rsi-reversion', SPECS, [lessThan('lower', 'upper')]);

class RsiReversion implements Strategy {
  readonly name = 'rsi-reversion';
  readonly warmup: number;
  readonly lookback: number;
  private readonly rsi: WilderRsi;
  private readonly lower: number;
  private readonly upper: number;
  private readonly buy: Signal;
  private readonly close: Signal;

  constructor(readonly params: StrategyParams) {
    const period = params.period as number;
    this.lower = params.lower as number;
    this.upper = params.upper as number;
    this.rsi = new WilderRsi(period);
    this.warmup = period;
    // Wilder smoothing decays by (1 − 1/period) per bar: 10 periods leave about 3e-5 of the seed.
    this.lookback = 10 * period + 1;
    this.buy = { enter: 'long', reason: `RSI(${period}) below ${this.lower}` };
    this.close = { exit: true, reason: `RSI(${period}) above ${this.upper}` };
  }

  onBar(bar: Bar, view: PortfolioView): Signal | null {
    this.rsi.push(bar.close);
    const r = this.rsi.value;
    if (Number.isNaN(r)) return null;
    if (view.side === 'flat' && r < this.lower) return this.buy;
    if (view.side === 'long' && r > this.upper) return this.close;
    return null;
  }

  indicators(): Readonly<Record<string, number>> {
    return { [`RSI(${this.rsi.period})`]: this.rsi.value };
  }
}

export const rsiReversion: StrategyFactory = {
  name: 'rsi-reversion',
  summary: 'long when RSI(period) drops below lower, closed when it rises above upper',
  params: SPECS,
  parseParams,
  create: (raw) => new RsiReversion(parseParams(raw)),
};
