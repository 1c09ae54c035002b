// `bosun backtest` through the kernel (the default): plan from the flags and bosun.yaml, load every
// symbol's candles, run, print the summary or the JSON document, write the chart and trades files.
// Loaded only when needed, so a --compat run starts as fast as before.
import { writeFile } from 'node:fs/promises';
import { loadConfig, parseConfig } from '../platform/config.js';
import { ConfigError, UsageError } from '../platform/errors.js';
import { UnknownStrategyError } from '../strategies/registry.js';
import { CandleDataError } from './candles.js';
import type { BacktestRequest } from './cli-args.js';
import { loadFunding } from './funding.js';
import { buildKernelPlan, type PlanConfig } from './kernel-plan.js';
import { runKernelPlan, type KernelRunPlan, type KernelRunResult } from './kernel-run.js';
import { kernelJsonDocument, kernelTextSummary, kernelTradesCsv } from './report-kernel.js';
import { loadCandles, type CandleFileCache, type CandleSources } from './source.js';

export interface KernelCliDeps {
  sources?: CandleSources;
  cache?: CandleFileCache;
}

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const PROGRESS_BARS = 1_000_000;

function say(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text}\n`);
}

/** --config FILE, else the bot's built-in defaults (a backtest never reads ./bosun.yaml unasked). */
export function planConfig(path: string | undefined): PlanConfig {
  if (path === undefined) return { config: parseConfig({}), source: 'built-in defaults' };
  const { config, source } = loadConfig(path);
  return { config, source };
}

async function writeOutput(path: string, data: string | Buffer, what: string): Promise<string | null> {
  try {
    await writeFile(path, data);
    return null;
  } catch (e) {
    return `cannot write the ${what} to ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}

export async function runKernelCli(req: BacktestRequest, io: Io, deps: KernelCliDeps): Promise<number> {
  const fail = (code: number, msg: string): number => {
    say(io.stderr, `bosun backtest: ${msg}`);
    return code;
  };
  const t0 = performance.now();
  let plan: KernelRunPlan;
  try {
    const cfg = planConfig(req.config);
    plan = await buildKernelPlan(req, cfg, {
      candles: (src) => loadCandles(src, { from: req.from, to: req.to }, deps.sources, deps.cache),
      funding: loadFunding,
    });
  } catch (e) {
    if (e instanceof UsageError) return fail(2, e.message);
    if (e instanceof ConfigError) return fail(2, `--config: ${e.message}`);
    if (e instanceof UnknownStrategyError) return fail(2, `--strategy: ${e.message}`);
    if (e instanceof CandleDataError || e instanceof RangeError) return fail(1, e.message);
    throw e;
  }
  const bars = plan.data.reduce((n, d) => n + d.bars.length, 0);
  const progress = bars >= PROGRESS_BARS;
  if (progress)
    say(
      io.stderr,
      `bosun backtest: loaded ${bars} bars in ${((performance.now() - t0) / 1000).toFixed(2)} s`,
    );
  const t1 = performance.now();
  let run: KernelRunResult;
  try {
    run = runKernelPlan(plan);
  } catch (e) {
    if (e instanceof RangeError) return fail(1, e.message);
    throw e;
  }
  if (progress)
    say(io.stderr, `bosun backtest: simulated in ${((performance.now() - t1) / 1000).toFixed(2)} s`);
  const elapsed = performance.now() - t0;

  const problems: string[] = [];
  const notes: string[] = [];
  if (req.trades) {
    const err = await writeOutput(req.trades, kernelTradesCsv(run), 'trades');
    if (err) problems.push(err);
    else notes.push(`trades written to ${req.trades}`);
  }
  if (req.chart) {
    try {
      const { renderKernelChart } = await import('./chart-kernel.js');
      const png = await renderKernelChart(run, req.symbol ? { symbol: req.symbol } : {});
      const err = await writeOutput(req.chart, png, 'chart');
      if (err) problems.push(err);
      else notes.push(`chart written to ${req.chart}`);
    } catch (e) {
      problems.push(`chart failed: ${(e as Error).message}`);
    }
  }
  if (req.json) say(io.stdout, JSON.stringify(kernelJsonDocument(run, elapsed)));
  else say(io.stdout, kernelTextSummary(run, elapsed));
  for (const n of notes) say(req.json ? io.stderr : io.stdout, n);
  for (const p of problems) say(io.stderr, `bosun backtest: ${p}`);
  return problems.length ? 1 : 0;
}
