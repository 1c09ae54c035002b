// BybitExchange: the ExchangePort over bybit-api (RestClientV5 + WebsocketClient), for sim, testnet, demo
// and mainnet. The composition root passes hosts and credentials in; nothing here reads the environment.
import type { Decimal } from '../../domain/decimal.js';
import { type Clock, systemClock } from '../../domain/clock.js';
import type { Category, Instrument } from '../../domain/instrument.js';
import { logger as rootLogger, type Logger } from '../../platform/logger.js';
import type * as P from '../port.js';
import { fetchPositions, fetchWalletBalance, setLeverage, setTradingStop } from './account.js';
import { type BybitEnv, DEFAULTS, IP_LIMIT, RATE_WINDOW_MARGIN_MS } from './constants.js';
import type { BybitContext } from './context.js';
import { fetchInstruments, fetchKlines, fetchServerTime, fetchTickers, InstrumentCache } from './market.js';
import { fetchExecutions, fetchOpenOrders, fetchOrderHistory, findOrder } from './order-queries.js';
import { amendOrder, cancelAllOrders, cancelOrder, placeOrder } from './orders.js';
import { RateLimiter, realTiming, type Timing } from './rate-limit.js';
import { RestCaller } from './rest.js';
import { buildRestClient, buildWsClient, type SyncedRestClient } from './sdk.js';
import { BybitStream } from './stream.js';
import * as subs from './subscriptions.js';

export interface BybitExchangeOptions {
  env: BybitEnv;
  /** Overrides the REST host, e.g. the simulator's http://127.0.0.1:PORT (no trailing path). */
  restUrl?: string;
  /** WS base; /v5/public/{linear,spot} and /v5/private are appended per connection. */
  wsUrl?: string;
  key: string;
  secret: string;
  /** Per REST call (default 5 s; the SDK's own default is 5 minutes). */
  timeoutMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Injected waits (tests); defaults to real timers on `clock`. */
  timing?: Timing;
  maxRetries?: number;
  backoffBaseMs?: number;
  maxRateLimitWaitMs?: number;
  ipBanMs?: number;
  settleCoin?: string;
  /** Categories whose open orders and fills a resync fetches (default linear and spot). */
  resyncCategories?: readonly Category[];
  ws?: {
    pingIntervalMs?: number;
    pongTimeoutMs?: number;
    reconnectTimeoutMs?: number;
    rebuildBaseMs?: number;
  };
}

export class BybitExchange implements P.ExchangePort {
  private readonly client: SyncedRestClient;
  private readonly destroyHttp: () => void;
  private readonly ctx: BybitContext;
  private readonly cache: InstrumentCache;
  private readonly stream: BybitStream;
  private readonly resyncHandlers = new Set<(r: P.ResyncReport) => void | Promise<void>>();
  private readonly statusHandlers = new Set<(s: P.StreamStatus) => void>();
  private readonly resyncCategories: readonly Category[];
  private readonly clock: Clock;
  private lastFillTs = 0;
  private closed = false;

