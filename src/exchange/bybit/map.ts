// Wire ↔ domain for Bybit V5: parses payloads (zod) into port types with Decimal money, and domain enums
// into venue strings. A payload that does not match is a PermanentError naming the field, never its values.
import type { z } from 'zod';
import { dec, type Decimal } from '../../domain/decimal.js';
import type { Category, Instrument } from '../../domain/instrument.js';
import type {
  Balance,
  Candle,
  FillReport,
  KlineUpdate,
  OrderRef,
  OrderReport,
  OrderStatus,
  OrderType,
  PositionReport,
  PriceSource,
  Side,
  Ticker,
  TimeInForce,
} from '../port.js';
import { PermanentError } from './errors.js';
import {
  ExecutionWire,
  InstrumentWire,
  KlineRowWire,
  OrderRefWire,
  OrderWire,
  PositionWire,
  TickerWire,
  WalletWire,
  WsKlineWire,
} from './wire.js';

export function parseWire<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue ? issue.path.join('.') || '(root)' : '(root)';
  throw new PermanentError({ code: null, endpoint: what, detail: `unexpected payload at ${where}` });
}

/** '' and zero mean "not set" for optional prices on Bybit. */
function priceOrNull(s: string | undefined): Decimal | null {
  if (s === undefined || s.trim() === '') return null;
  const d = dec(s);
  return d.isZero() ? null : d;
}

function decOr0(s: string | undefined): Decimal {
  return s === undefined || s.trim() === '' ? dec('0') : dec(s);
}

export const SIDE_TO_WIRE = { buy: 'Buy', sell: 'Sell' } as const satisfies Record<Side, string>;
export const TYPE_TO_WIRE = { market: 'Market', limit: 'Limit' } as const satisfies Record<OrderType, string>;
export const TIF_TO_WIRE = {
  gtc: 'GTC',
  ioc: 'IOC',
  fok: 'FOK',
  'post-only': 'PostOnly',
} as const satisfies Record<TimeInForce, string>;
export const PRICE_SOURCE_TO_WIRE = {
  last: 'LastPrice',
  mark: 'MarkPrice',
  index: 'IndexPrice',
} as const satisfies Record<PriceSource, string>;

const STATUS_FROM_WIRE: Readonly<Record<string, OrderStatus>> = {
  Created: 'new',
  New: 'new',
  PartiallyFilled: 'partially-filled',
  Filled: 'filled',
  Cancelled: 'cancelled',
  // Partially filled, rest cancelled: cancelled with filledQty > 0.
  PartiallyFilledCanceled: 'cancelled',
  Rejected: 'rejected',
  Untriggered: 'untriggered',
  Triggered: 'triggered',
  Deactivated: 'deactivated',
};

const TIF_FROM_WIRE: Readonly<Record<string, TimeInForce>> = {
  GTC: 'gtc',
  IOC: 'ioc',
  FOK: 'fok',
  PostOnly: 'post-only',
};

function sideFrom(s: 'Buy' | 'Sell'): Side {
  return s === 'Buy' ? 'buy' : 'sell';
}

function categoryFrom(s: string | undefined, fallback: Category): Category {
  return s === 'spot' || s === 'linear' ? s : fallback;
}

export function toInstrument(category: Category, raw: unknown): Instrument {
  const w = parseWire(InstrumentWire, raw, 'market/instruments-info');
  const lot = w.lotSizeFilter;
  const step = category === 'spot' ? (lot.basePrecision ?? lot.qtyStep) : (lot.qtyStep ?? lot.basePrecision);
  if (!step)
    throw new PermanentError({
      code: null,
      endpoint: 'market/instruments-info',
      detail: `${w.symbol} has no qty step`,
    });
  const maxQty = (category === 'spot' ? lot.maxLimitOrderQty : undefined) ?? lot.maxOrderQty ?? '1e30';
  return {
    symbol: w.symbol,
    category,
    baseCoin: w.baseCoin,
    quoteCoin: w.quoteCoin,
    tickSize: dec(w.priceFilter.tickSize),
    qtyStep: dec(step),
    // Spot minOrderQty is deprecated and unchecked by the venue; one step is the real floor.
    minOrderQty: dec(category === 'spot' ? step : (lot.minOrderQty ?? step)),
    maxOrderQty: dec(maxQty),
    maxMarketOrderQty: dec(lot.maxMktOrderQty ?? lot.maxMarketOrderQty ?? maxQty),
    minNotional: decOr0(category === 'spot' ? lot.minOrderAmt : lot.minNotionalValue),
    maxLeverage: decOr0(w.leverageFilter?.maxLeverage ?? '1'),
  };
}

