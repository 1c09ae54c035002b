// A backtest through the kernel: candles in time order feed the same kernel the live bot runs (strategy,
// sizing, risk, approval policy, protection), and its commands run against the simulated venue. Several
// instances and symbols share one account, as in bosun.yaml. Pure: same inputs, same result.
import { Decimal, ZERO } from '../domain/decimal.js';
import type { Fill } from '../domain/fill.js';
import { intervalMs } from '../domain/intervals.js';
import type { Category, Instrument } from '../domain/instrument.js';
import type { RiskLimits } from '../risk/types.js';
import type { Bar } from '../sdk/types.js';
import type { ClosedRoundTrip } from './books.js';
import { symbolKey } from './books.js';
import { Kernel, type KernelStats } from './kernel.js';
import { INTRABAR_RULE, SimVenue, type VenueCosts, type VenueMargin } from './sim-venue.js';
import type { ApprovalRoute, Command, InstanceConfig, Notice, OrderReport, SeriesKey } from './types.js';

/** Columns of one series (the backtester's CandleSeries has this shape). */
export interface BarColumns {
  readonly length: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export interface KernelBacktestInput {
  /** The tradable series: orders on a symbol fill against its bars. One per symbol. */
  readonly data: readonly {
    readonly series: SeriesKey;
    readonly bars: BarColumns;
    readonly detail?: BarColumns;
    readonly funding?: FundingSeries;
  }[];
  readonly margin?: VenueMargin;
  readonly instances: readonly InstanceConfig[];
  readonly instruments: readonly Instrument[];
  readonly limits: RiskLimits;
  readonly approvals: (notional: Decimal, reducesRisk: boolean) => ApprovalRoute;
  readonly cash: Decimal;
  readonly costs: VenueCosts;
  readonly quoteCoin?: string;
}

export interface KernelBacktestResult {
  readonly fills: readonly Fill[];
  readonly trips: readonly ClosedRoundTrip[];
  readonly notices: readonly Notice[];
  /** When each notice happened (a fill's execution time, else the event's): trade lists are built from them. */
  readonly noticeTimes: readonly number[];
  readonly stats: KernelStats;
  /** Equity at each close of the first series (float, for curves and ratios). */
  readonly equity: Float64Array;
  readonly times: Float64Array;
  readonly equityFinal: Decimal;
  readonly startingCash: Decimal;
  /** Fees paid in the quote coin (spot buys' base-coin fees valued at their fill price). */
  readonly fees: Decimal;
  /** How hits inside one bar were ordered: the lower interval's order with --detail, else the stated rule. */
  readonly intrabarRule: string;
  readonly kernel: Kernel;
}

interface Event {
  closedAt: number;
  /** Larger intervals first at one instant: an informative bar is in place before the bar that reads it. */
  order: number;
  feed: Feed;
  index: number;
}

interface Feed {
  readonly series: SeriesKey;
  /** symbolKey of the series, worked out once. */
  readonly key: string;
  readonly bars: BarColumns;
  readonly tradable: boolean;
  /** A lower interval of the same market (--detail): which of a bar's stop, target or limit came first. */
  readonly detail?: BarColumns;
  detailAt: number;
  readonly funding?: FundingSeries;
  fundingAt: number;
}

/** Funding rates of a perpetual at its funding times (Bybit's funding history), oldest first. */
export interface FundingSeries {
  readonly times: readonly number[];
  readonly rates: readonly Decimal[];
}

/** The lower-interval bars inside bar `i` of a feed, in order (a pointer walks the detail series once). */
function detailOf(feed: Feed, i: number): Bar[] | null {
  const d = feed.detail as BarColumns;
  const start = feed.bars.time[i] as number;
  const end = start + intervalMs(feed.series.interval, start);
  while (feed.detailAt < d.length && (d.time[feed.detailAt] as number) < start) feed.detailAt += 1;
  const out: Bar[] = [];
  for (let k = feed.detailAt; k < d.length && (d.time[k] as number) < end; k++) {
    out.push({
      openTime: d.time[k] as number,
      open: d.open[k] as number,
      high: d.high[k] as number,
      low: d.low[k] as number,
      close: d.close[k] as number,
      volume: d.volume[k] as number,
    });
  }
  return out.length > 0 ? out : null;
}

/** Aggregate a series into a larger interval; only complete buckets become bars. */
export function resample(src: BarColumns, srcMs: number, interval: string): BarColumns {
  const cols = {
    time: [] as number[],
    open: [] as number[],
    high: [] as number[],
    low: [] as number[],
    close: [] as number[],
    volume: [] as number[],
  };
  let bucket = NaN;
  let count = 0;
  let o = 0;
  let h = -Infinity;
  let l = Infinity;
  let v = 0;
  for (let i = 0; i < src.length; i++) {
    const t = src.time[i] as number;
    const ms = intervalMs(interval, t);
    const b =
      interval === 'M'
        ? Date.UTC(new Date(t).getUTCFullYear(), new Date(t).getUTCMonth(), 1)
        : Math.floor(t / ms) * ms;
    if (b !== bucket) {
      bucket = b;
      count = 0;
      o = src.open[i] as number;
      h = -Infinity;
      l = Infinity;
      v = 0;
    }
    h = Math.max(h, src.high[i] as number);
    l = Math.min(l, src.low[i] as number);
    v += src.volume[i] as number;
    count += 1;
    const full =
      count * srcMs >= intervalMs(interval, bucket) && t + srcMs === bucket + intervalMs(interval, bucket);
    if (full) {
      cols.time.push(bucket);
      cols.open.push(o);
      cols.high.push(h);
      cols.low.push(l);
      cols.close.push(src.close[i] as number);
      cols.volume.push(v);
    }
  }
  return {
    length: cols.time.length,
    time: Float64Array.from(cols.time),
    open: Float64Array.from(cols.open),
    high: Float64Array.from(cols.high),
    low: Float64Array.from(cols.low),
    close: Float64Array.from(cols.close),
    volume: Float64Array.from(cols.volume),
  };
}

/**
 * The tradable series, and every further series an instance reads, resampled from its symbol's data
 * (a 1h informative series from 1m candles: only complete hours become bars).
 */
function feedsFor(kernel: Kernel, input: KernelBacktestInput): Feed[] {
  const feeds: Feed[] = input.data.map((d) => ({
    series: d.series,
    key: symbolKey(d.series.category, d.series.symbol),
    bars: d.bars,
    tradable: true,
    ...(d.detail ? { detail: d.detail } : {}),
    detailAt: 0,
    ...(d.funding && d.series.category === 'linear' ? { funding: d.funding } : {}),
    fundingAt: 0,
  }));
  const id = (c: Category, s: string, i: string) => `${c}:${s}@${i}`;
  const have = new Set(feeds.map((f) => id(f.series.category, f.series.symbol, f.series.interval)));
  for (const rt of kernel.instances) {
    for (const d of rt.series) {
      const symbol = d.symbol ?? rt.cfg.symbol;
      const { category } = rt.cfg;
      if (have.has(id(category, symbol, d.interval))) continue;
      const base = input.data.find((x) => x.series.symbol === symbol && x.series.category === category);
      if (!base)
        throw new RangeError(`${rt.id} reads ${symbol} ${d.interval}, and no data for ${symbol} was given`);
      const baseMs = intervalMs(base.series.interval, 0);
      if (intervalMs(d.interval, 0) < baseMs) {
        throw new RangeError(
          `${rt.id} reads ${symbol} at ${d.interval}, finer than the data's ${base.series.interval}`,
        );
      }
      feeds.push({
        series: { category, symbol, interval: d.interval },
        key: symbolKey(category, symbol),
        bars: resample(base.bars, baseMs, d.interval),
        tradable: false,
        detailAt: 0,
        fundingAt: 0,
      });
      have.add(id(category, symbol, d.interval));
    }
  }
  return feeds;
}

/**
 * Every feed's bars in the order they close, merged lazily (no event array): at one instant, larger
 * intervals first, then the feeds in the order given.
 */
function* timeline(feeds: readonly Feed[]): Generator<Event> {
  const steps = feeds.map((f) => (f.series.interval === 'M' ? null : intervalMs(f.series.interval, 0)));
  const closeOf = (k: number, i: number) => {
    const t = (feeds[k] as Feed).bars.time[i] as number;
    return t + (steps[k] ?? intervalMs('M', t));
  };
  const at = feeds.map(() => 0);
  const ev = { closedAt: 0, order: 0, feed: feeds[0] as Feed, index: 0 };
  for (;;) {
    let pick = -1;
    let bestAt = Infinity;
    let bestOrder = 0;
    for (let k = 0; k < feeds.length; k++) {
      const i = at[k] as number;
      if (i >= (feeds[k] as Feed).bars.length) continue;
      const c = closeOf(k, i);
      const order = -(steps[k] ?? 2_678_400_000);
      if (c < bestAt || (c === bestAt && order < bestOrder)) [pick, bestAt, bestOrder] = [k, c, order];
    }
    if (pick < 0) return;
    ev.closedAt = bestAt;
    ev.order = bestOrder;
    ev.feed = feeds[pick] as Feed;
    ev.index = at[pick] as number;
    at[pick] = ev.index + 1;
    yield ev;
  }
}

export function runKernelBacktest(input: KernelBacktestInput): KernelBacktestResult {
  if (input.data.length === 0) throw new RangeError('no data to backtest');
  let counter = 0;
  const kernel = new Kernel(
    {
      instances: input.instances,
      instruments: input.instruments,
      limits: input.limits,
      approvals: input.approvals,
      approvalTtlMs: 0,
      quoteCoin: input.quoteCoin ?? 'USDT',
      startingCash: input.cash,
      autoApprove: true,
    },
    () => `bt${(++counter).toString(36)}`,
  );
  const instruments = new Map(input.instruments.map((i) => [symbolKey(i.category, i.symbol), i]));
  const venue: SimVenue = new SimVenue(instruments, input.costs, input.margin, {
    equity: () => kernel.account.equityFloat(),
    exactEquity: () => kernel.account.equity(),
    mark: (c, s) => kernel.account.markPrice(c, s)?.toNumber() ?? null,
    otherNotional: (c, s) => {
      let v = 0;
      for (const i of input.instruments) {
        if (i.category === c && i.symbol === s) continue;
        const mark = kernel.account.markPrice(i.category, i.symbol);
        if (mark) v += venue.netSize(i.category, i.symbol).abs().toNumber() * mark.toNumber();
      }
      return v;
    },
  });
  const feeds = feedsFor(kernel, input);
  const events = timeline(feeds);
  const notices: Notice[] = [];
  const noticeTimes: number[] = [];
  const current = new Map<string, number>();
  const tradable = new Map(feeds.filter((f) => f.tradable).map((f) => [f.key, f]));
  /**
   * The tradable bar an order placed at `now` is placed in: the last one processed, or the next when it
   * closes at `now` too (a coarser instance decided first at a shared instant: that bar opened before it).
   */
  const idx = (c: Category, s: string, now: number) => {
    const key = symbolKey(c, s);
    const i = current.get(key) ?? -1;
    const f = tradable.get(key);
    if (!f || i + 1 >= f.bars.length) return i;
    const t = f.bars.time[i + 1] as number;
    return t + intervalMs(f.series.interval, t) <= now ? i + 1 : i;
  };

  const run = (cmds: readonly Command[], now: number, midBar = false, at = now) => {
    let queue: readonly Command[] = cmds;
    // Cancels answered at once by the venue come back to the kernel, which may answer again (a requote).
    for (let guard = 0; queue.length > 0 && guard < 64; guard++) {
      for (const c of queue) {
        if (c.kind !== 'notice') continue;
        notices.push(c.notice);
        noticeTimes.push(at);
      }
      const reports: OrderReport[] = [];
      for (const c of queue) {
        if (c.kind === 'place')
          reports.push(...venue.execute([c], idx(c.order.category, c.order.symbol, now), midBar));
        else reports.push(...venue.execute([c], 0));
      }
      const next: Command[] = [];
      for (const r of reports) next.push(...kernel.onReport(r, now));
      queue = next;
      at = now;
    }
  };

  const matchBar = (series: SeriesKey, b: Bar, i: number, opening: boolean, closedAt: number) => {
    for (let guard = 0; guard < 256; guard++) {
      const hit = venue.nextHit(series, b, i, opening);
      if (!hit) break;
      const at = hit.kind === 'fill' ? hit.fill.ts : hit.kind === 'liquidated' ? hit.ts : closedAt - 1;
      run(kernel.onReport(hit, closedAt - 1), closedAt - 1, true, at);
    }
  };
  const applyFunding = (feed: Feed, closedAt: number, mark: number) => {
    const f = feed.funding as FundingSeries;
    const { category, symbol } = feed.series;
    while (feed.fundingAt < f.times.length && (f.times[feed.fundingAt] as number) <= closedAt) {
      const ts = f.times[feed.fundingAt] as number;
      const rate = f.rates[feed.fundingAt] as Decimal;
      feed.fundingAt += 1;
      run(kernel.onFunding(category, symbol, rate, new Decimal(String(mark)), ts), ts);
    }
  };
  const first = feeds[0] as Feed;
  const equity = new Float64Array(first.bars.length);
  const bar = { openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  for (const ev of events) {
    const { feed, index: i } = ev;
    const b = feed.bars;
    bar.openTime = b.time[i] as number;
    bar.open = b.open[i] as number;
    bar.high = b.high[i] as number;
    bar.low = b.low[i] as number;
    bar.close = b.close[i] as number;
    bar.volume = b.volume[i] as number;
    if (feed.tradable) {
      current.set(feed.key, i);
      // The venue's part of the bar first: orders resting from earlier closes meet this bar's prices —
      // or, with --detail, each lower-interval part of it in turn.
      const { category, symbol } = feed.series;
      if (venue.busy(category, symbol)) {
        const parts = feed.detail ? detailOf(feed, i) : null;
        if (parts === null) matchBar(feed.series, bar, i, true, ev.closedAt);
        else parts.forEach((p, k) => matchBar(feed.series, p, i, k === 0, ev.closedAt));
      }
      if (feed.funding) applyFunding(feed, ev.closedAt, bar.close);
    }
    const cmds = kernel.onBar({ series: feed.series, bar, closedAt: ev.closedAt });
    if (cmds.length > 0) run(cmds, ev.closedAt);
    if (feed === first) equity[i] = kernel.account.equityFloat();
  }

  let fees = ZERO;
  for (const f of venue.fills)
    fees = fees.plus(f.feeCurrency === (input.quoteCoin ?? 'USDT') ? f.fee : f.fee.mul(f.price));
  return {
    fills: venue.fills,
    trips: kernel.account.trips,
    notices,
    noticeTimes,
    stats: kernel.summary(),
    equity,
    times: first.bars.time,
    equityFinal: kernel.account.equity(),
    startingCash: input.cash,
    fees,
    intrabarRule: input.data.some((d) => d.detail)
      ? `in the order the lower-interval bars show them; inside one of those, ${INTRABAR_RULE.replace('within a bar: ', '')}`
      : INTRABAR_RULE,
    kernel,
  };
}
