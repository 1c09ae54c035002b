// `bosun backtest --sweep`: plan the grid, hand one task per combination to an executor (BullMQ jobs in
// production, a plain loop otherwise), rank what comes back and print the table or the JSON document.
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../platform/errors.js';
import { getStrategy } from '../strategies/registry.js';
import type { StrategyParams } from '../strategies/types.js';
import { sliceByTime, type CandleSeries } from './candles.js';
import type { BacktestRequest } from './cli-args.js';
import { OPTION_FLAGS } from './cli-args.js';
import { BacktestOptionError, resolveOptions } from './options.js';
import { runBacktest, type BacktestResult } from './run-backtest.js';
import type { SweepSearch } from './sweep-args.js';
import { buildGrid, paramsLabel, SWEEP_FORMS, type SweepGrid } from './sweep-grid.js';
import { rankedTable, statsJson, type SweepJson, type SweepRunResult } from './sweep-rank.js';
import { candidatesOf, plannedRuns, search, type Evaluate } from './sweep-search.js';
import { plannedWalkRuns, walkForward, walkForwardText } from './sweep-walk.js';

/** Broker options as decimal strings, exactly as the flags gave them (a job payload is JSON). */
export type SweepOptions = Pick<
  BacktestRequest,
  | 'cash'
  | 'commission'
  | 'commissionFixed'
  | 'spread'
  | 'slippageBps'
  | 'qtyStep'
  | 'minNotional'
  | 'compat'
  | 'fill'
>;

/** One combination to run: everything a worker in another process needs, and no secrets. */
export interface SweepTask {
  sweepId: string;
  n: number;
  /** An absolute file path or a `prefix:spec` source such as bybit:BTCUSDT:60. */
  data: string;
  from?: number;
  to?: number;
  strategy: string;
  params: StrategyParams;
  options: SweepOptions;
}

export interface SweepExecutor {
  /**
   * Runs every task, calling `onDone` after each; rejects with SweepFailure when a run cannot finish.
   * `series` is the sweep's whole range as loaded here, for executors that run in this process.
   */
  run(
    tasks: readonly SweepTask[],
    onDone: (done: number) => void,
    series?: CandleSeries,
  ): Promise<SweepRunResult[]>;
}

/** A sweep that cannot complete (Redis down, a run failed): its message is shown as is, exit status 1. */
export class SweepFailure extends Error {
  override readonly name = 'SweepFailure';
}

export interface SweepPlan {
  readonly grid: SweepGrid;
  readonly options: SweepOptions;
}

export function optionsOf(req: BacktestRequest): SweepOptions {
  const o: SweepOptions = { compat: req.compat, fill: req.fill };
  for (const k of [
    'cash',
    'commission',
    'commissionFixed',
    'spread',
    'slippageBps',
    'qtyStep',
    'minNotional',
  ] as const) {
    const v = req[k];
    if (v !== undefined) o[k] = v;
  }
  return o;
}

/** Every usage mistake (names, grid size, options, nothing left to run) before any candle is loaded. */
export function planSweep(req: BacktestRequest): SweepPlan {
  const options = optionsOf(req);
  try {
    resolveOptions(options);
  } catch (e) {
    if (e instanceof BacktestOptionError) {
      throw new UsageError(`${OPTION_FLAGS[e.option] ?? e.option}: ${e.message.replace(/^\w+ /, '')}`);
    }
    throw e;
  }
  const grid = buildGrid(getStrategy(req.strategy), req.sweeps, req.params);
  if (grid.combos.length === 0) {
    throw new UsageError(
      `--sweep: the strategy rejects every combination (${grid.firstSkip ?? 'no values'}); accepted forms: ${SWEEP_FORMS}`,
    );
  }
  return { grid, options };
}

/** One task's run on candles already loaded (cut to its window): what the job processor, the thread pool
 * and the local loop call. */
export function runSweepTask(series: CandleSeries, task: SweepTask): SweepRunResult {
  const r = runBacktest(sliceByTime(series, task.from, task.to), task.strategy, task.params, task.options);
  return { n: task.n, params: r.params, stats: statsJson(r.stats) };
}

/** The executor without Redis: every task in this process, one after another. */
export function inProcessExecutor(series: CandleSeries): SweepExecutor {
  return {
    run: async (tasks, onDone) =>
      tasks.map((t, i) => {
        const r = runSweepTask(series, t);
        onDone(i + 1);
        return r;
      }),
  };
}

export function dataSpec(data: string): string {
  return /^[a-z][a-z0-9-]+:/.test(data) || isAbsolute(data) ? data : resolve(data);
}

