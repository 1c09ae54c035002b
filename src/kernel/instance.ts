// One strategy instance inside the kernel: its definition, parameters and state, the series windows it
// reads, and the context it is called with. What it asks for is collected as actions for the kernel.
import * as ta from 'trading-signals';
import type { Decimal } from '../domain/decimal.js';
import { stepDecimals, type Instrument } from '../domain/instrument.js';
import { resolveParams } from '../sdk/params.js';
import type {
  Bar,
  BarContext,
  BookView,
  EntrySpec,
  ExitSpec,
  Params,
  PriceSpec,
  SeriesDecl,
  SeriesView,
  StrategyHandlers,
  TrailingSpec,
} from '../sdk/types.js';
import { SeriesWindow } from './series.js';
import type { InstanceConfig } from './types.js';

export type Action =
  | { readonly kind: 'enter'; readonly side: 'long' | 'short'; readonly spec: EntrySpec }
  | { readonly kind: 'add'; readonly spec: EntrySpec }
  | { readonly kind: 'exit'; readonly spec: ExitSpec }
  | { readonly kind: 'stop'; readonly spec: PriceSpec | null }
  | { readonly kind: 'take-profit'; readonly spec: PriceSpec | null }
  | { readonly kind: 'trailing'; readonly spec: TrailingSpec | null }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'log'; readonly message: string };

const DEFAULT_LOOKBACK = 200;

export function seriesId(symbol: string, interval: string): string {
  return `${symbol}@${interval}`;
}

/** What the kernel gives an instance at each bar: its book and the account equity, read lazily. */
export interface InstanceEnv {
  book(): BookView;
  equity(): Decimal;
}

export class InstanceRuntime {
  readonly id: string;
  readonly name: string;
  readonly params: Params;
  readonly lookback: number;
  /** Every series this instance reads, its own first. */
  readonly series: readonly SeriesDecl[];
  private readonly windows = new Map<string, SeriesWindow>();
  private readonly own: SeriesWindow;
  private readonly handlers: StrategyHandlers;
  private actions: Action[] = [];
  private readonly ctx: BarContext;
  /** Bars of the own series seen so far (for bars-since-entry). */
  barIndex = -1;

  constructor(
    readonly cfg: InstanceConfig,
    instrument: Instrument,
    private readonly env: InstanceEnv,
  ) {
    const def = cfg.definition;
    this.id = cfg.id;
    this.name = def.name ?? cfg.id;
    this.params = resolveParams(this.name, def.params ?? {}, cfg.params);
    const lb = typeof def.lookback === 'function' ? def.lookback(this.params) : def.lookback;
    this.lookback = Math.max(2, Math.floor(lb ?? DEFAULT_LOOKBACK));
    const extra = typeof def.informative === 'function' ? def.informative(this.params) : def.informative;
    this.series = [{ interval: cfg.interval, symbol: cfg.symbol }, ...(extra ?? [])].map((s) => ({
      interval: s.interval,
      symbol: s.symbol ?? cfg.symbol,
    }));
    for (const s of this.series) {
      const key = seriesId(s.symbol ?? cfg.symbol, s.interval);
      if (!this.windows.has(key))
        this.windows.set(key, new SeriesWindow(s.symbol ?? cfg.symbol, s.interval, this.lookback));
    }
    this.own = this.windows.get(seriesId(cfg.symbol, cfg.interval)) as SeriesWindow;
    this.handlers = def.create({
      params: this.params,
      symbol: cfg.symbol,
      interval: cfg.interval,
      priceScale: 10 ** stepDecimals(instrument.tickSize),
      ta,
    });
    this.ctx = this.makeContext();
  }

  /** True when this instance reads the series. */
  reads(symbol: string, interval: string): boolean {
    return this.windows.has(seriesId(symbol, interval));
  }

  isOwn(symbol: string, interval: string): boolean {
    return symbol === this.cfg.symbol && interval === this.cfg.interval;
  }

  /** A further series' bar closed: remembered for the next call of the strategy. */
  pushInformative(symbol: string, interval: string, bar: Bar): void {
    this.windows.get(seriesId(symbol, interval))?.push(bar);
  }

  /** The own series closed a bar: call the strategy and return what it asked for. */
  onOwnBar(bar: Bar): Action[] {
    this.own.push(bar);
    this.barIndex += 1;
    this.actions = [];
    this.handlers.onBar(this.ctx);
    for (const w of this.windows.values()) w.closedNow = false;
    return this.actions;
  }

  indicators(): Readonly<Record<string, number>> {
    return this.handlers.indicators?.() ?? {};
  }

  private makeContext(): BarContext {
    const push = (a: Action) => this.actions.push(a);
    const { own, windows, cfg, env, name } = this;
    return {
      get bar(): Bar {
        return own.last as Bar;
      },
      get time(): number {
        return (own.last as Bar).openTime;
      },
      symbol: this.cfg.symbol,
      interval: this.cfg.interval,
      params: this.params,
      series(interval?: string, symbol?: string): SeriesView {
        const w = windows.get(seriesId(symbol ?? cfg.symbol, interval ?? cfg.interval));
        if (!w) {
          throw new RangeError(
            `${name} reads series ${symbol ?? cfg.symbol} ${interval ?? cfg.interval}, which it did not declare in informative`,
          );
        }
        return w;
      },
      get book(): BookView {
        return env.book();
      },
      get equity(): Decimal {
        return env.equity();
      },
      enterLong: (spec = {}) => push({ kind: 'enter', side: 'long', spec }),
      enterShort: (spec = {}) => push({ kind: 'enter', side: 'short', spec }),
      add: (spec = {}) => push({ kind: 'add', spec }),
      exit: (spec = {}) => push({ kind: 'exit', spec }),
      setStop: (spec) => push({ kind: 'stop', spec }),
      setTakeProfit: (spec) => push({ kind: 'take-profit', spec }),
      setTrailing: (spec) => push({ kind: 'trailing', spec }),
      cancelOrders: () => push({ kind: 'cancel' }),
      log: (message) => push({ kind: 'log', message }),
    };
  }
}
