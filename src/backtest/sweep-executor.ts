// Which executor runs a sweep: --workers N is a local thread pool sharing the loaded candles (no Redis);
// otherwise the composition root's (the backtests queue), else one run after another in this process.
import type { CandleSeries } from './candles.js';
import type { BacktestRequest } from './cli-args.js';
import { poolExecutor } from './pool.js';
import { inProcessExecutor, type SweepExecutor } from './sweep.js';

export function sweepExecutorFor(
  req: BacktestRequest,
  series: CandleSeries,
  given?: SweepExecutor,
): { executor: SweepExecutor; close(): Promise<void> } {
  const workers = req.sweepSearch?.workers ?? null;
  if (workers !== null) {
    const pool = poolExecutor(series, { workers });
    return { executor: pool, close: () => pool.close() };
  }
  return { executor: given ?? inProcessExecutor(series), close: async () => {} };
}
