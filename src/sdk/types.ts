// The public strategy SDK: what a strategy file declares, sees and may ask for. Live trading and
// backtests run the same strategy objects; a strategy cannot tell which one it is in.
import type { Decimal } from '../domain/decimal.js';
import type * as TradingSignals from 'trading-signals';

/** A closed candle as a strategy sees it: float64 prices nearest to the venue's decimals (exact ordering). */
export interface Bar {
  readonly openTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** A declared parameter: a number with a range (used to validate bosun.yaml, --param and sweeps). */
export interface ParamDecl {
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** Whole numbers only (periods, counts). */
  readonly int?: boolean;
  readonly help?: string;
}

export type ParamDecls = Readonly<Record<string, ParamDecl>>;
export type Params<P extends ParamDecls = ParamDecls> = { readonly [K in keyof P]: number };

/**
 * A function of the resolved params, declared as a method so it is checked bivariantly: a definition
 * typed by its own params (defineStrategy) is then an ordinary StrategyDefinition, no cast needed.
 */
export type ParamsFn<P extends ParamDecls, R> = { bivariant(params: Params<P>): R }['bivariant'];

/** A broken rule across parameters: the parameter to blame and what is wrong with it. */
export interface ParamProblem {
  readonly param: string;
  readonly message: string;
}

/**
 * A further series a strategy reads beside its own: another interval of its symbol ("informative",
 * e.g. 1h beside 1m) or another symbol. Only closed bars are shown, never the one still forming.
 */
export interface SeriesDecl {
  /** Bybit kline interval: 1 3 5 15 30 60 120 240 360 720 D W M. */
  readonly interval: string;
  /** Defaults to the strategy's own symbol (and category). */
  readonly symbol?: string;
}

/** Read-only window on one series: the newest closed bar last. */
export interface SeriesView {
  readonly interval: string;
  readonly symbol: string;
  /** Closed bars kept (up to the strategy's lookback), oldest first. Do not keep references. */
  readonly bars: readonly Bar[];
  /** The newest closed bar, or null before the first one closed. */
  readonly last: Bar | null;
  /** True when `last` closed at this step (an informative series closes less often than the main one). */
  readonly closedNow: boolean;
}

/** A price or a percentage away from a reference price (the entry for stops and targets). */
export type PriceSpec = { readonly price: number | Decimal } | { readonly pct: number };

/** A trailing stop: it follows the best price by a distance and never moves back. */
export type TrailingSpec =
  | { readonly pct: number; readonly activatePct?: number }
  | { readonly distance: number | Decimal; readonly activatePct?: number };

export const ORDER_KINDS = ['market', 'limit', 'post-only'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

/** How an entry or exit is worked. Limit prices are rounded to the instrument's tick by the kernel. */
export interface OrderSpec {
  /** Default market. */
  readonly type?: OrderKind;
  /** Limit price (required for limit and post-only): a price, or pct away from the last close. */
  readonly price?: PriceSpec;
  /** A resting limit order is cancelled after this many bars of the strategy's interval (default 3). */
  readonly timeoutBars?: number;
  /** On time-out, place it again at the same offset from the new close, this many times (default 0). */
  readonly requotes?: number;
  /** Shown to operators with the intent. */
  readonly reason?: string;
}

export interface EntrySpec extends OrderSpec {
  readonly stop?: PriceSpec;
  readonly takeProfit?: PriceSpec;
  readonly trailing?: TrailingSpec;
  /**
   * Fraction of the size the instance's sizing rule gives (default 1): 0.5 enters with half, and an
   * add (DCA) with 0.5 adds half a unit. Risk still decides the final size.
   */
  readonly sizeFactor?: number;
}

export interface ExitSpec extends OrderSpec {
  /** Fraction of the book's position to close, (0, 1]; default 1 (all). */
  readonly fraction?: number;
}

export type BookSide = 'long' | 'short' | 'flat';

/** A resting order of this book, as the strategy sees it. */
export interface OpenOrderView {
  readonly ref: string;
  readonly purpose: 'entry' | 'add' | 'exit' | 'stop' | 'take-profit';
  readonly side: 'Buy' | 'Sell';
  readonly type: OrderKind | 'stop';
  readonly qty: Decimal;
  readonly price: Decimal | null;
  readonly placedAt: number;
}

/** The strategy's own book on its symbol: nothing here is another book's (the operator's or another instance's). */
export interface BookView {
  readonly side: BookSide;
  /** Signed base-coin size: negative when short, zero when flat. */
  readonly size: Decimal;
  readonly avgEntry: Decimal | null;
  /** At the last close. */
  readonly unrealizedPnl: Decimal;
  /** Net of fees and funding, since the book began. */
  readonly realizedPnl: Decimal;
  readonly entryTime: number | null;
  /** Bars of the strategy's interval since the current position opened; null when flat. */
  readonly barsSinceEntry: number | null;
  readonly openOrders: readonly OpenOrderView[];
  /** Protection in force, as prices (null when none). */
  readonly stop: Decimal | null;
  readonly takeProfit: Decimal | null;
  /** True while an entry or exit of this book is on its way (decided, not yet filled or cancelled). */
  readonly pending: boolean;
}

/** Everything a strategy sees at one closed bar of its own series, and what it may ask for. */
export interface BarContext<P extends ParamDecls = ParamDecls> {
  readonly bar: Bar;
  readonly time: number;
  readonly symbol: string;
  readonly interval: string;
  readonly params: Params<P>;
  /** Its own series and every declared one: `series()` is its own, `series('60')` the 1h informative. */
  series(interval?: string, symbol?: string): SeriesView;
  readonly book: BookView;
  /** Account equity in the quote coin at the last marks. */
  readonly equity: Decimal;

  /** Open a position (or turn: an entry against the book's side closes the book first). */
  enterLong(spec?: EntrySpec): void;
  enterShort(spec?: EntrySpec): void;
  /** Add to the open position in its direction (DCA); bounded by risk like any entry. */
  add(spec?: EntrySpec): void;
  /** Close all (default) or a fraction of the book's position. */
  exit(spec?: ExitSpec): void;
  /** Place or move the book's protective stop (a moved stop is an amend at the venue). */
  setStop(spec: PriceSpec | null): void;
  setTakeProfit(spec: PriceSpec | null): void;
  setTrailing(spec: TrailingSpec | null): void;
  /** Cancel resting entry/exit orders of this book (protection stays). */
  cancelOrders(): void;
  /** A line in the log (and the backtest report), never an order. */
  log(message: string): void;
}

/** What a strategy file exports (default export, or `strategy`). */
export interface StrategyDefinition<P extends ParamDecls = ParamDecls> {
  /** Shown in lists and reports; the file name is used when absent. */
  readonly name?: string;
  readonly summary?: string;
  readonly params?: P;
  /** Further series to read (1h beside 1m, or another symbol). */
  readonly informative?: readonly SeriesDecl[] | ParamsFn<P, readonly SeriesDecl[]>;
  /** Closed bars of each series to keep and to replay into a fresh instance (default 200). */
  readonly lookback?: number | ParamsFn<P, number>;
  /**
   * Index of the first bar at which every indicator has a value (backtesting.py's warm-up): no decision
   * before bar `warmup + 1`. Defaults to lookback − 1.
   */
  readonly warmup?: number | ParamsFn<P, number>;
  /** Rules across parameters (e.g. fast below slow): a problem naming the parameter, or null. */
  validate?(params: Params<P>): ParamProblem | null;
  /** Build one instance's state (indicators). `ta` is the indicator library (trading-signals). */
  create(setup: StrategySetup<P>): StrategyHandlers<P>;
}

export interface StrategySetup<P extends ParamDecls = ParamDecls> {
  readonly params: Params<P>;
  readonly symbol: string;
  readonly interval: string;
  /** 10^d where every price is a multiple of 10^-d (the instrument's tick): for exact integer-tick math. */
  readonly priceScale: number;
  /** The indicator library: `new ta.SMA(10)`, `new ta.RSI(14)`, `new ta.ATR(14)` … (trading-signals). */
  readonly ta: typeof TradingSignals;
}

export interface StrategyHandlers<P extends ParamDecls = ParamDecls> {
  /** Called at every closed bar of the strategy's own series, after the informative series were updated. */
  onBar(ctx: BarContext<P>): void;
  /** Current indicator values by display name (NaN while warming up), for charts and chat. */
  indicators?(): Readonly<Record<string, number>>;
}
