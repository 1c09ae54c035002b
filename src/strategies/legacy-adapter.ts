// An SDK StrategyDefinition run as a legacy StrategyFactory, so today's engine and the
// backtesting.py-compatible backtester run SDK strategies unchanged. What a Signal cannot say
// (partial exits, adds, limit orders, take-profits, trailing, moved stops, informative series) throws.
import * as ta from 'trading-signals';
import { dec, type Decimal } from '../domain/decimal.js';
import { priceToDecimal } from '../sdk/exact.js';
import { resolveParams, StrategyParamError } from '../sdk/params.js';
import type {
  Bar as SdkBar,
  BarContext,
  BookView,
  EntrySpec,
  ExitSpec,
  ParamDecls,
  Params,
  PriceSpec,
  SeriesDecl,
  SeriesView,
  StrategyDefinition,
  StrategyHandlers,
} from '../sdk/types.js';
import type {
  Bar,
  ParamSpec,
  PortfolioView,
  Side,
  Signal,
  Strategy,
  StrategyContext,
  StrategyFactory,
  StrategyParams,
} from './types.js';

const DEFAULT_LOOKBACK = 200;

/** A strategy asked for something only the kernel can do. */
export class NeedsKernelError extends Error {
  override readonly name = 'NeedsKernelError';
  constructor(
    readonly strategy: string,
    readonly feature: string,
  ) {
    super(
      `${strategy} uses ${feature}, which --compat backtesting.py and today's engine cannot run; it needs the kernel`,
    );
  }
}

export interface LegacyOptions {
  /** Old parameter names accepted for new ones ({ period: 'entry' }); giving both is refused. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Always set Signal.exit on an entry (false when nothing is closed first), as older callers expect. */
  readonly exitFlagOnEntry?: boolean;
}

function resolveValue<P extends ParamDecls, T>(
  v: T | ((p: Params<P>) => T) | undefined,
  params: Params<P>,
): T | undefined {
  return typeof v === 'function' ? (v as (p: Params<P>) => T)(params) : v;
}

/** The definition's parameter declarations as the legacy ParamSpec list. */
export function paramSpecs(def: StrategyDefinition): ParamSpec[] {
  return Object.entries(def.params ?? {}).map(([name, d]) => ({
    name,
    kind: d.int ? 'int' : 'number',
    default: d.default,
    min: d.min,
    max: d.max,
    help: d.help ?? '',
  }));
}

export function legacyParser(
  name: string,
  def: StrategyDefinition,
  opts: LegacyOptions = {},
): (raw: Readonly<Record<string, unknown>>) => StrategyParams {
  const decls = def.params ?? {};
  return (raw) => {
    let given: Record<string, unknown> = { ...raw };
    for (const [alias, target] of Object.entries(opts.aliases ?? {})) {
      if (!(alias in given)) continue;
      if (target in given)
        throw new StrategyParamError(alias, `${name} takes ${alias} or ${target}, not both`);
      const { [alias]: v, ...rest } = given;
      given = { ...rest, [target]: v };
    }
    const params = resolveParams(name, decls, given);
    const bad = def.validate?.(params);
    if (bad) throw new StrategyParamError(bad.param, `${name} ${bad.message}`);
    return params;
  };
}

/** The book as the legacy view knows it; what it does not know (realized PnL, orders) reads as nothing. */
class LegacyBook implements BookView {
  view!: PortfolioView;
  close = 0;
  readonly openOrders = [] as const;
  readonly stop = null;
  readonly takeProfit = null;
  readonly pending = false;
  readonly entryTime = null;
  readonly barsSinceEntry = null;
  get side(): BookView['side'] {
    return this.view.side;
  }
  get size(): Decimal {
    return this.view.size;
  }
  get avgEntry(): Decimal | null {
    return this.view.avgEntry;
  }
  get unrealizedPnl(): Decimal {
    const avg = this.view.avgEntry;
    return avg ? this.view.size.mul(dec(String(this.close)).sub(avg)) : dec('0');
  }
  get realizedPnl(): Decimal {
    return dec('0');
  }
}

class OwnSeries implements SeriesView {
  readonly bars: SdkBar[] = [];
  readonly closedNow = true;
  constructor(
    readonly symbol: string,
    readonly interval: string,
    private readonly keep: number,
  ) {}
  get last(): SdkBar | null {
    return this.bars[this.bars.length - 1] ?? null;
  }
  push(b: SdkBar): void {
    this.bars.push(b);
    if (this.bars.length > this.keep) this.bars.shift();
  }
}

interface Asked {
  exit: boolean;
  enter: Side | null;
  stop: Decimal | undefined;
  reason: string | undefined;
}

class LegacyStrategy implements Strategy {
  readonly warmup: number;
  readonly lookback: number;
  private readonly handlers: StrategyHandlers;
  private readonly book = new LegacyBook();
  private readonly own: OwnSeries;
  private readonly ctx: BarContext;
  private asked: Asked = { exit: false, enter: null, stop: undefined, reason: undefined };
  private bar: SdkBar | null = null;

  constructor(
    readonly name: string,
    readonly params: StrategyParams,
    def: StrategyDefinition,
    private readonly sc: StrategyContext,
    private readonly opts: LegacyOptions,
  ) {
    const informative = resolveValue<ParamDecls, readonly SeriesDecl[]>(def.informative, params) ?? [];
    if (informative.length > 0) throw new NeedsKernelError(name, 'an informative series');
    this.lookback = resolveValue(def.lookback, params) ?? DEFAULT_LOOKBACK;
    this.warmup = resolveValue(def.warmup, params) ?? this.lookback - 1;
    const symbol = sc.symbol ?? '';
    const interval = sc.interval ?? '';
    this.own = new OwnSeries(symbol, interval, Math.max(1, this.lookback));
    this.handlers = def.create({ params, symbol, interval, priceScale: sc.priceScale, ta });
    this.ctx = this.makeContext(symbol, interval);
  }

