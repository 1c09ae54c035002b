// Candles for strategy ticks. Every instance on a series closes the same bar, so one fetch serves them
// all (a 5 s memo); and a closed bar delivered by the stream extends the series already held instead of
// fetching its whole lookback again over REST (Bybit's IP limit, and a round trip on the way to an order).
import type { Category } from '../domain/instrument.js';
import type { Candle, ExchangePort, KlineInterval } from '../exchange/port.js';
import { intervalMs } from './intervals.js';

const KLINE_MEMO_MS = 5_000;

interface Held {
  memo: Map<string, { at: number; limit: number; candles: Promise<Candle[]> }>;
  /** Closed candles per series, oldest first, as last fetched or extended. */
  series: Map<string, Candle[]>;
}

// Keyed by exchange: two simulators (tests) or venues never share candles.
const held = new WeakMap<ExchangePort, Held>();

function heldFor(ex: ExchangePort): Held {
  let h = held.get(ex);
  if (!h) {
    h = { memo: new Map(), series: new Map() };
    held.set(ex, h);
  }
  return h;
}

export interface KlineQuery {
  category: Category;
  symbol: string;
  interval: string;
  /** How many candles the strategy needs (the newest may still be open when fetched over REST). */
  limit: number;
  /** Open time of the bar in progress at `now`: the memo's key when no bar was streamed. */
  barOpen: number;
  now: number;
  /** The bar that just closed, as the stream delivered it. */
  closed?: Candle | undefined;
}

/**
 * The held series when it already reaches the streamed bar, or extended by it when the bar directly
 * follows; null when there is a gap (then REST).
 */
function extended(h: Held, key: string, q: KlineQuery): Candle[] | null {
  const s = h.series.get(key);
  const c = q.closed;
  if (!s || !c || s.length < q.limit - 1) return null;
  const last = s.at(-1);
  if (!last) return null;
  if (last.start >= c.start) return s;
  if (last.start + intervalMs(q.interval, last.start) !== c.start) return null;
  const next = [...s.slice(-(q.limit - 1)), c];
  h.series.set(key, next);
  return next;
}

export function strategyKlines(ex: ExchangePort, q: KlineQuery): Promise<Candle[]> {
  const h = heldFor(ex);
  const seriesKey = `${q.category}:${q.symbol}:${q.interval}`;
  // A streamed bar names what the tick is for; a fallback tick takes whatever has closed by now.
  const key = q.closed ? `${seriesKey}:c${q.closed.start}` : `${seriesKey}:${q.barOpen}`;
  const t = Date.now();
  const hit = h.memo.get(key);
  if (hit && hit.limit >= q.limit && t - hit.at < KLINE_MEMO_MS) return hit.candles;
  for (const [k, v] of h.memo) if (t - v.at >= KLINE_MEMO_MS) h.memo.delete(k);
  const ext = extended(h, seriesKey, q);
  const candles = ext
    ? Promise.resolve(ext)
    : ex
        .klines({
          category: q.category,
          symbol: q.symbol,
          interval: q.interval as KlineInterval,
          limit: q.limit,
        })
        .then((all) => {
          h.series.set(
            seriesKey,
            all.filter((c) => c.start + intervalMs(q.interval, c.start) <= q.now),
          );
          return all;
        });
  h.memo.set(key, { at: t, limit: q.limit, candles });
  candles.catch(() => h.memo.delete(key));
  return candles;
}
