// run-backtest: one backtest asked for from chat, by run id. Takes the run (queued → running), loads its
// candles through the injected source (Bybit through the candles cache in production), runs the strategy
// through the kernel with the bot's rules (bosun.yaml's risk limits and approval policy, Bybit's fees),
// draws the equity chart and stores stats + PNG (running → done); a failure is stored (→ failed) instead.
// Progress and the outcome reach the asker as alerts, which the gateway delivers to the chat that asked.
import type { Job, Queue } from 'bullmq';
import {
  claimRun,
  failRun,
  finishRun,
  getRun,
  intervalName,
  setProgress,
  type ChatRun,
  type RunStats,
} from '../src/backtest/chat-run.js';
import { CandleDataError, sliceByTime, type CandleSeries } from '../src/backtest/candles.js';
import type { ChartMeta } from '../src/backtest/chart.js';
import type { PlanConfig } from '../src/backtest/kernel-plan.js';
import { chatKernelRun } from '../src/backtest/chat-kernel.js';
import type { KernelRunResult } from '../src/backtest/kernel-run.js';
import { BacktestOptionError } from '../src/backtest/options.js';
import { kernelJsonDocument } from '../src/backtest/report-kernel.js';
import type { CandleSource } from '../src/backtest/source.js';
import { raiseAlert, type Alert } from '../src/chat/core/alerts.js';
import { UsageError } from '../src/platform/errors.js';
import type { Db } from '../src/db/client.js';
import type { Clock } from '../src/domain/clock.js';
import { consequenceOf, safeMessage } from '../src/engine/exchange-errors.js';
import { logger } from '../src/platform/logger.js';
import { enqueue, jobId } from '../src/queue/enqueue.js';
import { backtestPayload, type PayloadOf } from '../src/queue/payloads.js';
import type { Handler } from '../src/queue/workers.js';
import { StrategyParamError, UnknownStrategyError } from '../src/strategies/index.js';

export const name = 'run-backtest';
export const payload = backtestPayload;
/** The run's own status column is the key: every transition is a compare-and-set on it. */
export const idempotencyKey = (p: PayloadOf<'run-backtest'>): string => `run-backtest:${p.runId}`;

export interface RunBacktestDeps {
  db: Db;
  clock: Clock;
  /** Candles for "SYMBOL:INTERVAL:category" within a range, oldest first (bybitCandleSource in production). */
  candles: CandleSource;
  /** The alerts queue: progress and the outcome go through send-alert to the chat that asked. */
  alerts: Queue;
  /** The bot's bosun.yaml: its risk limits and approval policy apply to chat backtests (default: built-in). */
  config?: PlanConfig;
  /** Draws the chart; default renderKernelChart (1200×800 PNG). */
  renderChart?: (r: KernelRunResult, meta: ChartMeta) => Promise<Buffer>;
}

/** Which BullMQ attempt this is: a transient failure on the last one is final (and on any, without it). */
export interface AttemptInfo {
  attemptsMade: number;
  attempts: number;
}

export interface RunBacktestOutcome {
  status: 'done' | 'failed' | 'already-finished' | 'missing';
  runId: number;
  error?: string;
}

/** Failures the asker can act on, shown as they are. */
const USER_ERRORS = [
  CandleDataError,
  StrategyParamError,
  UnknownStrategyError,
  BacktestOptionError,
  UsageError,
  RangeError,
];

function isTransient(e: unknown): boolean {
  const c = consequenceOf(e);
  return c === 'retry' || c === 'wait' || c === 'resync-clock';
}

/** What the asker is told; null for a failure we did not foresee (a bug), whose message stays in the log. */
function reasonOf(e: unknown): string | null {
  if (USER_ERRORS.some((k) => e instanceof k)) return (e as Error).message;
  if (consequenceOf(e) !== 'unknown') return `the exchange failed: ${safeMessage(e)}`;
  return null;
}

async function tell(deps: RunBacktestDeps, alert: Alert): Promise<void> {
  const raised = await raiseAlert(deps.db, deps.alerts, alert);
  // A result raised before whose delivery job was lost (enqueue failed after the insert) is queued
  // again; send-alert answers "already sent" when it was not lost.
  if (raised.duplicate && alert.kind === 'backtest-result' && raised.id > 0) {
    await enqueue(deps.alerts, 'send-alert', { alertId: raised.id }, { jobId: jobId('alert', raised.id) });
  }
}

