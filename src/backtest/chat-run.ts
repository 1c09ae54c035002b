// Backtests asked for from chat: what a `backtest_runs` row holds for them (the request, where to answer,
// progress, the posted status line) and the plain functions that move a run queued → running → done|failed,
// each a compare-and-set on `status` so a retried or repeated job never redoes or undoes a finished run.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { backtestRuns } from '../db/schema/index.js';

export const RUN_STAGES = ['queued', 'loading', 'simulating', 'rendering', 'done', 'failed'] as const;
export type RunStage = (typeof RUN_STAGES)[number];
export type RunStatus = 'queued' | 'running' | 'done' | 'failed';

// The chat platforms, spelled out here because backtest/ does not import chat/ (imports flow one way).
const chatTarget = z.object({
  platform: z.enum(['telegram', 'slack', 'console']),
  chatId: z.string().min(1),
});
const messageRef = chatTarget.extend({ messageId: z.string().min(1) });
export type RunChatTarget = z.infer<typeof chatTarget>;
export type RunMessageRef = z.infer<typeof messageRef>;

const progressSchema = z.object({
  stage: z.enum(RUN_STAGES),
  pct: z.number().min(0).max(100),
  bars: z.number().int().nonnegative().optional(),
});
export type RunProgress = z.infer<typeof progressSchema>;

/** `backtest_runs.params` for a chat run. */
export const runRequestSchema = z.object({
  /** Validated by the strategy's parseParams, defaults filled in. */
  strategyParams: z.record(z.string(), z.number()),
  /** Open times (ms, UTC) of the first and last bar wanted, inclusive. */
  from: z.number().int(),
  to: z.number().int(),
  category: z.enum(['linear', 'spot']).default('linear'),
  /** Decimal strings; absent = the backtester's defaults. */
  cash: z.string().optional(),
  commission: z.string().optional(),
  /** Where progress and the result go: the chat that asked. */
  replyTo: chatTarget.optional(),
  progress: progressSchema.optional(),
  /** The status line posted for this run, edited as it progresses. */
  statusMessage: messageRef.optional(),
});
export type RunRequest = z.infer<typeof runRequestSchema>;

/** `backtest_runs.stats`: the `--json` document without its trade list. */
export const runStatsSchema = z.object({
  data: z.object({
    source: z.string(),
    bars: z.number().int(),
    start: z.string(),
    end: z.string(),
    interval: z.string(),
  }),
  stats: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  /** Kernel runs: the rules' side of the result (denials by check, approvals asked, the defaults used). */
  report: z
    .object({
      deniedLine: z.string(),
      denied: z.number().int(),
      deniedByCheck: z.record(z.string(), z.number()),
      approvalsAsked: z.number().int(),
      fees: z.string(),
      funding: z.string(),
      defaults: z.array(z.string()),
    })
    .optional(),
  elapsedMs: z.number(),
});
export type RunStats = z.infer<typeof runStatsSchema>;