  constructor(o: BybitExchangeOptions) {
    if (o.env === 'sim' && (!o.restUrl || !o.wsUrl)) {
      throw new Error('bybit env "sim" needs restUrl and wsUrl (the simulator\'s addresses)');
    }
    if (!o.key || !o.secret) throw new Error('bybit: key and secret are required');
    this.clock = o.clock ?? systemClock;
    const log = (o.logger ?? rootLogger()).child({ mod: 'bybit', env: o.env });
    const timing = o.timing ?? realTiming(() => this.clock.now());
    const timeoutMs = o.timeoutMs ?? DEFAULTS.timeoutMs;
    const rest = buildRestClient({ env: o.env, restUrl: o.restUrl, key: o.key, secret: o.secret, timeoutMs });
    this.client = rest.client;
    this.destroyHttp = rest.destroy;
    const maxRetries = o.maxRetries ?? DEFAULTS.maxRetries;
    const backoffBaseMs = o.backoffBaseMs ?? DEFAULTS.backoffBaseMs;
    const caller = new RestCaller({
      limiter: new RateLimiter({
        timing,
        maxWaitMs: o.maxRateLimitWaitMs ?? DEFAULTS.maxRateLimitWaitMs,
        ip: IP_LIMIT,
        marginMs: RATE_WINDOW_MARGIN_MS,
      }),
      timing,
      secrets: [o.key, o.secret],
      maxRetries,
      backoffBaseMs,
      maxRateLimitWaitMs: o.maxRateLimitWaitMs ?? DEFAULTS.maxRateLimitWaitMs,
      ipBanMs: o.ipBanMs ?? DEFAULTS.ipBanMs,
      log,
      resyncClock: () => this.syncTime().then(() => undefined),
    });
    this.cache = new InstrumentCache((c, s) => fetchInstruments(this.ctx, c, s));
    this.ctx = {
      rest: caller,
      client: this.client,
      timing,
      log,
      settleCoin: o.settleCoin ?? DEFAULTS.settleCoin,
      lookupRetryDelayMs: DEFAULTS.lookupRetryDelayMs,
      maxRetries,
      backoffBaseMs,
      instrument: (c, s) => this.cache.get(c, s),
    };
    this.resyncCategories = o.resyncCategories ?? ['linear', 'spot'];
    const ws = o.ws ?? {};
    this.stream = new BybitStream({
      build: () =>
        buildWsClient({
          env: o.env,
          wsUrl: o.wsUrl,
          key: o.key,
          secret: o.secret,
          pingIntervalMs: ws.pingIntervalMs ?? DEFAULTS.pingIntervalMs,
          pongTimeoutMs: ws.pongTimeoutMs ?? DEFAULTS.pongTimeoutMs,
          reconnectTimeoutMs: ws.reconnectTimeoutMs ?? DEFAULTS.reconnectTimeoutMs,
          log,
        }),
      log,
      subscribeTimeoutMs: Math.max(timeoutMs, 5_000),
      rebuildBaseMs: ws.rebuildBaseMs ?? DEFAULTS.authRebuildBaseMs,
      rebuildMaxMs: DEFAULTS.authRebuildMaxMs,
      onGap: (reason) => void this.runResync(reason),
      onStatus: (s) => this.emitStatus(s),
      beforeRebuild: () => this.syncTime().then(() => undefined),
    });
  }

  /** Measures the venue clock and signs with the offset from now on; returns the offset in ms. */
  async syncTime(): Promise<number> {
    const { offsetMs } = await fetchServerTime(this.ctx);
    this.client.setTimeOffset(offsetMs);
    this.stream.setTimeOffset(offsetMs);
    return offsetMs;
  }

  async serverTime(): Promise<number> {
    return (await fetchServerTime(this.ctx)).serverMs;
  }

  instruments(category: Category, symbol?: string): Promise<Instrument[]> {
    return this.cache.list(category, symbol);
  }

  instrument(category: Category, symbol: string): Promise<Instrument> {
    return this.cache.get(category, symbol);
  }

  klines(q: P.KlineQuery): Promise<P.Candle[]> {
    return fetchKlines(this.ctx, q);
  }

  tickers(category: Category, symbol?: string): Promise<P.Ticker[]> {
    return fetchTickers(this.ctx, category, symbol);
  }

  walletBalance(coin?: string): Promise<P.Balance> {
    return fetchWalletBalance(this.ctx, coin);
  }

  positions(q?: { symbol?: string; settleCoin?: string }): Promise<P.PositionReport[]> {
    return fetchPositions(this.ctx, q);
  }

  placeCapacity(category: P.Category): number {
    return this.ctx.rest.availableNow('order/create', category);
  }

  placeOrder(req: P.PlaceOrderRequest): Promise<P.OrderReport> {
    return placeOrder(this.ctx, req);
  }

  amendOrder(req: P.AmendOrderRequest): Promise<P.OrderRef> {
    return amendOrder(this.ctx, req);
  }

  cancelOrder(req: P.CancelOrderRequest): Promise<P.OrderRef> {
    return cancelOrder(this.ctx, req);
  }

  cancelAllOrders(q: P.OrderQuery): Promise<P.OrderRef[]> {
    return cancelAllOrders(this.ctx, q);
  }

  openOrders(q: P.OrderQuery): Promise<P.OrderReport[]> {
    return fetchOpenOrders(this.ctx, q);
  }

