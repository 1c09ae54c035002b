// backtest-sweep: one combination of a `bosun backtest --sweep` grid. Loads the candles (once per worker
// process for a source and range), runs the strategy and returns its statistics to the waiting CLI.
// Nothing is stored: the result lives on the BullMQ job, so a repeated job just computes it again.
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Job } from 'bullmq';
import { CandleDataError, type CandleSeries } from '../src/backtest/candles.js';
import { BacktestOptionError } from '../src/backtest/options.js';
import { loadCandles, type CandleSources } from '../src/backtest/source.js';
import { SweepPool } from '../src/backtest/pool.js';
import { runSweepTask, SweepFailure, type SweepTask } from '../src/backtest/sweep.js';
import type { SweepRunResult } from '../src/backtest/sweep-rank.js';
import { backtestSweepPayload, type PayloadOf } from '../src/queue/payloads.js';
import { PermanentJobError, type Handler } from '../src/queue/workers.js';
import { StrategyParamError, UnknownStrategyError } from '../src/strategies/index.js';

export const name = 'backtest-sweep';
export const payload = backtestSweepPayload;
/** Pure computation with no effect to guard: the key only names the run. */
export const idempotencyKey = (p: PayloadOf<'backtest-sweep'>): string =>
  `backtest-sweep:${p.sweepId}:${p.n}`;

export interface BacktestSweepDeps {
  /** `prefix:` candle sources (bybit through the candles cache in production); files need none. */
  sources?: CandleSources;
}

export interface BacktestSweepResult extends SweepRunResult {
  /** host/pid of the worker that ran it, so a sweep can show where its runs went. */
  worker: string;
  ms: number;
}

/** Failures no retry can fix: bad data or params are the asker's to correct. */
const PERMANENT = [
  CandleDataError,
  StrategyParamError,
  UnknownStrategyError,
  BacktestOptionError,
  RangeError,
];

// A sweep sends hundreds of jobs for the same candles: keep the last few series, keyed so an edited
// file is read again.
const MAX_CACHED = 4;
const cache = new Map<string, Promise<CandleSeries>>();

async function cacheKey(p: PayloadOf<'backtest-sweep'>): Promise<string> {
  let version = '';
  if (!/^[a-z][a-z0-9-]+:/.test(p.data)) {
    const st = await stat(p.data).catch(() => null);
    if (st) version = `${st.mtimeMs}:${st.size}`;
  }
  return `${p.data}|${p.from ?? ''}|${p.to ?? ''}|${version}`;
}

export async function candlesFor(
  deps: BacktestSweepDeps,
  p: PayloadOf<'backtest-sweep'>,
): Promise<CandleSeries> {
  const key = await cacheKey(p);
  let hit = cache.get(key);
  if (!hit) {
    hit = loadCandles(p.data, { from: p.from, to: p.to }, deps.sources);
    cache.set(key, hit);
    if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
    // A failed load is not remembered: the next job tries again.
    hit.catch(() => cache.delete(key));
  } else {
    // Most recently used last, so eviction drops the oldest.
    cache.delete(key);
    cache.set(key, hit);
  }
  return hit;
}

export async function process(
  deps: BacktestSweepDeps,
  p: PayloadOf<'backtest-sweep'>,
): Promise<BacktestSweepResult> {
  const t0 = performance.now();
  try {
    const series = await candlesFor(deps, p);
    const task: SweepTask = { ...p, options: { ...p.options } };
    const r = runSweepTask(series, task);
    return {
      ...r,
      worker: `${hostname()}/${globalThis.process.pid}`,
      ms: Math.round(performance.now() - t0),
    };
  } catch (e) {
    if (PERMANENT.some((k) => e instanceof k)) throw new PermanentJobError((e as Error).message);
    throw e;
  }
}

export function backtestSweepHandler(deps: BacktestSweepDeps = {}): Handler {
  return (data: unknown, _job: Job) => process(deps, data as PayloadOf<'backtest-sweep'>);
}

/**
 * The handler of the workers a `bosun backtest --sweep` starts for itself when no bot takes backtests:
 * jobs on the sweep's own data run on a thread pool sharing the candles the CLI already loaded, so every
 * core works (BullMQ's concurrency alone keeps one thread); other jobs take the ordinary path.
 */
export function localSweepHandler(
  deps: BacktestSweepDeps,
  local: { data: string; series: CandleSeries; threads: number },
): { handler: Handler; close(): Promise<void> } {
  let pool: SweepPool | null = null;
  const worker = `${hostname()}/${globalThis.process.pid}`;
  return {
    handler: async (data: unknown, _job: Job) => {
      const p = data as PayloadOf<'backtest-sweep'>;
      if (p.data !== local.data) return process(deps, p);
      const t0 = performance.now();
      pool ??= new SweepPool(local.series, { workers: local.threads });
      try {
        const [r] = await pool.run([{ ...p, options: { ...p.options } }]);
        if (!r) throw new Error('the sweep pool returned no result');
        return { ...r, worker: `${worker}/thread`, ms: Math.round(performance.now() - t0) };
      } catch (e) {
        // A run that fails in a thread fails the same way anywhere: report it, no retry.
        // The CLI names the run itself, so only the reason travels.
        if (e instanceof SweepFailure) {
          throw new PermanentJobError(e.message.replace(/^sweep run \d+ \([^)]*\) failed: /, ''));
        }
        throw e;
      }
    },
    close: async () => {
      await pool?.close();
      pool = null;
    },
  };
}