async function progress(deps: RunBacktestDeps, run: ChatRun, stage: string): Promise<void> {
  try {
    await tell(deps, { kind: 'backtest-progress', runId: run.id, stage });
  } catch (e) {
    // Progress is a courtesy: never fail the run over it.
    logger().warn({ runId: run.id, err: e instanceof Error ? e.message : String(e) }, 'progress not sent');
  }
}

async function load(deps: RunBacktestDeps, run: ChatRun): Promise<CandleSeries> {
  const { from, to, category } = run.request;
  const all = await deps.candles.load(`${run.symbol}:${run.interval}:${category}`, { from, to });
  const series = sliceByTime(all, from, to);
  if (series.length === 0) {
    throw new CandleDataError(
      `the exchange has no ${run.symbol} ${intervalName(run.interval)} candles in that range`,
    );
  }
  return series;
}

export { chatKernelRun };

async function simulate(deps: RunBacktestDeps, run: ChatRun): Promise<{ stats: RunStats; png: Buffer }> {
  const t0 = performance.now();
  const series = await load(deps, run);
  const bars = series.length;
  await setProgress(deps.db, run.id, { stage: 'simulating', pct: 50, bars });
  await progress(deps, run, 'simulating');
  const result = await chatKernelRun(run, series, deps.config);
  await setProgress(deps.db, run.id, { stage: 'rendering', pct: 80, bars });
  const render = deps.renderChart ?? (await import('../src/backtest/chart-kernel.js')).renderKernelChart;
  const png = await render(result, { symbol: run.symbol, interval: intervalName(run.interval) });
  const doc = kernelJsonDocument(result, performance.now() - t0);
  const { report } = doc;
  return {
    stats: {
      data: { ...doc.data, source: run.dataSource },
      stats: doc.stats,
      report: {
        deniedLine: report.deniedLine,
        denied: report.denied,
        deniedByCheck: report.deniedByCheck,
        approvalsAsked: report.approvalsAsked,
        fees: report.fees,
        funding: report.funding,
        defaults: [...report.defaults],
      },
      elapsedMs: doc.elapsedMs,
    },
    png,
  };
}

export async function process(
  deps: RunBacktestDeps,
  p: PayloadOf<'run-backtest'>,
  attempt?: AttemptInfo,
): Promise<RunBacktestOutcome> {
  const runId = p.runId;
  const run = await claimRun(deps.db, runId);
  if (!run) {
    const existing = await getRun(deps.db, runId);
    if (!existing) return { status: 'missing', runId };
    await tell(deps, { kind: 'backtest-result', runId });
    return { status: 'already-finished', runId };
  }
  await progress(deps, run, 'loading');
  let outcome: { stats: RunStats; png: Buffer };
  try {
    outcome = await simulate(deps, run);
  } catch (e) {
    const more = attempt !== undefined && attempt.attemptsMade + 1 < attempt.attempts;
    if (isTransient(e) && more) throw e;
    let reason = reasonOf(e);
    if (reason === null) {
      logger().error({ runId, err: e instanceof Error ? e.message : String(e) }, 'backtest failed');
      reason = 'unexpected error (the details are in the worker log)';
    }
    if (await failRun(deps.db, runId, reason, deps.clock.now())) {
      await tell(deps, { kind: 'backtest-result', runId });
    }
    return { status: 'failed', runId, error: reason };
  }
  const stored = await finishRun(deps.db, runId, {
    stats: outcome.stats,
    chart: outcome.png,
    bars: outcome.stats.data.bars,
    at: deps.clock.now(),
  });
  if (!stored) return { status: 'already-finished', runId };
  await tell(deps, { kind: 'backtest-result', runId });
  return { status: 'done', runId };
}

/** The BullMQ handler (payload already validated by the worker), passing the attempt number on. */
export function backtestHandler(deps: RunBacktestDeps): Handler {
  return (data, job: Job) =>
    process(deps, data as PayloadOf<'run-backtest'>, {
      attemptsMade: job.attemptsMade,
      attempts: job.opts.attempts ?? 1,
    });
}