export function toCandle(raw: unknown): Candle {
  const r = parseWire(KlineRowWire, raw, 'market/kline');
  const [start, open, high, low, close, volume, turnover] = r as [
    string,
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  return {
    start: Number(start),
    open: dec(open),
    high: dec(high),
    low: dec(low),
    close: dec(close),
    volume: dec(volume),
    turnover: decOr0(turnover),
  };
}

export function toKlineUpdate(category: Category, symbol: string, raw: unknown): KlineUpdate {
  const w = parseWire(WsKlineWire, raw, 'ws kline');
  return {
    category,
    symbol,
    interval: w.interval,
    start: w.start,
    open: dec(w.open),
    high: dec(w.high),
    low: dec(w.low),
    close: dec(w.close),
    volume: decOr0(w.volume),
    turnover: decOr0(w.turnover),
    confirmed: w.confirm,
  };
}

export function toTicker(category: Category, raw: unknown, ts: number): Ticker {
  const w: TickerWire = parseWire(TickerWire, raw, 'market/tickers');
  return {
    category,
    symbol: w.symbol,
    lastPrice: dec(w.lastPrice),
    bidPrice: priceOrNull(w.bid1Price),
    askPrice: priceOrNull(w.ask1Price),
    markPrice: priceOrNull(w.markPrice),
    indexPrice: priceOrNull(w.indexPrice),
    fundingRate: w.fundingRate === undefined || w.fundingRate === '' ? null : dec(w.fundingRate),
    volume24h: w.volume24h ? dec(w.volume24h) : null,
    turnover24h: w.turnover24h ? dec(w.turnover24h) : null,
    ts,
  };
}

export function toOrderReport(fallback: Category, raw: unknown): OrderReport {
  const w = parseWire(OrderWire, raw, 'order');
  const status = STATUS_FROM_WIRE[w.orderStatus];
  if (!status) throw new PermanentError({ code: null, endpoint: 'order', detail: `unknown order status` });
  const filledQty = decOr0(w.cumExecQty);
  const reject = w.rejectReason && w.rejectReason !== 'EC_NoError' ? w.rejectReason : '';
  const cancel = w.cancelType && w.cancelType !== 'UNKNOWN' && status === 'cancelled' ? w.cancelType : '';
  return {
    orderId: w.orderId,
    orderLinkId: w.orderLinkId,
    category: categoryFrom(w.category, fallback),
    symbol: w.symbol,
    side: sideFrom(w.side),
    type: w.orderType === 'Market' ? 'market' : 'limit',
    status,
    price: w.orderType === 'Market' ? null : priceOrNull(w.price),
    qty: dec(w.qty),
    filledQty,
    leavesQty: decOr0(w.leavesQty),
    avgPrice: filledQty.isZero() ? null : priceOrNull(w.avgPrice),
    cumFee: decOr0(w.cumExecFee),
    timeInForce: TIF_FROM_WIRE[w.timeInForce] ?? 'gtc',
    reduceOnly: w.reduceOnly,
    triggerPrice: priceOrNull(w.triggerPrice),
    takeProfit: priceOrNull(w.takeProfit),
    stopLoss: priceOrNull(w.stopLoss),
    reason: reject || cancel,
    createdAt: w.createdTime,
    updatedAt: w.updatedTime,
  };
}

/**
 * The coin a linear contract settles in, from its name: USDT perpetuals and futures (BTCUSDT,
 * BTCUSDT-26DEC25) settle in USDT; USDC ones (BTCPERP, ETHPERP, BTC-26DEC25, BTCUSDC) in USDC.
 */
export function linearSettleCoin(symbol: string): string {
  return symbol.includes('USDT') ? 'USDT' : 'USDC';
}

/**
 * Real linear executions arrive with feeCurrency "" (REST and WS): the fee of a linear contract is always in
 * its settle coin, so an empty or missing currency is read as that, never as "unknown coin".
 */
function feeCurrencyOf(category: Category, symbol: string, wire: string): string {
  if (wire.trim() !== '') return wire;
  return category === 'linear' ? linearSettleCoin(symbol) : '';
}

export function toFillReport(fallback: Category, raw: unknown): FillReport {
  const w = parseWire(ExecutionWire, raw, 'execution');
  const category = categoryFrom(w.category, fallback);
  return {
    execId: w.execId,
    orderId: w.orderId,
    orderLinkId: w.orderLinkId,
    category,
    symbol: w.symbol,
    side: sideFrom(w.side),
    price: dec(w.execPrice),
    qty: dec(w.execQty),
    fee: decOr0(w.execFee),
    feeCurrency: feeCurrencyOf(category, w.symbol, w.feeCurrency),
    isMaker: w.isMaker,
    execType: w.execType,
    ts: w.execTime,
    ...(w.seq === undefined ? {} : { seq: w.seq }),
  };
}

export function toPositionReport(fallback: Category, raw: unknown, now: number): PositionReport {
  const w = parseWire(PositionWire, raw, 'position');
  const size = decOr0(w.size);
  const side =
    size.isZero() || (w.side !== 'Buy' && w.side !== 'Sell') ? 'flat' : w.side === 'Buy' ? 'long' : 'short';
  return {
    category: categoryFrom(w.category, fallback),
    symbol: w.symbol,
    positionIdx: w.positionIdx,
    side,
    size,
    avgPrice: decOr0(w.avgPrice || w.entryPrice),
    markPrice: priceOrNull(w.markPrice),
    leverage: priceOrNull(w.leverage),
    liqPrice: priceOrNull(w.liqPrice),
    unrealisedPnl: decOr0(w.unrealisedPnl),
    cumRealisedPnl: decOr0(w.cumRealisedPnl),
    takeProfit: priceOrNull(w.takeProfit),
    stopLoss: priceOrNull(w.stopLoss),
    updatedAt: w.updatedTime ?? now,
  };
}

export function toBalance(raw: unknown): Balance {
  const w: WalletWire = parseWire(WalletWire, raw, 'account/wallet-balance');
  return {
    accountType: w.accountType,
    totalEquity: decOr0(w.totalEquity),
    totalWalletBalance: decOr0(w.totalWalletBalance),
    totalAvailableBalance: decOr0(w.totalAvailableBalance),
    totalMarginBalance: decOr0(w.totalMarginBalance),
    coins: w.coin.map((c) => ({
      coin: c.coin,
      equity: decOr0(c.equity),
      walletBalance: decOr0(c.walletBalance),
      locked: decOr0(c.locked),
      unrealisedPnl: decOr0(c.unrealisedPnl),
      cumRealisedPnl: decOr0(c.cumRealisedPnl),
    })),
  };
}

export function toOrderRef(raw: unknown, what: string): OrderRef {
  return parseWire(OrderRefWire, raw, what);
}