export interface ChatRun {
  id: number;
  requestedBy: string | null;
  strategy: string;
  symbol: string;
  interval: string;
  dataSource: string;
  status: RunStatus;
  request: RunRequest;
  stats: RunStats | null;
  /** Only loaded when asked for (it is the PNG). */
  chart: Buffer | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface NewChatRun {
  requestedBy: string;
  strategy: string;
  symbol: string;
  interval: string;
  request: RunRequest;
}

const STATUSES: readonly RunStatus[] = ['queued', 'running', 'done', 'failed'];

export function dataSourceOf(symbol: string, interval: string, category: string): string {
  return `bybit:${symbol}:${interval}:${category}`;
}

const viewColumns = {
  id: backtestRuns.id,
  requestedBy: backtestRuns.requestedBy,
  strategy: backtestRuns.strategy,
  symbol: backtestRuns.symbol,
  interval: backtestRuns.interval,
  dataSource: backtestRuns.dataSource,
  status: backtestRuns.status,
  params: backtestRuns.params,
  stats: backtestRuns.stats,
  error: backtestRuns.error,
  createdAt: backtestRuns.createdAt,
  finishedAt: backtestRuns.finishedAt,
};

type ViewRow = {
  [K in keyof typeof viewColumns]: (typeof backtestRuns.$inferSelect)[K];
} & { chart?: Buffer | null };

/** A stored row as a chat run; null for rows this module did not write (e.g. other params layouts). */
function toRun(r: ViewRow): ChatRun | null {
  const request = runRequestSchema.safeParse(r.params);
  if (!request.success || !r.symbol || !r.interval) return null;
  const stats = r.stats ? runStatsSchema.safeParse(r.stats) : null;
  const status = STATUSES.find((s) => s === r.status) ?? 'failed';
  return {
    id: r.id,
    requestedBy: r.requestedBy,
    strategy: r.strategy,
    symbol: r.symbol,
    interval: r.interval,
    dataSource: r.dataSource,
    status,
    request: request.data,
    stats: stats?.success ? stats.data : null,
    chart: r.chart ?? null,
    error: r.error,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
  };
}

export async function insertRun(db: Db, run: NewChatRun): Promise<number> {
  const [row] = await db
    .insert(backtestRuns)
    .values({
      requestedBy: run.requestedBy,
      strategy: run.strategy,
      symbol: run.symbol,
      interval: run.interval,
      params: { ...run.request, progress: { stage: 'queued', pct: 0 } },
      dataSource: dataSourceOf(run.symbol, run.interval, run.request.category),
      status: 'queued',
    })
    .returning({ id: backtestRuns.id });
  if (!row) throw new Error('backtest run not stored');
  return row.id;
}

export async function getRun(db: Db, id: number, withChart = false): Promise<ChatRun | null> {
  const rows = withChart
    ? await db
        .select({ ...viewColumns, chart: backtestRuns.chart })
        .from(backtestRuns)
        .where(eq(backtestRuns.id, id))
    : await db.select(viewColumns).from(backtestRuns).where(eq(backtestRuns.id, id));
  return rows[0] ? toRun(rows[0]) : null;
}

/** The newest finished run with a chart, for `/backtest last`. */
export async function latestDoneRun(db: Db): Promise<ChatRun | null> {
  const rows = await db
    .select({ ...viewColumns, chart: backtestRuns.chart })
    .from(backtestRuns)
    .where(and(eq(backtestRuns.status, 'done'), sql`${backtestRuns.chart} is not null`))
    .orderBy(desc(backtestRuns.id))
    .limit(1);
  return rows[0] ? toRun(rows[0]) : null;
}

function mergeParams(patch: Partial<RunRequest>) {
  return sql`${backtestRuns.params} || ${JSON.stringify(patch)}::jsonb`;
}

/**
 * Take the run for this attempt: queued → running. A run left `running` by an attempt that died is taken
 * again (BullMQ runs one attempt of a job id at a time); done and failed runs are never taken.
 */
export async function claimRun(db: Db, id: number): Promise<ChatRun | null> {
  const rows = await db
    .update(backtestRuns)
    .set({ status: 'running', params: mergeParams({ progress: { stage: 'loading', pct: 10 } }) })
    .where(and(eq(backtestRuns.id, id), inArray(backtestRuns.status, ['queued', 'running'])))
    .returning(viewColumns);
  return rows[0] ? toRun(rows[0]) : null;
}

export async function setProgress(db: Db, id: number, progress: RunProgress): Promise<void> {
  await db
    .update(backtestRuns)
    .set({ params: mergeParams({ progress }) })
    .where(and(eq(backtestRuns.id, id), eq(backtestRuns.status, 'running')));
}

/** running → done with the results, in one statement. False when the run was not running. */
export async function finishRun(
  db: Db,
  id: number,
  r: { stats: RunStats; chart: Buffer; bars: number; at: number },
): Promise<boolean> {
  const rows = await db
    .update(backtestRuns)
    .set({
      status: 'done',
      stats: r.stats,
      chart: r.chart,
      error: null,
      finishedAt: new Date(r.at),
      params: mergeParams({ progress: { stage: 'done', pct: 100, bars: r.bars } }),
    })
    .where(and(eq(backtestRuns.id, id), eq(backtestRuns.status, 'running')))
    .returning({ id: backtestRuns.id });
  return rows.length > 0;
}

/** queued|running → failed with a reason the asker may read. False when the run had already finished. */
export async function failRun(db: Db, id: number, error: string, at: number): Promise<boolean> {
  const rows = await db
    .update(backtestRuns)
    .set({
      status: 'failed',
      error: error.slice(0, 500),
      finishedAt: new Date(at),
      params: mergeParams({ progress: { stage: 'failed', pct: 100 } }),
    })
    .where(and(eq(backtestRuns.id, id), inArray(backtestRuns.status, ['queued', 'running'])))
    .returning({ id: backtestRuns.id });
  return rows.length > 0;
}

export async function setStatusMessage(db: Db, id: number, ref: RunMessageRef): Promise<void> {
  await db
    .update(backtestRuns)
    .set({ params: mergeParams({ statusMessage: ref }) })
    .where(eq(backtestRuns.id, id));
}

/** Bybit's interval code as people say it: "1" → "1m", "240" → "4h", "D" → "1D". */
export function intervalName(interval: string): string {
  if (!/^\d+$/.test(interval)) return `1${interval}`;
  const m = Number(interval);
  return m % 60 === 0 ? `${m / 60}h` : `${m}m`;
}
