// The simulator's price path: per symbol a seeded random walk, a replayed candle file, prices a test pushes, or
// (paper trading) the venue's public trades. Market time runs at `speed` market seconds per real second (0 = only
// `advance()` moves it); a fed market follows the clock and the trades' own times.
import { randomUUID } from 'node:crypto';
import { Decimal, dec, ZERO } from '../../domain/decimal.js';
import { type Candle, type CandleFile } from './candles.js';
import { hashSeed, makeRng, normal, type Rng } from './random.js';
import { CandleSeries } from './series.js';
import { pathTickOf, startPriceOf } from './instruments.js';

export interface SimCandleInput {
  /** Bar start (ms); default: the bar after the current one. */
  start?: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume?: string;
}

/** What tests and the CLI drive the market with (`sim.market`). */
export interface SimMarket {
  /** Trade at `price` now; puts the symbol under manual control (its walk or replay stops). */
  setPrice(symbol: string, price: string): void;
  /** Walk one bar open → low/high → close (low first on an up bar); manual control as with setPrice. */
  pushCandle(symbol: string, candle: SimCandleInput): void;
  lastPrice(symbol: string): string;
  /** Move market time forward (what speed > 0 does on its own). */
  advance(ms: number): void;
  /** Current market time, ms. */
  time(): number;
}

export interface MarketHooks {
  /** Every point of the path, in time order per symbol: the engine matches against it. */
  onPoint(symbol: string, price: Decimal, t: number): void;
  /** After each batch of points (a timer tick, an advance, a setPrice): funding marks, publishing. */
  onStep(prevT: number, t: number): void;
}

export interface MarketOptions {
  symbols: readonly string[];
  startTime: number;
  speed: number;
  seed: number;
  data?: { symbol: string; file: CandleFile; historyBars: number };
  /** Paper trading: every symbol's path is the venue's trades (feedTrade), time follows `clock`. */
  feed?: { clock: () => number };
  tickMs?: number;
  log: (line: string) => void;
}

type Mode = 'walk' | 'replay' | 'manual' | 'feed';

/** One public trade of the tape (/v5/market/recent-trade, publicTrade.{symbol}). */
export interface PublicTrade {
  readonly seq: number;
  readonly execId: string;
  readonly time: number;
  readonly price: Decimal;
  readonly size: Decimal;
  readonly side: 'Buy' | 'Sell';
  readonly tick: 'PlusTick' | 'ZeroPlusTick' | 'MinusTick' | 'ZeroMinusTick';
}

const TAPE_MAX = 1000;
/** Size printed for a point of the path that carries no volume (a test's setPrice). */
const MIN_PRINT = dec('0.001');

/**
 * Move a file's bars by a whole number of bars so the replay's first bar (after `historyBars` of history)
 * starts at `now`: klines, tickers and trades then carry times near the server clock, as Bybit's do.
 */
export function shiftReplay(file: CandleFile, historyBars: number, now: number): CandleFile {
  const candles = file.candles;
  if (candles.length < 2) return file;
  const h = Math.max(1, Math.min(historyBars, candles.length - 1));
  const first = (candles[h] as Candle).start;
  const shift = Math.floor((now - first) / file.baseMs) * file.baseMs;
  return { baseMs: file.baseMs, candles: candles.map((c) => ({ ...c, start: c.start + shift })) };
}

interface SymbolState {
  symbol: string;
  tick: Decimal;
  series: CandleSeries;
  last: Decimal;
  mode: Mode;
  rng: Rng;
  walkNextAt: number;
  replay: { candles: Candle[]; i: number; point: number; baseMs: number } | null;
  tape: PublicTrade[];
  tickDir: PublicTrade['tick'];
}

const WALK_SIGMA_PER_SEC = 0.0001;
const WALK_HISTORY_BARS = 1500;
const MAX_WALK_POINTS = 20_000;
const QUARTER = dec('0.25');

export class Market implements SimMarket {
  private t: number;
  private readonly states = new Map<string, SymbolState>();
  private hooks: MarketHooks = { onPoint: () => undefined, onStep: () => undefined };
  private timer: NodeJS.Timeout | null = null;
  private readonly walkStepMs: number;
  private tradeSeq = 0;

  constructor(private readonly opts: MarketOptions) {
    this.t = opts.startTime;
    const tickMs = opts.tickMs ?? 100;
    this.walkStepMs = Math.max(1000, Math.round((opts.speed * tickMs) / 25 / 1000) * 1000);
    const data = opts.data;
    if (data && data.file.candles.length > 1) {
      const h = Math.max(1, Math.min(data.historyBars, data.file.candles.length - 1));
      this.t = data.file.candles[h]?.start ?? this.t;
    }
    for (const symbol of opts.symbols) this.states.set(symbol, this.initSymbol(symbol));
  }

  attach(hooks: MarketHooks): void {
    this.hooks = hooks;
  }

