// Bybit kline history into the candle store through the exchange port, chunk by chunk: every chunk is a
// part file naming the span it asked for, so an interrupted download resumes at the first span not stored.
import { seriesFromCandles, type CandleSeries } from '../backtest/candles.js';
import type { ExchangePort, KlineInterval } from '../exchange/port.js';
import { intervalMs } from '../domain/intervals.js';
import { compact, readStored, writePart, type SeriesKey, type StoredSeries } from './series-store.js';
import { findGaps, nextOpen, uncovered, type Gap, type Span } from './spans.js';

/** Bars asked for per exchange call (ten of Bybit's 1,000-bar pages): the most an interruption loses. */
export const CHUNK_BARS = 10_000;

export interface DownloadProgress {
  /** Bars of the range covered so far (stored before, or fetched now). */
  readonly done: number;
  readonly total: number;
  readonly fetched: number;
}

export interface DownloadRequest {
  readonly key: SeriesKey;
  readonly from: number;
  readonly to: number;
}

export interface DownloadResult {
  readonly stored: StoredSeries;
  /** Bars received from the exchange in this run. */
  readonly fetched: number;
  /** Bars of the range that were already stored. */
  readonly alreadyStored: number;
  /** The range actually asked for: bar opens from `from` to the last closed bar at or before `to`. */
  readonly range: Span | null;
  readonly gaps: Gap[];
}

function firstOpenAtOrAfter(interval: string, t: number): number {
  if (interval === 'M') {
    const d = new Date(t);
    const m = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    return m >= t ? m : nextOpen(interval, m);
  }
  const step = intervalMs(interval);
  // Bybit's weekly bars open on Mondays: the epoch was a Thursday, so weeks are offset by four days.
  const offset = interval === 'W' ? 4 * 86_400_000 : 0;
  return Math.ceil((t - offset) / step) * step + offset;
}

/** Bars from `a` counted to `b` (both bar opens), for progress. */
function barsBetween(interval: string, a: number, b: number): number {
  if (b < a) return 0;
  if (interval !== 'M') return Math.round((b - a) / intervalMs(interval)) + 1;
  let n = 0;
  for (let t = a; t <= b; t = nextOpen(interval, t)) n++;
  return n;
}

/** Spans of at most CHUNK_BARS bars covering [a, b] (monthly bars: one span, there are few). */
function chunks(interval: string, [a, b]: Span): Span[] {
  if (interval === 'M') return [[a, b]];
  const step = intervalMs(interval);
  const out: Span[] = [];
  for (let at = a; at <= b; at += CHUNK_BARS * step)
    out.push([at, Math.min(b, at + (CHUNK_BARS - 1) * step)]);
  return out;
}

/** The open of the last bar that opens at or before `to` and has closed by `now`, or null. */
function lastClosedOpen(interval: string, first: number, to: number, now: number): number | null {
  if (interval === 'M') {
    let last: number | null = null;
    for (let t = first; t <= to && nextOpen(interval, t) <= now; t = nextOpen(interval, t)) last = t;
    return last;
  }
  const step = intervalMs(interval);
  const last = first + Math.floor((Math.min(to, now - step) - first) / step) * step;
  return last >= first ? last : null;
}

function inRange(s: CandleSeries | null, [a, b]: Span): number[] {
  const out: number[] = [];
  if (!s) return out;
  for (let i = 0; i < s.length; i++) {
    const t = s.time[i] as number;
    if (t >= a && t <= b) out.push(t);
  }
  return out;
}

export async function downloadKlines(
  exchange: Pick<ExchangePort, 'klines'>,
  dataDir: string,
  req: DownloadRequest,
  opts: { now?: () => number; onProgress?: (p: DownloadProgress) => void } = {},
): Promise<DownloadResult> {
  const { key } = req;
  const now = (opts.now ?? Date.now)();
  const first = firstOpenAtOrAfter(key.interval, req.from);
  // Only closed bars: a bar still forming would be stored as final.
  const last = lastClosedOpen(key.interval, first, req.to, now);
  if (last === null) {
    const stored = await readStored(dataDir, key);
    return { stored, fetched: 0, alreadyStored: 0, range: null, gaps: [] };
  }
  const range: Span = [first, last];
  const before = await readStored(dataDir, key);
  const todo = uncovered(before.covered, first, last, key.interval).flatMap((s) => chunks(key.interval, s));
  const total = barsBetween(key.interval, first, last);
  const missing = todo.reduce((a, s) => a + barsBetween(key.interval, s[0], s[1]), 0);
  const alreadyStored = total - missing;
  let done = alreadyStored;
  let fetched = 0;
  opts.onProgress?.({ done, total, fetched });
  for (const span of todo) {
    const candles = await exchange.klines({
      category: key.category,
      symbol: key.symbol,
      interval: key.interval as KlineInterval,
      start: span[0],
      end: span[1],
    });
    const bars = candles
      .filter((c) => c.start >= span[0] && c.start <= span[1] && nextOpen(key.interval, c.start) <= now)
      .map((c) => ({
        openTime: c.start,
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        volume: c.volume,
      }));
    await writePart(dataDir, key, span, bars.length ? seriesFromCandles(bars) : null);
    fetched += bars.length;
    done += barsBetween(key.interval, span[0], span[1]);
    opts.onProgress?.({ done, total, fetched });
  }
  const stored = await compact(dataDir, key);
  const gaps = findGaps(inRange(stored.series, range), key.interval, { from: first, to: last });
  return { stored, fetched, alreadyStored, range, gaps };
}
