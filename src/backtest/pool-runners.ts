// The "run one combination" functions a sweep pool can use, by name, so a worker thread (or a later engine
// such as the kernel backtest) is chosen by a string that crosses the thread boundary.
import type { CandleSeries } from './candles.js';
import type { SweepRunResult } from './sweep-rank.js';
import { runSweepTask, type SweepTask } from './sweep.js';

/** `series` is the sweep's whole loaded range: a runner cuts it to `task.from`/`task.to` itself. */
export type RunOne = (series: CandleSeries, task: SweepTask) => SweepRunResult;

export const RUNNERS = {
  /** The backtesting.py-compatible bar loop (src/backtest/run-backtest.ts). */
  compat: runSweepTask,
} as const satisfies Record<string, RunOne>;

export type RunnerName = keyof typeof RUNNERS;
