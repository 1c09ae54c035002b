// Exact incremental indicators for strategies (public SDK). Sums of prices run on integer ticks held in
// float64, exact below 2^53, so an SMA crossover is decided exactly (an exact tie never signals). EMA and
// RSI divide and so are float64, computed in the same operation order as pandas / TA-Lib.
import { dec, type Decimal } from '../domain/decimal.js';

/** Prices above this many ticks could make a 1,000-bar sum inexact; refuse rather than drift. */
const MAX_TICKS = 2 ** 42;

/** A price as an integer count of 1/scale ticks (exact for prices parsed from decimal strings). */
export function toTicks(price: number, scale: number): number {
  const t = Math.round(price * scale);
  if (!(Math.abs(t) < MAX_TICKS)) {
    throw new RangeError(`price ${price} at scale ${scale} is too large for exact arithmetic`);
  }
  return t;
}

/** The exact decimal price of a tick count. */
export function ticksToDecimal(ticks: number, scale: number): Decimal {
  return dec(String(ticks)).div(dec(String(scale)));
}

/** The exact decimal for a float price that came from a decimal string with at most log10(scale) places. */
export function priceToDecimal(price: number, scale: number): Decimal {
  return ticksToDecimal(toTicks(price, scale), scale);
}

/** sign(a/n − b/m) for integer sums a, b, exactly; falls back to bigint when the products could round. */
export function compareMeans(a: number, n: number, b: number, m: number): number {
  const l = a * m;
  const r = b * n;
  if (Math.abs(l) < Number.MAX_SAFE_INTEGER && Math.abs(r) < Number.MAX_SAFE_INTEGER) {
    return l > r ? 1 : l < r ? -1 : 0;
  }
  const bl = BigInt(a) * BigInt(m);
  const br = BigInt(b) * BigInt(n);
  return bl > br ? 1 : bl < br ? -1 : 0;
}

/** Rolling sum of the last `period` integer tick values (pandas rolling(n).sum(), but exact). */
export class RollingTickSum {
  private readonly buf: Float64Array;
  private pos = 0;
  private count = 0;
  sum = 0;

  constructor(readonly period: number) {
    this.buf = new Float64Array(period);
  }

  push(ticks: number): void {
    if (this.count >= this.period) this.sum -= this.buf[this.pos] as number;
    else this.count++;
    this.buf[this.pos] = ticks;
    this.sum += ticks;
    this.pos = this.pos + 1 === this.period ? 0 : this.pos + 1;
  }

  get ready(): boolean {
    return this.count >= this.period;
  }
}

/**
 * pandas `Series.ewm(span=n, adjust=False, min_periods=n).mean()`, step by step with the same float
 * operations as pandas' ewm kernel (including its skip when the value equals the average).
 */
export class Ema {
  private readonly alpha: number;
  private readonly oldWtFactor: number;
  private count = 0;
  private weighted = NaN;

  constructor(readonly period: number) {
    this.alpha = 2 / (period + 1);
    this.oldWtFactor = 1 - this.alpha;
  }

  push(x: number): void {
    if (this.count === 0) this.weighted = x;
    else if (this.weighted !== x) {
      this.weighted = (this.oldWtFactor * this.weighted + this.alpha * x) / (this.oldWtFactor + this.alpha);
    }
    this.count++;
  }

  get value(): number {
    return this.count >= this.period ? this.weighted : NaN;
  }
}

/**
 * Wilder's RSI as TA-Lib defines it: the first averages are simple means of the first `period` gains
 * and losses, then smoothed with weight 1/period. Defined from the `period`-th change on (bar index
 * `period`); 100 when there were no losses, 50 when the price did not move at all.
 */
export class WilderRsi {
  private prev = NaN;
  private changes = 0;
  private gain = 0;
  private loss = 0;

  constructor(readonly period: number) {}

  push(close: number): void {
    if (Number.isNaN(this.prev)) {
      this.prev = close;
      return;
    }
    const d = close - this.prev;
    this.prev = close;
    const g = d > 0 ? d : 0;
    const l = d < 0 ? -d : 0;
    this.changes++;
    const n = this.period;
    if (this.changes <= n) {
      this.gain += g;
      this.loss += l;
      if (this.changes === n) {
        this.gain /= n;
        this.loss /= n;
      }
    } else {
      this.gain = (this.gain * (n - 1) + g) / n;
      this.loss = (this.loss * (n - 1) + l) / n;
    }
  }

  get value(): number {
    if (this.changes < this.period) return NaN;
    if (this.loss === 0) return this.gain === 0 ? 50 : 100;
    return 100 - 100 / (1 + this.gain / this.loss);
  }
}

/** Highest (or lowest) of the last `period` values pushed, O(1) amortised with a monotonic deque. */
export class RollingExtreme {
  private readonly idx: Float64Array;
  private readonly val: Float64Array;
  private head = 0;
  private tail = 0;
  private n = 0;
  private readonly isMax: boolean;

  constructor(
    readonly period: number,
    kind: 'max' | 'min',
  ) {
    this.isMax = kind === 'max';
    this.idx = new Float64Array(period + 1);
    this.val = new Float64Array(period + 1);
  }

  private at(k: number): number {
    return k % (this.period + 1);
  }

  push(x: number): void {
    const cap = this.period + 1;
    while (this.tail > this.head) {
      const last = this.val[this.at(this.tail - 1)] as number;
      if (this.isMax ? x < last : x > last) break;
      this.tail--;
    }
    this.idx[this.tail % cap] = this.n;
    this.val[this.tail % cap] = x;
    this.tail++;
    while ((this.idx[this.at(this.head)] as number) <= this.n - this.period) this.head++;
    this.n++;
  }

  get ready(): boolean {
    return this.n >= this.period;
  }

  get value(): number {
    return this.ready ? (this.val[this.at(this.head)] as number) : NaN;
  }
}
