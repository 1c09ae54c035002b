// The ExchangePort every venue adapter implements (Bybit, the simulator through the Bybit adapter, recordings).
// Domain-typed: Decimal money, epoch-ms times, plain string ids; no SDK or wire type crosses this line.
// Half of it is reconciliation reports (orders, fills, positions), after nautilus' adapter contract.
import type { Decimal } from '../domain/decimal.js';
import type { Category, Instrument } from '../domain/instrument.js';

export type { Category, Instrument };

export const SIDES = ['buy', 'sell'] as const;
export type Side = (typeof SIDES)[number];

export const ORDER_TYPES = ['market', 'limit'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export const TIME_IN_FORCE = ['gtc', 'ioc', 'fok', 'post-only'] as const;
export type TimeInForce = (typeof TIME_IN_FORCE)[number];

/** Venue order status as reported; the engine's state machine decides what it means for the intent. */
export const ORDER_STATUSES = [
  'new',
  'partially-filled',
  'filled',
  'cancelled',
  'rejected',
  'untriggered',
  'triggered',
  'deactivated',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const KLINE_INTERVALS = [
  '1',
  '3',
  '5',
  '15',
  '30',
  '60',
  '120',
  '240',
  '360',
  '720',
  'D',
  'W',
  'M',
] as const;
export type KlineInterval = (typeof KLINE_INTERVALS)[number];

export const PRICE_SOURCES = ['last', 'mark', 'index'] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

/** 0 = one-way mode; 1 / 2 = hedge-mode buy / sell side. */
export type PositionIdx = 0 | 1 | 2;

export interface Candle {
  /** Bar open time, ms. */
  readonly start: number;
  readonly open: Decimal;
  readonly high: Decimal;
  readonly low: Decimal;
  readonly close: Decimal;
  readonly volume: Decimal;
  readonly turnover: Decimal;
}

/** A streamed bar; `confirmed` is true once the bar has closed and will not change. */
export interface KlineUpdate extends Candle {
  readonly category: Category;
  readonly symbol: string;
  readonly interval: KlineInterval;
  readonly confirmed: boolean;
}

export interface Ticker {
  readonly category: Category;
  readonly symbol: string;
  readonly lastPrice: Decimal;
  readonly bidPrice: Decimal | null;
  readonly askPrice: Decimal | null;
  readonly markPrice: Decimal | null;
  readonly indexPrice: Decimal | null;
  readonly fundingRate: Decimal | null;
  readonly volume24h: Decimal | null;
  readonly turnover24h: Decimal | null;
  readonly ts: number;
}

export interface CoinBalance {
  readonly coin: string;
  readonly equity: Decimal;
  readonly walletBalance: Decimal;
  readonly locked: Decimal;
  readonly unrealisedPnl: Decimal;
  readonly cumRealisedPnl: Decimal;
}

export interface Balance {
  readonly accountType: string;
  readonly totalEquity: Decimal;
  readonly totalWalletBalance: Decimal;
  readonly totalAvailableBalance: Decimal;
  readonly totalMarginBalance: Decimal;
  readonly coins: readonly CoinBalance[];
}

export interface OrderRef {
  readonly orderId: string;
  readonly orderLinkId: string;
}

/** Order status report: what the venue says about one order right now. */
export interface OrderReport extends OrderRef {
  readonly category: Category;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly status: OrderStatus;
  /** Null for market orders. */
  readonly price: Decimal | null;
  readonly qty: Decimal;
  readonly filledQty: Decimal;
  readonly leavesQty: Decimal;
  readonly avgPrice: Decimal | null;
  readonly cumFee: Decimal;
  readonly timeInForce: TimeInForce;
  readonly reduceOnly: boolean;
  readonly triggerPrice: Decimal | null;
  readonly takeProfit: Decimal | null;
  readonly stopLoss: Decimal | null;
  /** The venue's reason code when rejected or cancelled by the venue; empty otherwise. */
  readonly reason: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Fill report: one execution; `execId` is the de-duplication key. */
export interface FillReport {
  readonly execId: string;
  readonly orderId: string;
  readonly orderLinkId: string;
  readonly category: Category;
  readonly symbol: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly qty: Decimal;
  readonly fee: Decimal;
  readonly feeCurrency: string;
  readonly isMaker: boolean;
  /** Trade, Funding, BustTrade, … as the venue labels it. */
  readonly execType: string;
  readonly ts: number;
  /** The venue's execution sequence for the symbol (Bybit `seq`), when it sends one: orders fills of one ms. */
  readonly seq?: number;
}

/** Position report; `side` is flat when size is zero. */
export interface PositionReport {
  readonly category: Category;
  readonly symbol: string;
  readonly positionIdx: PositionIdx;
  readonly side: 'long' | 'short' | 'flat';
  readonly size: Decimal;
  readonly avgPrice: Decimal;
  readonly markPrice: Decimal | null;
  readonly leverage: Decimal | null;
  readonly liqPrice: Decimal | null;
  readonly unrealisedPnl: Decimal;
  readonly cumRealisedPnl: Decimal;
  readonly takeProfit: Decimal | null;
  readonly stopLoss: Decimal | null;
  readonly updatedAt: number;
}

export interface PlaceOrderRequest {
  readonly category: Category;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  /** Base-coin quantity (spot market buys too: the adapter asks the venue for base units). */
  readonly qty: Decimal;
  /** Required for limit orders. */
  readonly price?: Decimal;
  /** Idempotency key, from orderLinkIdFor(intentId). */
  readonly orderLinkId: string;
  readonly timeInForce?: TimeInForce;
  readonly reduceOnly?: boolean;
  readonly positionIdx?: PositionIdx;
  /** Makes it a conditional order, armed until the price crosses it. */
  readonly triggerPrice?: Decimal;
  /** Default: a buy triggers when the price rises to triggerPrice, a sell when it falls to it (stop entries). */
  readonly triggerDirection?: 'rises-to' | 'falls-to';
  readonly takeProfit?: Decimal;
  readonly stopLoss?: Decimal;
  /** Market orders: a reference price for the minimum-notional check (else the venue checks). */
  readonly refPrice?: Decimal;
}

/** Identify an order by venue id or by our orderLinkId (one of them). */
export type OrderSelector =
  | { readonly orderId: string; readonly orderLinkId?: undefined }
  | { readonly orderLinkId: string; readonly orderId?: undefined };

export type AmendOrderRequest = OrderSelector & {
  readonly category: Category;
  readonly symbol: string;
  readonly qty?: Decimal;
  readonly price?: Decimal;
  readonly triggerPrice?: Decimal;
  readonly takeProfit?: Decimal;
  readonly stopLoss?: Decimal;
};

export type CancelOrderRequest = OrderSelector & { readonly category: Category; readonly symbol: string };

export interface OrderQuery {
  readonly category: Category;
  readonly symbol?: string;
  /** Linear without symbol: settle coin scope (default USDT). */
  readonly settleCoin?: string;
}

export interface HistoryQuery extends OrderQuery {
  readonly startTime?: number;
  readonly endTime?: number;
  /** Total rows wanted across pages (default 200). */
  readonly limit?: number;
  readonly orderId?: string;
  readonly orderLinkId?: string;
}

export interface KlineQuery {
  readonly category: Category;
  readonly symbol: string;
  readonly interval: KlineInterval;
  readonly start?: number;
  readonly end?: number;
  /** Total candles wanted when no start is given (default 200); pages are fetched as needed. */
  readonly limit?: number;
}

export interface TradingStopRequest {
  readonly category: 'linear';
  readonly symbol: string;
  readonly positionIdx?: PositionIdx;
  /** A price sets it, null cancels it, undefined leaves it unchanged. */
  readonly takeProfit?: Decimal | null;
  readonly stopLoss?: Decimal | null;
  readonly triggerBy?: PriceSource;
}

/** Result of an idempotent setting: `changed: false` when the venue said "not modified". */
export interface SettingResult {
  readonly changed: boolean;
}

export interface ResyncReport {
  readonly reason: 'reconnected' | 'rebuilt' | 'manual';
  readonly at: number;
  readonly orders: readonly OrderReport[];
  readonly positions: readonly PositionReport[];
  readonly fills: readonly FillReport[];
}

export type StreamName = 'public-linear' | 'public-spot' | 'private';

export type StreamStatus =
  | { readonly type: 'connected' | 'reconnecting' | 'reconnected'; readonly stream: StreamName }
  | { readonly type: 'auth-failed' | 'rebuilt'; readonly stream: 'private'; readonly attempt: number }
  | { readonly type: 'resync-failed'; readonly stream: 'private'; readonly message: string };

export type Unsubscribe = () => void;

export interface ExchangeStreams {
  /** Each resolves once the venue acknowledged the subscription. */
  subscribeKlines(
    q: { category: Category; symbol: string; interval: KlineInterval },
    h: (k: KlineUpdate) => void,
  ): Promise<Unsubscribe>;
  subscribeTicker(q: { category: Category; symbol: string }, h: (t: Ticker) => void): Promise<Unsubscribe>;
  subscribeOrders(h: (o: OrderReport) => void): Promise<Unsubscribe>;
  subscribeExecutions(h: (f: FillReport) => void): Promise<Unsubscribe>;
  subscribePositions(h: (p: PositionReport) => void): Promise<Unsubscribe>;
  subscribeWallet(h: (b: Balance) => void): Promise<Unsubscribe>;
  /** Called after the private stream came back (events in the gap are lost) with a fresh REST snapshot. */
  onResync(h: (r: ResyncReport) => void | Promise<void>): Unsubscribe;
  onStatus(h: (s: StreamStatus) => void): Unsubscribe;
}

export interface ExchangePort extends ExchangeStreams {
  serverTime(): Promise<number>;
  instruments(category: Category, symbol?: string): Promise<Instrument[]>;
  /** One instrument, cached; throws a permanent error when the venue does not list it. */
  instrument(category: Category, symbol: string): Promise<Instrument>;
  /** Oldest first, de-duplicated, across as many pages as the range needs. */
  klines(q: KlineQuery): Promise<Candle[]>;
  tickers(category: Category, symbol?: string): Promise<Ticker[]>;
  walletBalance(coin?: string): Promise<Balance>;
  positions(q?: { symbol?: string; settleCoin?: string }): Promise<PositionReport[]>;
  /**
   * Rounds through the instrument, refuses what cannot be valid, and is idempotent on orderLinkId:
   * a duplicate or an outcome-unknown failure is answered by looking the order up, never by resubmitting.
   */
  placeOrder(req: PlaceOrderRequest): Promise<OrderReport>;
  /**
   * Order placements in `category` that would leave at once, without waiting for the venue's rate limit
   * (a caller that must not be held up sends through a queue instead).
   */
  placeCapacity(category: Category): number;
  amendOrder(req: AmendOrderRequest): Promise<OrderRef>;
  cancelOrder(req: CancelOrderRequest): Promise<OrderRef>;
  cancelAllOrders(q: OrderQuery): Promise<OrderRef[]>;
  openOrders(q: OrderQuery): Promise<OrderReport[]>;
  /** Open or recent first, then history; null when the venue has never seen it. */
  orderByLinkId(category: Category, symbol: string, orderLinkId: string): Promise<OrderReport | null>;
  orderHistory(q: HistoryQuery): Promise<OrderReport[]>;
  executions(q: HistoryQuery): Promise<FillReport[]>;
  setLeverage(symbol: string, leverage: Decimal): Promise<SettingResult>;
  setTradingStop(req: TradingStopRequest): Promise<SettingResult>;
  /** Fresh open orders, positions and recent fills over REST. */
  resync(reason?: ResyncReport['reason']): Promise<ResyncReport>;
  close(): Promise<void>;
}