  orderByLinkId(category: Category, symbol: string, orderLinkId: string): Promise<P.OrderReport | null> {
    return findOrder(this.ctx, category, symbol, { orderLinkId });
  }

  orderHistory(q: P.HistoryQuery): Promise<P.OrderReport[]> {
    return fetchOrderHistory(this.ctx, q);
  }

  async executions(q: P.HistoryQuery): Promise<P.FillReport[]> {
    const fills = await fetchExecutions(this.ctx, q);
    for (const f of fills) this.lastFillTs = Math.max(this.lastFillTs, f.ts);
    return fills;
  }

  setLeverage(symbol: string, leverage: Decimal): Promise<P.SettingResult> {
    return setLeverage(this.ctx, symbol, leverage);
  }

  setTradingStop(req: P.TradingStopRequest): Promise<P.SettingResult> {
    return setTradingStop(this.ctx, req);
  }

  async resync(reason: P.ResyncReport['reason'] = 'manual'): Promise<P.ResyncReport> {
    const at = this.clock.now();
    // Overlap the last fill we saw by a minute: duplicates are cheap (execId), gaps are not.
    const since = this.lastFillTs > 0 ? this.lastFillTs - 60_000 : at - DEFAULTS.resyncFillWindowMs;
    const [orders, positions, fills] = await Promise.all([
      Promise.all(this.resyncCategories.map((category) => this.openOrders({ category }))),
      this.positions(),
      Promise.all(this.resyncCategories.map((category) => this.executions({ category, startTime: since }))),
    ]);
    return { reason, at, orders: orders.flat(), positions, fills: fills.flat() };
  }

  subscribeKlines(
    q: { category: Category; symbol: string; interval: P.KlineInterval },
    h: (k: P.KlineUpdate) => void,
  ): Promise<P.Unsubscribe> {
    return subs.subscribeKlines(this.stream, q, h);
  }

  subscribeTicker(
    q: { category: Category; symbol: string },
    h: (t: P.Ticker) => void,
  ): Promise<P.Unsubscribe> {
    return subs.subscribeTicker(this.stream, q, h, () => this.clock.now());
  }

  subscribeOrders(h: (o: P.OrderReport) => void): Promise<P.Unsubscribe> {
    return subs.subscribeOrders(this.stream, h);
  }

  subscribeExecutions(h: (f: P.FillReport) => void): Promise<P.Unsubscribe> {
    return subs.subscribeExecutions(this.stream, (f) => {
      this.lastFillTs = Math.max(this.lastFillTs, f.ts);
      h(f);
    });
  }

  subscribePositions(h: (p: P.PositionReport) => void): Promise<P.Unsubscribe> {
    return subs.subscribePositions(this.stream, h, () => this.clock.now());
  }

  subscribeWallet(h: (b: P.Balance) => void): Promise<P.Unsubscribe> {
    return subs.subscribeWallet(this.stream, h);
  }

  onResync(h: (r: P.ResyncReport) => void | Promise<void>): P.Unsubscribe {
    this.resyncHandlers.add(h);
    return () => this.resyncHandlers.delete(h);
  }

  onStatus(h: (s: P.StreamStatus) => void): P.Unsubscribe {
    this.statusHandlers.add(h);
    return () => this.statusHandlers.delete(h);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stream.close();
    this.destroyHttp();
  }

  private emitStatus(s: P.StreamStatus): void {
    for (const h of this.statusHandlers) {
      try {
        h(s);
      } catch {
        // A failing listener must not break the stream.
      }
    }
  }

  private async runResync(reason: 'reconnected' | 'rebuilt'): Promise<void> {
    if (this.closed || this.resyncHandlers.size === 0) return;
    try {
      const report = await this.resync(reason);
      for (const h of this.resyncHandlers) await h(report);
    } catch (e) {
      const message = e instanceof Error ? e.message : 'resync failed';
      this.ctx.log.error({ reason, message }, 'bybit resync failed');
      this.emitStatus({ type: 'resync-failed', stream: 'private', message });
    }
  }
}

export function createBybitExchange(o: BybitExchangeOptions): BybitExchange {
  return new BybitExchange(o);
}
