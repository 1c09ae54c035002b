// `bosun backtest`: load candles, run the strategy, print a summary or the JSON document, and write
// the chart and trades files. Returns the exit status: 0 ok, 1 bad data or output, 2 usage.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { UsageError } from '../platform/errors.js';
import { StrategyParamError } from '../strategies/params.js';
import { NeedsKernelError } from '../strategies/legacy-adapter.js';
import { getStrategy, resolveStrategy, UnknownStrategyError } from '../strategies/registry.js';
import { CandleDataError, type CandleSeries } from './candles.js';
import { BACKTEST_HELP, OPTION_FLAGS, parseBacktestArgs, type BacktestRequest } from './cli-args.js';
import { BacktestOptionError } from './options.js';
import { runBacktest, type BacktestResult } from './run-backtest.js';
import { loadCandles, type CandleFileCache, type CandleSources } from './source.js';
import { textSummary, toJsonDocument, tradesCsv } from './report.js';
import { sweepExecutorFor } from './sweep-executor.js';
import {
  executeSweep,
  planSweep,
  rerunBest,
  SweepFailure,
  type SweepExecutor,
  type SweepPlan,
} from './sweep.js';

export interface BacktestCliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface BacktestCliDeps {
  /** `prefix:` sources wired by the composition root, e.g. { bybit: … }. */
  sources?: CandleSources;
  /** Runs `--sweep` tasks (BullMQ jobs, wired by the composition root); default: this process, in turn. */
  sweepExecutor?: SweepExecutor;
  /** Parsed candle files kept between runs (the columnar store); default none. */
  cache?: CandleFileCache;
  /** Names the sweep's jobs; default random. */
  sweepId?: string;
}

/** Runs at or above this size report progress on stderr. */
const PROGRESS_BARS = 1_000_000;
const PROGRESS_MS = 1_000;

