// One symbol's candle history: base bars as the price path makes them, aggregated on demand to any Bybit
// interval (incrementally, so a kline request does not re-scan history). Oldest bars are dropped past a cap.
import { type Decimal, maxDec, minDec } from '../../domain/decimal.js';
import { bucketEnd, bucketStart, intervalMs, type Candle, type Interval } from './candles.js';

const MAX_BARS = 200_000;

interface Aggregate {
  done: Candle[];
  open: Candle | null;
  /** Absolute index (counting dropped bars) of the next base bar to fold in. */
  next: number;
}

function copy(c: Candle, start = c.start): Candle {
  return { start, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
}

function fold(into: Candle, c: Candle): void {
  into.high = maxDec(into.high, c.high);
  into.low = minDec(into.low, c.low);
  into.close = c.close;
  into.volume = into.volume.add(c.volume);
}

export class CandleSeries {
  private bars: Candle[] = [];
  private dropped = 0;
  private cur: Candle | null = null;
  private readonly aggs = new Map<Interval, Aggregate>();
  /** Bumped on every change; publishers compare it to skip idle symbols. */
  version = 0;

  constructor(readonly baseMs: number) {}

  get current(): Candle | null {
    return this.cur;
  }

  /** A trade at market time t. `barStart` pins the bar start (replayed files keep their own stamps). */
  trade(t: number, price: Decimal, volume: Decimal, barStart?: number): void {
    const start = barStart ?? Math.floor(t / this.baseMs) * this.baseMs;
    const cur = this.cur;
    if (cur && start === cur.start) {
      cur.high = maxDec(cur.high, price);
      cur.low = minDec(cur.low, price);
      cur.close = price;
      cur.volume = cur.volume.add(volume);
    } else {
      if (cur) this.closeBar(cur);
      this.cur = { start, open: price, high: price, low: price, close: price, volume };
    }
    this.version++;
  }

  /** Bulk-load finished bars (history before the live path starts). */
  appendClosed(c: Candle): void {
    this.closeBar(copy(c));
  }

  /** True when bars of this series can be combined into `interval` (no finer-than-data requests). */
  supports(interval: Interval): boolean {
    return intervalMs(interval) >= this.baseMs || (interval === 'M' && this.baseMs <= 31 * 86_400_000);
  }

  /**
   * Bars of `interval` with start in [from, to], the newest `limit`, newest first; includes the forming bar.
   */
  query(interval: Interval, from: number | undefined, to: number | undefined, limit: number): Candle[] {
    const agg = this.catchUp(interval);
    const out: Candle[] = [];
    const take = (c: Candle): boolean => {
      if (from !== undefined && c.start < from) return false;
      if (to === undefined || c.start <= to) out.push(c);
      return out.length < limit;
    };
    const tail = this.tail(interval, agg);
    for (let i = tail.length - 1; i >= 0; i--) {
      const c = tail[i];
      if (c && !take(c)) return out;
    }
    const done = agg.done;
    for (let i = (to === undefined ? done.length : upperBound(done, to)) - 1; i >= 0; i--) {
      const c = done[i];
      if (c && !take(c)) return out;
    }
    return out;
  }

  /** The not-yet-finished aggregate bars (0..2 of them, ascending), as fresh copies. */
  private tail(interval: Interval, agg: Aggregate): Candle[] {
    const live = agg.open ? copy(agg.open) : null;
    const cur = this.cur;
    if (!cur) return live ? [live] : [];
    const b = bucketStart(interval, cur.start);
    if (live && live.start === b) {
      fold(live, cur);
      return [live];
    }
    return live ? [live, copy(cur, b)] : [copy(cur, b)];
  }

  private catchUp(interval: Interval): Aggregate {
    let agg = this.aggs.get(interval);
    if (!agg) {
      agg = { done: [], open: null, next: this.dropped };
      this.aggs.set(interval, agg);
    }
    if (agg.next < this.dropped) agg.next = this.dropped;
    for (let i = agg.next - this.dropped; i < this.bars.length; i++) {
      const bar = this.bars[i];
      if (!bar) continue;
      const b = bucketStart(interval, bar.start);
      if (agg.open && agg.open.start === b) fold(agg.open, bar);
      else {
        if (agg.open) agg.done.push(agg.open);
        agg.open = copy(bar, b);
      }
    }
    agg.next = this.dropped + this.bars.length;
    if (agg.done.length > MAX_BARS) agg.done.splice(0, agg.done.length - MAX_BARS / 2);
    return agg;
  }

  private closeBar(c: Candle): void {
    this.bars.push(c);
    if (this.bars.length > MAX_BARS) {
      // Fold what the aggregates have not seen yet before the oldest base bars go.
      for (const interval of this.aggs.keys()) this.catchUp(interval);
      const n = MAX_BARS / 2;
      this.bars.splice(0, n);
      this.dropped += n;
    }
  }
}

export function candleEnd(interval: Interval, c: Candle): number {
  return bucketEnd(interval, c.start) - 1;
}

function upperBound(arr: Candle[], t: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((arr[mid]?.start ?? 0) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