  private needs(feature: string): never {
    throw new NeedsKernelError(this.name, feature);
  }

  private stopPrice(spec: PriceSpec, side: Side): Decimal {
    if ('price' in spec) {
      const p = spec.price;
      return typeof p === 'number' ? priceToDecimal(p, this.sc.priceScale) : p;
    }
    // The fill price is not known when the legacy path decides: pct is measured from the deciding close.
    const close = dec(String(this.bar?.close ?? 0));
    const k = dec(String(spec.pct)).div('100');
    return side === 'long' ? close.mul(dec('1').sub(k)) : close.mul(dec('1').add(k));
  }

  private enter(side: Side, spec: EntrySpec = {}): void {
    if (this.asked.enter) this.needs('two entries at one bar');
    if (spec.type && spec.type !== 'market') this.needs(`a ${spec.type} entry`);
    if (spec.takeProfit) this.needs('a take-profit');
    if (spec.trailing) this.needs('a trailing stop');
    if (spec.sizeFactor !== undefined && spec.sizeFactor !== 1) this.needs('a sizeFactor');
    this.asked.enter = side;
    if (spec.stop) this.asked.stop = this.stopPrice(spec.stop, side);
    if (spec.reason !== undefined) this.asked.reason = spec.reason;
  }

  private exit(spec: ExitSpec = {}): void {
    if (spec.fraction !== undefined && spec.fraction !== 1) this.needs('a partial exit');
    if (spec.type && spec.type !== 'market') this.needs(`a ${spec.type} exit`);
    this.asked.exit = true;
    if (spec.reason !== undefined && this.asked.reason === undefined) this.asked.reason = spec.reason;
  }

  private makeContext(symbol: string, interval: string): BarContext {
    const current = (): SdkBar => this.bar as SdkBar;
    const book = this.book;
    const needs = (feature: string): never => this.needs(feature);
    const own = this.own;
    return {
      get bar() {
        return current();
      },
      get time() {
        return current().openTime;
      },
      symbol,
      interval,
      params: this.params,
      series(iv?: string, sym?: string): SeriesView {
        if ((iv !== undefined && iv !== interval) || (sym !== undefined && sym !== symbol)) {
          return needs('an informative series');
        }
        return own;
      },
      book: this.book,
      get equity() {
        return book.view.equity;
      },
      enterLong: (spec) => this.enter('long', spec),
      enterShort: (spec) => this.enter('short', spec),
      add: () => this.needs('an add to the position'),
      exit: (spec) => this.exit(spec),
      setStop: () => this.needs('a stop moved after entry (setStop)'),
      setTakeProfit: () => this.needs('a take-profit (setTakeProfit)'),
      setTrailing: () => this.needs('a trailing stop (setTrailing)'),
      // No resting orders exist on the legacy path, so there is nothing to cancel.
      cancelOrders: () => undefined,
      // The legacy Signal carries no log lines; the kernel keeps them.
      log: () => undefined,
    };
  }

  onBar(bar: Bar, view: PortfolioView): Signal | null {
    // The backtester reuses its Bar object: keep a copy for series().
    const b: SdkBar = {
      openTime: bar.openTime,
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
      volume: bar.volume,
    };
    this.bar = b;
    this.own.push(b);
    this.book.view = view;
    this.book.close = b.close;
    const asked: Asked = { exit: false, enter: null, stop: undefined, reason: undefined };
    this.asked = asked;
    this.handlers.onBar(this.ctx);
    return toSignal(asked, view.side, this.opts.exitFlagOnEntry === true);
  }

  indicators(): Readonly<Record<string, number>> {
    return this.handlers.indicators?.() ?? {};
  }
}

function toSignal(a: Asked, side: PortfolioView['side'], exitFlag: boolean): Signal | null {
  const reason = a.reason === undefined ? {} : { reason: a.reason };
  if (a.enter) {
    // An entry against the book closes it first, as the SDK promises.
    const exit = a.exit || (side !== 'flat' && side !== a.enter);
    const stop = a.stop ? { stop: a.stop } : {};
    return exit || exitFlag
      ? { exit, enter: a.enter, ...stop, ...reason }
      : { enter: a.enter, ...stop, ...reason };
  }
  return a.exit ? { exit: true, ...reason } : null;
}

/** The legacy factory for an SDK definition, under `name` (the definition's own name by default). */
export function toLegacyFactory<P extends ParamDecls>(
  definition: StrategyDefinition<P>,
  name: string = definition.name ?? 'strategy',
  opts: LegacyOptions = {},
): StrategyFactory {
  // Params are validated against the declarations before any handler sees them.
  const def = definition as unknown as StrategyDefinition;
  const parseParams = legacyParser(name, def, opts);
  return {
    name,
    summary: def.summary ?? '',
    params: paramSpecs(def),
    parseParams,
    create: (raw, ctx) => new LegacyStrategy(name, parseParams(raw), def, ctx, opts),
  };
}

/** A definition typed by its own params, as the untyped form callers hold (params are validated first). */
export function widen<P extends ParamDecls>(definition: StrategyDefinition<P>): StrategyDefinition {
  return definition as unknown as StrategyDefinition;
}