  /** Start the real-time clock (speed > 0). */
  start(): void {
    const feed = this.opts.feed;
    if (feed && !this.timer) {
      // Bars roll on the clock even when no trade prints; trades stamped later than the clock move it on.
      this.timer = setInterval(() => this.advance(feed.clock() - this.t), this.opts.tickMs ?? 100);
      this.timer.unref();
      return;
    }
    if (this.opts.speed <= 0 || this.timer) return;
    let lastReal = performance.now();
    this.timer = setInterval(() => {
      const nowReal = performance.now();
      const dt = (nowReal - lastReal) * this.opts.speed;
      lastReal = nowReal;
      this.advance(dt);
    }, this.opts.tickMs ?? 100);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  time(): number {
    return this.t;
  }

  series(symbol: string): CandleSeries | undefined {
    return this.states.get(symbol)?.series;
  }

  last(symbol: string): Decimal {
    return this.state(symbol).last;
  }

  lastPrice(symbol: string): string {
    return this.state(symbol).last.toFixed();
  }

  setPrice(symbol: string, price: string): void {
    const s = this.state(symbol);
    const p = dec(price);
    if (p.lte(ZERO)) throw new RangeError(`price must be positive, got ${price}`);
    s.mode = 'manual';
    this.point(s, p, this.t, ZERO);
    this.hooks.onStep(this.t, this.t);
  }

  pushCandle(symbol: string, c: SimCandleInput): void {
    const s = this.state(symbol);
    s.mode = 'manual';
    const base = s.series.baseMs;
    const cur = s.series.current;
    const start = c.start ?? (cur ? cur.start + base : Math.floor(this.t / base) * base);
    const [o, h, l, cl] = [dec(c.open), dec(c.high), dec(c.low), dec(c.close)];
    const v = c.volume === undefined ? ZERO : dec(c.volume);
    const prev = this.t;
    for (const [k, p] of pathOf(o, h, l, cl).entries()) {
      this.point(s, p, start + Math.floor((k * (base - 1)) / 3), v.mul(QUARTER), start);
    }
    this.t = Math.max(this.t, start + base - 1);
    for (const other of this.states.values()) if (other.walkNextAt < this.t) other.walkNextAt = this.t;
    this.hooks.onStep(prev, this.t);
  }

  /**
   * Paper trading: the venue's bars before the feed started (oldest first; the newest may still be forming)
   * and where the price stands.
   */
  seedHistory(symbol: string, bars: readonly Candle[]): void {
    const s = this.state(symbol);
    const newest = bars[bars.length - 1];
    if (!newest) return;
    for (const c of bars.slice(0, -1)) s.series.appendClosed(c);
    s.series.trade(newest.start, newest.open, newest.volume, newest.start);
    for (const p of [newest.high, newest.low, newest.close])
      s.series.trade(newest.start, p, ZERO, newest.start);
    s.last = newest.close;
    s.mode = 'feed';
  }

  /** Paper trading: one of the venue's trades; a trade stamped before the market's time prints at it. */
  feedTrade(symbol: string, price: Decimal, size: Decimal, t: number): void {
    const s = this.state(symbol);
    if (t > this.t) this.advance(t - this.t, false);
    s.mode = 'feed';
    this.point(s, price, this.t, size);
  }

  /** After a batch of fed trades: funding marks and publishing, as after a timer step. */
  fedStep(prev: number): void {
    this.hooks.onStep(prev, this.t);
  }

  advance(ms: number, step = true): void {
    if (!(ms > 0)) return;
    const prev = this.t;
    const to = this.t + ms;
    for (const s of this.states.values()) this.run(s, to);
    this.t = to;
    if (step) this.hooks.onStep(prev, to);
  }

  private state(symbol: string): SymbolState {
    const s = this.states.get(symbol);
    if (!s)
      throw new RangeError(
        `unknown symbol ${symbol}; the simulator lists ${[...this.states.keys()].join(', ')}`,
      );
    return s;
  }

  private initSymbol(symbol: string): SymbolState {
    if (this.opts.feed) {
      const rng = makeRng(hashSeed(this.opts.seed, symbol));
      const series = new CandleSeries(60_000);
      const last = startPriceOf(symbol);
      const tick = pathTickOf(symbol);
      return { symbol, tick, series, last, mode: 'feed', rng, walkNextAt: this.t, replay: null, ...noTape() };
    }
    const data = this.opts.data?.symbol === symbol ? this.opts.data : undefined;
    const rng = makeRng(hashSeed(this.opts.seed, symbol));
    const tick = pathTickOf(symbol);
    if (data && data.file.candles.length > 1) {
      const series = new CandleSeries(data.file.baseMs);
      const candles = data.file.candles;
      const h = Math.max(1, Math.min(data.historyBars, candles.length - 1));
      for (let i = 0; i < h; i++) series.appendClosed(candles[i] as Candle);
      const last = (candles[h - 1] as Candle).close;
      const replay = { candles, i: h, point: 0, baseMs: data.file.baseMs };
      return { symbol, tick, series, last, mode: 'replay', rng, walkNextAt: this.t, replay, ...noTape() };
    }
    const series = new CandleSeries(60_000);
    let last = startPriceOf(symbol);
    const first = Math.floor(this.t / 60_000) * 60_000 - WALK_HISTORY_BARS * 60_000;
    for (let b = 0; b < WALK_HISTORY_BARS; b++) {
      const start = first + b * 60_000;
      for (let k = 0; k < 4; k++) {
        last = walkStep(last, tick, rng, 15_000);
        series.trade(start + k * 15_000, last, dec(String(Math.round(rng() * 1000) / 100)));
      }
    }
    return { symbol, tick, series, last, mode: 'walk', rng, walkNextAt: this.t, replay: null, ...noTape() };
  }

  private run(s: SymbolState, to: number): void {
    if (s.mode === 'replay') this.runReplay(s, to);
    if (s.mode === 'walk') this.runWalk(s, to);
    if (s.mode === 'manual' || s.mode === 'feed') this.runFlat(s, to);
  }

  private runReplay(s: SymbolState, to: number): void {
    const r = s.replay;
    if (!r) return;
    while (r.i < r.candles.length) {
      const c = r.candles[r.i] as Candle;
      const next = r.candles[r.i + 1];
      const len = next ? next.start - c.start : r.baseMs;
      const path = pathOf(c.open, c.high, c.low, c.close);
      while (r.point < 4) {
        const at = c.start + Math.floor((r.point * (len - 1)) / 3);
        if (at > to) return;
        this.point(s, path[r.point] as Decimal, at, c.volume.mul(QUARTER), c.start);
        r.point++;
      }
      r.i++;
      r.point = 0;
    }
    this.opts.log(`replay of ${s.symbol} finished; continuing with a random walk`);
    s.mode = 'walk';
    s.replay = null;
    s.walkNextAt = Math.max(s.walkNextAt, this.t);
  }

  private runWalk(s: SymbolState, to: number): void {
    let step = this.walkStepMs;
    if ((to - s.walkNextAt) / step > MAX_WALK_POINTS) step = Math.ceil((to - s.walkNextAt) / MAX_WALK_POINTS);
    while (s.walkNextAt <= to) {
      const p = walkStep(s.last, s.tick, s.rng, step);
      this.point(s, p, s.walkNextAt, dec(String(Math.round(s.rng() * 100) / 1000)));
      s.walkNextAt += step;
    }
  }

  /** Manual symbols keep their price; bars still roll so klines have no holes. */
  private runFlat(s: SymbolState, to: number): void {
    const base = s.series.baseMs;
    const cur = s.series.current;
    let next = cur ? cur.start + base : Math.floor(this.t / base) * base;
    if ((to - next) / base > MAX_WALK_POINTS) next = Math.floor(to / base) * base - MAX_WALK_POINTS * base;
    for (; next <= to; next += base) s.series.trade(next, s.last, ZERO);
  }

  /** Trades of `symbol` after `afterSeq` (oldest first), or the newest `limit` when no seq is given. */
  trades(symbol: string, afterSeq?: number, limit = TAPE_MAX): PublicTrade[] {
    const tape = this.state(symbol).tape;
    if (afterSeq === undefined) return tape.slice(-limit);
    let i = tape.length;
    while (i > 0 && (tape[i - 1] as PublicTrade).seq > afterSeq) i--;
    return tape.slice(i);
  }

  private point(s: SymbolState, price: Decimal, t: number, volume: Decimal, barStart?: number): void {
    const c = price.cmp(s.last);
    s.tickDir =
      c > 0
        ? 'PlusTick'
        : c < 0
          ? 'MinusTick'
          : s.tickDir.endsWith('PlusTick')
            ? 'ZeroPlusTick'
            : 'ZeroMinusTick';
    s.tape.push({
      seq: ++this.tradeSeq,
      execId: randomUUID(),
      time: Math.floor(t),
      price,
      size: volume.gt(ZERO) ? volume : MIN_PRINT,
      side: s.tickDir.endsWith('PlusTick') ? 'Buy' : 'Sell',
      tick: s.tickDir,
    });
    if (s.tape.length > TAPE_MAX * 2) s.tape.splice(0, s.tape.length - TAPE_MAX);
    s.last = price;
    s.series.trade(t, price, volume, barStart);
    this.hooks.onPoint(s.symbol, price, t);
  }
}

function noTape(): { tape: PublicTrade[]; tickDir: PublicTrade['tick'] } {
  return { tape: [], tickDir: 'ZeroPlusTick' };
}

/** Intrabar path the way backtests assume it: an up bar visits its low first, a down bar its high. */
function pathOf(o: Decimal, h: Decimal, l: Decimal, c: Decimal): Decimal[] {
  return c.gte(o) ? [o, l, h, c] : [o, h, l, c];
}

function walkStep(last: Decimal, tick: Decimal, rng: Rng, stepMs: number): Decimal {
  const r = WALK_SIGMA_PER_SEC * Math.sqrt(stepMs / 1000) * normal(rng);
  const next = last.mul(dec(r.toFixed(12)).add(1));
  const rounded = next.div(tick).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).mul(tick);
  return rounded.lt(tick) ? tick : rounded;
}
