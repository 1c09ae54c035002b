// Columnar candle storage for the bar loop: float64 columns (the nearest double to each decimal
// string) plus the number of decimals that makes every price an exact integer tick count.
import type { Candle } from '../strategies/types.js';

export interface CandleSeries {
  readonly length: number;
  /** Bar timestamps, ms since the epoch (UTC), strictly ascending. */
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** Every price × 10^priceDecimals is an integer. */
  readonly priceDecimals: number;
}

/** Largest number of price decimals we accept: beyond it float64 ticks could stop being exact. */
export const MAX_PRICE_DECIMALS = 12;

export class CandleDataError extends Error {
  override readonly name = 'CandleDataError';
}

/** Decimal places in a plain or exponent decimal string ("46319.0" → 1, "1.5e-7" → 8). */
export function decimalsOf(s: string): number {
  const e = s.search(/[eE]/);
  const mant = e < 0 ? s : s.slice(0, e);
  const exp = e < 0 ? 0 : Number(s.slice(e + 1));
  const dot = mant.indexOf('.');
  const frac = dot < 0 ? 0 : mant.length - dot - 1;
  return Math.max(0, frac - exp);
}

/** Growable column builder used by the parsers. */
export class SeriesBuilder {
  private cap: number;
  private n = 0;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  priceDecimals = 0;

  constructor(capacity = 1024) {
    this.cap = Math.max(16, capacity);
    this.time = new Float64Array(this.cap);
    this.open = new Float64Array(this.cap);
    this.high = new Float64Array(this.cap);
    this.low = new Float64Array(this.cap);
    this.close = new Float64Array(this.cap);
    this.volume = new Float64Array(this.cap);
  }

  private grow(): void {
    this.cap *= 2;
    const g = (a: Float64Array): Float64Array => {
      const b = new Float64Array(this.cap);
      b.set(a);
      return b;
    };
    this.time = g(this.time);
    this.open = g(this.open);
    this.high = g(this.high);
    this.low = g(this.low);
    this.close = g(this.close);
    this.volume = g(this.volume);
  }

  push(t: number, o: number, h: number, l: number, c: number, v: number): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.time[i] = t;
    this.open[i] = o;
    this.high[i] = h;
    this.low[i] = l;
    this.close[i] = c;
    this.volume[i] = v;
  }

  get length(): number {
    return this.n;
  }

  /** Sorts ascending when the source was newest-first, and refuses duplicate or unordered stamps. */
  build(what: string): CandleSeries {
    const n = this.n;
    let s: CandleSeries = {
      length: n,
      time: this.time.subarray(0, n),
      open: this.open.subarray(0, n),
      high: this.high.subarray(0, n),
      low: this.low.subarray(0, n),
      close: this.close.subarray(0, n),
      volume: this.volume.subarray(0, n),
      priceDecimals: this.priceDecimals,
    };
    if (n > 1 && (s.time[0] as number) > (s.time[n - 1] as number)) s = reverse(s);
    for (let i = 1; i < n; i++) {
      if (!((s.time[i] as number) > (s.time[i - 1] as number))) {
        throw new CandleDataError(
          `${what}: timestamps must be strictly increasing; row ${i + 1} (${iso(s.time[i] as number)}) is not after the previous row`,
        );
      }
    }
    return s;
  }
}

function reverse(s: CandleSeries): CandleSeries {
  const r = (a: Float64Array): Float64Array => a.slice().reverse();
  return {
    ...s,
    time: r(s.time),
    open: r(s.open),
    high: r(s.high),
    low: r(s.low),
    close: r(s.close),
    volume: r(s.volume),
  };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Bars with from ≤ time ≤ to (either bound optional). */
export function sliceByTime(s: CandleSeries, from?: number, to?: number): CandleSeries {
  let a = 0;
  let b = s.length;
  if (from !== undefined) while (a < b && (s.time[a] as number) < from) a++;
  if (to !== undefined) while (b > a && (s.time[b - 1] as number) > to) b--;
  if (a === 0 && b === s.length) return s;
  return {
    length: b - a,
    time: s.time.subarray(a, b),
    open: s.open.subarray(a, b),
    high: s.high.subarray(a, b),
    low: s.low.subarray(a, b),
    close: s.close.subarray(a, b),
    volume: s.volume.subarray(a, b),
    priceDecimals: s.priceDecimals,
  };
}

/** Columns from Decimal candles (the chat job's input); the decimals come from the values themselves. */
export function seriesFromCandles(candles: readonly Candle[]): CandleSeries {
  const b = new SeriesBuilder(candles.length);
  for (const c of candles) {
    for (const p of [c.open, c.high, c.low, c.close]) {
      b.priceDecimals = Math.max(b.priceDecimals, p.decimalPlaces());
    }
    b.push(
      c.openTime,
      c.open.toNumber(),
      c.high.toNumber(),
      c.low.toNumber(),
      c.close.toNumber(),
      c.volume.toNumber(),
    );
  }
  checkDecimals(b.priceDecimals, 'candles');
  return b.build('candles');
}

export function checkDecimals(d: number, what: string): void {
  if (d > MAX_PRICE_DECIMALS) {
    throw new CandleDataError(
      `${what}: prices have ${d} decimals; at most ${MAX_PRICE_DECIMALS} are supported`,
    );
  }
}