export interface SweepIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Progress on stderr at most once a second, and always the last one. */
function progressPrinter(io: SweepIo, total: number): (done: number) => void {
  let last = performance.now();
  return (done) => {
    const now = performance.now();
    if (done < total && now - last < 1000) return;
    last = now;
    io.stderr.write(`bosun backtest: sweep ${done}/${total} runs done\n`);
  };
}

export interface SweepOutput {
  json: SweepJson;
  best: SweepRunResult;
  text: string;
}

const GRID: SweepSearch = {
  method: 'grid',
  samples: null,
  eta: 3,
  seed: 1,
  folds: null,
  inSamplePct: 75,
  workers: null,
};

/** Every run of one sweep goes through here: numbered across the sweep (job ids), progress counted. */
function evaluator(
  req: BacktestRequest,
  plan: SweepPlan,
  series: CandleSeries,
  executor: SweepExecutor,
  sweepId: string,
  progress: (done: number) => void,
): Evaluate {
  const data = dataSpec(req.data);
  let counter = 0;
  let done = 0;
  return async (params, w) => {
    const base = counter;
    counter += params.length;
    const from = w.from ?? req.from;
    const to = w.to ?? req.to;
    const tasks: SweepTask[] = params.map((p, i) => ({
      sweepId,
      n: base + i,
      data,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      strategy: req.strategy,
      params: p,
      options: plan.options,
    }));
    const before = done;
    const out = await executor.run(tasks, (d) => progress(before + d), series);
    done += tasks.length;
    return out.map((r) => ({ ...r, n: r.n - base })).sort((a, b) => a.n - b.n);
  };
}

/** Run the plan through the executor and build both outputs; SweepFailure propagates. */
export async function executeSweep(
  req: BacktestRequest,
  plan: SweepPlan,
  series: CandleSeries,
  executor: SweepExecutor,
  io: SweepIo,
  sweepId: string,
  startedAt: number,
): Promise<SweepOutput> {
  const s = req.sweepSearch ?? GRID;
  const candidates = candidatesOf(plan.grid.combos, s);
  const total = plannedRuns(candidates.length, s) + (s.folds ? plannedWalkRuns(candidates.length, s) : 0);
  const evaluate = evaluator(req, plan, series, executor, sweepId, progressPrinter(io, total));
  const found = await search(candidates, s, evaluate, {}, req.rankBy, series.time);
  const walk = s.folds ? await walkForward(candidates, s, evaluate, req.rankBy, series.time) : null;
  const results = found.ranked;
  const ranked = results.slice(0, req.top);
  const best = ranked[0];
  if (!best) throw new SweepFailure('the sweep returned no results');
  const { grid } = plan;
  const json: SweepJson = {
    strategy: req.strategy,
    data: { source: req.data, bars: series.length },
    sweep: Object.fromEntries(req.sweeps.map((a) => [a.name, [...a.values]])),
    fixed: { ...req.params },
    rankBy: req.rankBy,
    runs: results.length,
    skipped: grid.skipped,
    ranked: ranked.map((r) => ({ params: r.params, stats: r.stats })),
    search: { method: s.method, candidates: candidates.length, runs: found.runs },
    ...(walk ? { walkForward: walk } : {}),
    elapsedMs: Math.round(performance.now() - startedAt),
  };
  const skipped = grid.skipped
    ? `; ${grid.skipped} combination${grid.skipped === 1 ? '' : 's'} skipped (e.g. ${grid.firstSkip})`
    : '';
  const how =
    s.method === 'grid'
      ? `${results.length} runs`
      : `${s.method} search of ${candidates.length} of ${grid.combos.length} combinations, ${found.runs} runs`;
  const head = `${req.strategy} on ${req.data}: ${how} in ${(json.elapsedMs / 1000).toFixed(2)} s${skipped}; top ${ranked.length} by ${req.rankBy}`;
  const parts = [`${head}\n${rankedTable(ranked, req.sweeps, req.rankBy)}`];
  if (s.folds && !walk) parts.push(`walk-forward: too few bars for ${s.folds} folds`);
  if (walk) parts.push(walkForwardText(walk, req.rankBy, (p) => paramsLabel(p, req.sweeps)));
  return { json, best, text: parts.join('\n\n') };
}

/** The best run again, here, for its chart and trades (a job returns statistics only). */
export function rerunBest(
  req: BacktestRequest,
  plan: SweepPlan,
  series: CandleSeries,
  best: SweepRunResult,
): BacktestResult {
  return runBacktest(series, req.strategy, best.params, plan.options);
}