function say(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text}\n`);
}

function loadError(e: unknown): string | null {
  if (e instanceof CandleDataError) return e.message;
  if (e instanceof RangeError) return e.message;
  return null;
}

async function load(req: BacktestRequest, deps: BacktestCliDeps): Promise<CandleSeries> {
  return loadCandles(req.data, { from: req.from, to: req.to }, deps.sources, deps.cache);
}

function simulate(req: BacktestRequest, series: CandleSeries): BacktestResult {
  try {
    return runBacktest(series, getStrategy(req.strategy), req.params, {
      cash: req.cash,
      commission: req.commission,
      commissionFixed: req.commissionFixed,
      spread: req.spread,
      slippageBps: req.slippageBps,
      qtyStep: req.qtyStep,
      minNotional: req.minNotional,
      compat: req.compat,
      fill: req.fill,
    });
  } catch (e) {
    if (e instanceof StrategyParamError) throw new UsageError(`--param: ${e.message}`);
    if (e instanceof NeedsKernelError) throw new UsageError(`--strategy: ${e.message}`);
    if (e instanceof BacktestOptionError) {
      throw new UsageError(`${OPTION_FLAGS[e.option] ?? e.option}: ${e.message.replace(/^\w+ /, '')}`);
    }
    throw e;
  }
}

async function writeOutput(path: string, data: string | Buffer, what: string): Promise<string | null> {
  try {
    await writeFile(path, data);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return `cannot write the ${what} to ${path} (${code})`;
  }
}

export async function runBacktestCli(
  argv: string[],
  io: BacktestCliIo,
  deps: BacktestCliDeps = {},
): Promise<number> {
  const fail = (code: number, msg: string): number => {
    say(io.stderr, `bosun backtest: ${msg}`);
    return code;
  };
  let req: BacktestRequest;
  try {
    req = parseBacktestArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return fail(2, e.message);
    throw e;
  }
  if (req.help) {
    say(io.stdout, BACKTEST_HELP);
    return 0;
  }

  // The kernel with the bot's rules is the default; --compat (and, for now, --sweep) run the broker.
  if (!req.compat && req.sweeps.length === 0) {
    const { runKernelCli } = await import('./cli-kernel.js');
    return runKernelCli(req, io, {
      ...(deps.sources ? { sources: deps.sources } : {}),
      ...(deps.cache ? { cache: deps.cache } : {}),
    });
  }

  try {
    await resolveStrategy(req.strategy);
  } catch (e) {
    if (e instanceof UnknownStrategyError) return fail(2, `--strategy: ${e.message}`);
    throw e;
  }

  let plan: SweepPlan | null = null;
  if (req.sweeps.length) {
    try {
      plan = planSweep(req);
    } catch (e) {
      if (e instanceof UsageError) return fail(2, e.message);
      throw e;
    }
  }

  const t0 = performance.now();
  let series: CandleSeries;
  try {
    series = await load(req, deps);
  } catch (e) {
    const msg = loadError(e);
    if (msg) return fail(1, msg);
    throw e;
  }
  const loadedMs = performance.now() - t0;
  const progress = series.length >= PROGRESS_BARS || loadedMs >= PROGRESS_MS;
  if (progress)
    say(io.stderr, `bosun backtest: loaded ${series.length} bars in ${(loadedMs / 1000).toFixed(2)} s`);

  if (plan) return runSweep(req, plan, series, io, deps, t0);

  let result: BacktestResult;
  const t1 = performance.now();
  try {
    result = simulate(req, series);
  } catch (e) {
    if (e instanceof UsageError) return fail(2, e.message);
    const msg = loadError(e);
    if (msg) return fail(1, msg);
    throw e;
  }
  const elapsed = performance.now() - t0;
  if (progress)
    say(io.stderr, `bosun backtest: simulated in ${((performance.now() - t1) / 1000).toFixed(2)} s`);

  const problems: string[] = [];
  const notes: string[] = [];
  await writeFiles(req, result, problems, notes);

  if (req.json) say(io.stdout, JSON.stringify(toJsonDocument(result, req.data, elapsed)));
  else say(io.stdout, textSummary(result, req.data, elapsed));
  // With --json, stdout carries exactly one document: notes go to stderr.
  for (const n of notes) say(req.json ? io.stderr : io.stdout, n);
  for (const p of problems) say(io.stderr, `bosun backtest: ${p}`);
  return problems.length ? 1 : 0;
}

async function writeFiles(
  req: BacktestRequest,
  result: BacktestResult,
  problems: string[],
  notes: string[],
): Promise<void> {
  if (req.trades) {
    const err = await writeOutput(req.trades, tradesCsv(result), 'trades');
    if (err) problems.push(err);
    else notes.push(`trades written to ${req.trades}`);
  }
  if (req.chart) {
    const symbol = req.symbol ?? basename(req.data, extname(req.data));
    try {
      const { renderEquityChart } = await import('./chart.js');
      const err = await writeOutput(req.chart, await renderEquityChart(result, { symbol }), 'chart');
      if (err) problems.push(err);
      else notes.push(`chart written to ${req.chart}`);
    } catch (e) {
      problems.push(`chart failed: ${(e as Error).message}`);
    }
  }
}

/** `--sweep`: fan out, rank, print; the chart and trades files are the best run's. */
async function runSweep(
  req: BacktestRequest,
  plan: SweepPlan,
  series: CandleSeries,
  io: BacktestCliIo,
  deps: BacktestCliDeps,
  t0: number,
): Promise<number> {
  // --workers N: local threads sharing the loaded candles; else the composition root's (the queue).
  const { executor, close } = sweepExecutorFor(req, series, deps.sweepExecutor);
  const sweepId = deps.sweepId ?? randomBytes(6).toString('hex');
  let out;
  try {
    out = await executeSweep(req, plan, series, executor, io, sweepId, t0);
  } catch (e) {
    if (e instanceof SweepFailure) {
      say(io.stderr, `bosun backtest: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    await close();
  }
  const problems: string[] = [];
  const notes: string[] = [];
  if (req.chart || req.trades) await writeFiles(req, rerunBest(req, plan, series, out.best), problems, notes);
  say(io.stdout, req.json ? JSON.stringify(out.json) : out.text);
  for (const n of notes) say(req.json ? io.stderr : io.stdout, `best run's ${n}`);
  for (const p of problems) say(io.stderr, `bosun backtest: ${p}`);
  return problems.length ? 1 : 0;
}
