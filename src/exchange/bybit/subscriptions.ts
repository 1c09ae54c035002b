// Stream topics → domain events: kline, ticker (snapshot + delta merge), order, execution, position, wallet.
// https://bybit-exchange.github.io/docs/v5/websocket/public/ticker — linear sends deltas with changed fields only.
import type { Category } from '../../domain/instrument.js';
import type {
  Balance,
  FillReport,
  KlineInterval,
  KlineUpdate,
  OrderReport,
  PositionReport,
  Ticker,
  Unsubscribe,
} from '../port.js';
import { toBalance, toFillReport, toKlineUpdate, toOrderReport, toPositionReport, toTicker } from './map.js';
import type { BybitStream, Frame } from './stream.js';

function items(data: unknown): unknown[] {
  return Array.isArray(data) ? data : [data];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

export function subscribeKlines(
  stream: BybitStream,
  q: { category: Category; symbol: string; interval: KlineInterval },
  h: (k: KlineUpdate) => void,
): Promise<Unsubscribe> {
  return stream.subscribe({ category: q.category, topic: `kline.${q.interval}.${q.symbol}` }, (f) => {
    for (const item of items(f.data)) h(toKlineUpdate(q.category, q.symbol, item));
  });
}

export function subscribeTicker(
  stream: BybitStream,
  q: { category: Category; symbol: string },
  h: (t: Ticker) => void,
  now: () => number,
): Promise<Unsubscribe> {
  let state: Record<string, unknown> = {};
  return stream.subscribe({ category: q.category, topic: `tickers.${q.symbol}` }, (f: Frame) => {
    const data = items(f.data)[0];
    if (!isRecord(data)) return;
    const changed = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined && v !== ''));
    state = f.type === 'delta' ? { ...state, ...changed } : { ...data };
    if (typeof state.lastPrice !== 'string') return;
    h(toTicker(q.category, state, f.ts ?? now()));
  });
}

const PRIVATE = (topic: string) => ({ category: null, topic });

export function subscribeOrders(stream: BybitStream, h: (o: OrderReport) => void): Promise<Unsubscribe> {
  return stream.subscribe(PRIVATE('order'), (f) => {
    for (const item of items(f.data)) h(toOrderReport('linear', item));
  });
}

export function subscribeExecutions(stream: BybitStream, h: (x: FillReport) => void): Promise<Unsubscribe> {
  return stream.subscribe(PRIVATE('execution'), (f) => {
    for (const item of items(f.data)) h(toFillReport('linear', item));
  });
}

export function subscribePositions(
  stream: BybitStream,
  h: (p: PositionReport) => void,
  now: () => number,
): Promise<Unsubscribe> {
  return stream.subscribe(PRIVATE('position'), (f) => {
    for (const item of items(f.data)) h(toPositionReport('linear', item, now()));
  });
}

export function subscribeWallet(stream: BybitStream, h: (b: Balance) => void): Promise<Unsubscribe> {
  return stream.subscribe(PRIVATE('wallet'), (f) => {
    for (const item of items(f.data)) h(toBalance(item));
  });
}
