// The bar loop: one strategy instance fed every closed bar, a simulated broker filling its decisions
// from bar warmup + 1 on, then statistics. Pure: no I/O, no clock; the same inputs give the same result.
import type { Candle, Strategy, StrategyFactory, StrategyParams } from '../strategies/types.js';
import { getStrategy } from '../strategies/registry.js';
import { Broker } from './broker.js';
import { seriesFromCandles, type CandleSeries } from './candles.js';
import { fxString } from './fixed.js';
import { resolveOptions, type BacktestOptions, type BacktestOptionsInput } from './options.js';
import { computeStats, type BacktestStats } from './stats.js';
import { TradeRecord } from './trade-record.js';

export interface BacktestResult {
  readonly strategy: string;
  readonly params: StrategyParams;
  readonly options: BacktestOptions;
  readonly series: CandleSeries;
  /** Buy-and-hold base bar (the strategy's warm-up); decisions start at warmup + 1. */
  readonly warmup: number;
  /** Equity at each bar's close (float64, for statistics and charts; exact values are in stats). */
  readonly equity: Float64Array;
  readonly trades: readonly TradeRecord[];
  /** Trades still open at the end (compat mode: an entry signalled on the last bar). */
  readonly openTradesAtEnd: number;
  readonly skippedOrders: number;
  readonly ignoredStops: number;
  readonly stats: BacktestStats;
}

function isSeries(c: CandleSeries | readonly Candle[]): c is CandleSeries {
  return !Array.isArray(c);
}

interface MutableBar {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export function runBacktest(
  candles: CandleSeries | readonly Candle[],
  strategy: string | StrategyFactory,
  params: Readonly<Record<string, unknown>> = {},
  options: BacktestOptionsInput = {},
): BacktestResult {
  const s = isSeries(candles) ? candles : seriesFromCandles(candles);
  const factory = typeof strategy === 'string' ? getStrategy(strategy) : strategy;
  const opts = resolveOptions(options);
  const strat: Strategy = factory.create(params, { priceScale: 10 ** s.priceDecimals });
  const n = s.length;
  if (n === 0) throw new RangeError('no candles to backtest');
  // As backtesting.py: an indicator that never gets a value counts as no warm-up at all.
  const warmup = strat.warmup < n ? Math.max(0, strat.warmup) : 0;
  const start = warmup + 1;
  const broker = new Broker(s, opts);
  const bar: MutableBar = { openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  const { time, open, high, low, close, volume } = s;

  for (let i = 0; i < n; i++) {
    if (i >= start) {
      broker.next(i);
      if (broker.outOfMoney) break;
    }
    bar.openTime = time[i] as number;
    bar.open = open[i] as number;
    bar.high = high[i] as number;
    bar.low = low[i] as number;
    bar.close = close[i] as number;
    bar.volume = volume[i] as number;
    broker.viewBar = i;
    const sig = strat.onBar(bar, broker.view);
    if (sig !== null && i >= start) broker.submit(sig);
  }
  if (start < n) broker.finalize(n - 1);

  const equity = broker.equity;
  // Bars before the first broker step hold the starting cash (upstream back-fills the first value).
  equity.fill(start < n ? (equity[start] as number) : opts.cash.toNumber(), 0, Math.min(start, n));

  const fx = broker.fx;
  const trades = broker.closed.map((t) => new TradeRecord(t, fx, time));
  const commissions = broker.closed.reduce((a, t) => a + t.commission, 0n);
  const stats = computeStats({
    time,
    close,
    equity,
    trades: broker.closed.map((t, k) => ({
      entryBar: t.entryBar,
      exitBar: t.exitBar,
      returnFrac: t.returnFrac,
      pnl: (trades[k] as TradeRecord).pnlNumber,
    })),
    warmup,
    equityFinal: fxString(fx, broker.equityAt(n - 1)),
    equityPeak: fxString(fx, broker.equityPeak()),
    commissions: fxString(fx, commissions),
  });
  return {
    strategy: strat.name,
    params: strat.params,
    options: opts,
    series: s,
    warmup,
    equity,
    trades,
    openTradesAtEnd: broker.trades.length,
    skippedOrders: broker.skippedOrders,
    ignoredStops: broker.ignoredStops,
    stats,
  };
}
