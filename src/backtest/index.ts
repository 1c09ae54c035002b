// Public surface of the backtester: the pure run, the CLI entry, candle sources and the chart.
export { runBacktest, type BacktestResult } from './run-backtest.js';
export { runBacktestCli, type BacktestCliDeps, type BacktestCliIo } from './cli.js';
export { BACKTEST_HELP } from './cli-args.js';
export {
  BacktestOptionError,
  resolveOptions,
  type BacktestOptions,
  type BacktestOptionsInput,
  type CommissionFn,
} from './options.js';
export { CandleDataError, seriesFromCandles, sliceByTime, type CandleSeries } from './candles.js';
export {
  loadCandles,
  parseCandleText,
  type CandleSource,
  type CandleSources,
  type TimeRange,
} from './source.js';
export type { BacktestStats } from './stats.js';
export type { TradeRecord, TradeJson } from './trade-record.js';
export { toJsonDocument, textSummary, tradesCsv, type BacktestJson } from './report.js';
// The chart pulls in echarts lazily; importing this symbol is cheap.
export { renderEquityChart, type ChartMeta } from './chart.js';
