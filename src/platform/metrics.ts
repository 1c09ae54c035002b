// bosun's Prometheus metrics: one registry with the default process metrics plus our own (prefix bosun_).
// Label values are clamped to fixed sets or short identifiers, so no secret or free text becomes a series.
import type { Worker } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const OTHER = 'other';
const IDENT_RE = /^[a-z0-9][a-z0-9_.-]{0,47}$/;
/** Distinct values one open-ended label may take before new ones collapse into "other". */
const MAX_OPEN_VALUES = 64;
const seen = new Map<string, Set<string>>();

/** The value if it is one of `allowed`, else "other". */
export function oneOfLabel<T extends string>(value: string, allowed: readonly T[]): T | typeof OTHER {
  return (allowed as readonly string[]).includes(value) ? (value as T) : OTHER;
}

/**
 * For labels whose values come from our own code but are not enumerable here (risk check names, venue
 * codes): a short lower-case identifier made of short words, at most 64 distinct per label, else "other".
 * Case is not folded, so a mixed-case key or secret passed by mistake never becomes a series.
 */
export function identLabel(family: string, value: string | number): string {
  const v = String(value);
  if (!IDENT_RE.test(v) || v.split(/[_.-]/).some((w) => w.length > 24)) return OTHER;
  let set = seen.get(family);
  if (!set) seen.set(family, (set = new Set()));
  if (set.has(v)) return v;
  if (set.size >= MAX_OPEN_VALUES) return OTHER;
  set.add(v);
  return v;
}

export const CATEGORIES = ['linear', 'spot'] as const;
export const SIDES = ['buy', 'sell'] as const;
export const ORDER_REJECT_REASONS = [
  'risk',
  'approval-rejected',
  'approval-expired',
  'trading-halted',
  'stale-intent',
  'invalid',
  'insufficient-balance',
  'duplicate',
  'rate-limited',
  'venue',
] as const;
export const APPROVAL_OUTCOMES = ['auto', 'approved', 'rejected', 'expired'] as const;
export const PLATFORMS = ['telegram', 'slack', 'console'] as const;
export const COMMAND_OUTCOMES = ['ok', 'denied', 'invalid', 'error'] as const;
export const STREAMS = ['public', 'private'] as const;
export const JOB_OUTCOMES = ['completed', 'failed'] as const;
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

const m = {
  ordersSubmitted: new Counter({
    name: 'bosun_orders_submitted_total',
    help: 'Orders sent to the exchange',
    labelNames: ['category', 'side'] as const,
    registers: [registry],
  }),
  ordersRejected: new Counter({
    name: 'bosun_orders_rejected_total',
    help: 'Orders refused before or by the exchange, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  fills: new Counter({
    name: 'bosun_fills_total',
    help: 'Executions received',
    labelNames: ['category', 'side'] as const,
    registers: [registry],
  }),
  riskDenials: new Counter({
    name: 'bosun_risk_denials_total',
    help: 'Intents denied by a risk check',
    labelNames: ['check'] as const,
    registers: [registry],
  }),
  approvals: new Counter({
    name: 'bosun_approvals_total',
    help: 'Trade approvals by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  queueDepth: new Gauge({
    name: 'bosun_queue_depth',
    help: 'Jobs per queue and state, read at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    collect: () => collectQueueDepths(),
  }),
  jobWait: new Histogram({
    name: 'bosun_job_wait_seconds',
    help: 'Time from enqueue to a worker starting the job',
    labelNames: ['queue'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60],
    registers: [registry],
  }),
  jobDuration: new Histogram({
    name: 'bosun_job_duration_seconds',
    help: 'Time a worker spent on a job',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60],
    registers: [registry],
  }),
  tickLag: new Histogram({
    name: 'bosun_tick_lag_seconds',
    help: 'Delay between a candle closing and its strategy tick running',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  }),
  commandLatency: new Histogram({
    name: 'bosun_chat_command_duration_seconds',
    help: 'Chat command handling time, from update received to reply sent',
    labelNames: ['platform', 'command', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  }),
  exchangeErrors: new Counter({
    name: 'bosun_exchange_errors_total',
    help: 'Exchange call failures by venue code (retCode or HTTP status) and kind',
    labelNames: ['code', 'kind'] as const,
    registers: [registry],
  }),
  wsReconnects: new Counter({
    name: 'bosun_ws_reconnects_total',
    help: 'WebSocket reconnects by stream',
    labelNames: ['stream'] as const,
    registers: [registry],
  }),
  equity: new Gauge({
    name: 'bosun_equity',
    help: 'Account equity in the settle coin (a float for graphs; the books stay Decimal)',
    labelNames: ['coin'] as const,
    registers: [registry],
  }),
};

/** Commands named in CONTRACT.md; anything else is counted as "other". */
export const COMMANDS = [
  'help', 'status', 'positions', 'orders', 'balance', 'pnl', 'trades', 'performance', 'strategies',
  'pending', 'risk', 'whoami', 'health', 'buy', 'sell', 'close', 'pause', 'resume', 'backtest', 'kill',
  'approve', 'reject', 'users', 'export', 'start',
] as const; // prettier-ignore

const sec = (ms: number): number => Math.max(0, ms) / 1000;

/** The calls other modules make. Each clamps its labels; the raw metric objects stay private. */
export const metrics = {
  orderSubmitted(category: string, side: string): void {
    m.ordersSubmitted.inc({
      category: oneOfLabel(category, CATEGORIES),
      side: oneOfLabel(side.toLowerCase(), SIDES),
    });
  },
  orderRejected(reason: (typeof ORDER_REJECT_REASONS)[number]): void {
    m.ordersRejected.inc({ reason: oneOfLabel(reason, ORDER_REJECT_REASONS) });
  },
  fill(category: string, side: string): void {
    m.fills.inc({ category: oneOfLabel(category, CATEGORIES), side: oneOfLabel(side.toLowerCase(), SIDES) });
  },
  /** `check` is the risk check's id (kebab-case), never its human reason text. */
  riskDenied(check: string): void {
    m.riskDenials.inc({ check: identLabel('risk-check', check) });
  },
  approval(outcome: (typeof APPROVAL_OUTCOMES)[number]): void {
    m.approvals.inc({ outcome: oneOfLabel(outcome, APPROVAL_OUTCOMES) });
  },
  jobStarted(queue: string, enqueuedAt: number, startedAt: number): void {
    m.jobWait.observe({ queue: identLabel('queue', queue) }, sec(startedAt - enqueuedAt));
  },
  jobFinished(
    queue: string,
    outcome: (typeof JOB_OUTCOMES)[number],
    startedAt: number,
    finishedAt: number,
  ): void {
    m.jobDuration.observe(
      { queue: identLabel('queue', queue), outcome: oneOfLabel(outcome, JOB_OUTCOMES) },
      sec(finishedAt - startedAt),
    );
  },
  tickLag(ms: number): void {
    m.tickLag.observe(sec(ms));
  },
  chatCommand(
    platform: string,
    command: string,
    outcome: (typeof COMMAND_OUTCOMES)[number],
    ms: number,
  ): void {
    m.commandLatency.observe(
      {
        platform: oneOfLabel(platform, PLATFORMS),
        command: oneOfLabel(command.replace(/^\//, '').toLowerCase(), COMMANDS),
        outcome: oneOfLabel(outcome, COMMAND_OUTCOMES),
      },
      sec(ms),
    );
  },
  /** `code` is the venue retCode or HTTP status (null for network failures); `kind` the error class. */
  exchangeError(code: number | null, kind: string): void {
    const c =
      code === null ? 'network' : Number.isInteger(code) && code >= 0 && code < 1e7 ? String(code) : OTHER;
    m.exchangeErrors.inc({ code: identLabel('exchange-code', c), kind: identLabel('exchange-kind', kind) });
  },
  wsReconnect(stream: (typeof STREAMS)[number]): void {
    m.wsReconnects.inc({ stream: oneOfLabel(stream, STREAMS) });
  },
  /** Equity as a decimal string (or anything with toString, e.g. Decimal). */
  equity(coin: string, value: { toString(): string }): void {
    const n = Number(value.toString());
    if (!Number.isFinite(n)) return;
    m.equity.set({ coin: /^[A-Z0-9]{2,12}$/.test(coin) ? coin : OTHER }, n);
  },
};

/** Record wait time and run time of every job this worker takes. */
export function observeWorker(worker: Worker): void {
  const queue = worker.name;
  worker.on('active', (job) => metrics.jobStarted(queue, job.timestamp, job.processedOn ?? Date.now()));
  worker.on('completed', (job) => {
    if (job.processedOn)
      metrics.jobFinished(queue, 'completed', job.processedOn, job.finishedOn ?? Date.now());
  });
  worker.on('failed', (job) => {
    if (job?.processedOn) metrics.jobFinished(queue, 'failed', job.processedOn, job.finishedOn ?? Date.now());
  });
}

/** What metrics needs from a BullMQ Queue (structurally satisfied by `Queue`). */
export interface CountableQueue {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

const observed = new Map<string, CountableQueue>();
let depthTimeoutMs = 1000;

/**
 * Report these queues' depths at scrape time. A slow or unreachable Redis leaves the last values in place
 * rather than stalling /metrics.
 */
export function observeQueues(queues: readonly CountableQueue[], timeoutMs = 1000): void {
  for (const q of queues) observed.set(q.name, q);
  depthTimeoutMs = timeoutMs;
}

async function collectQueueDepths(): Promise<void> {
  await Promise.all(
    [...observed.values()].map(async (q) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((res) => (timer = setTimeout(() => res(null), depthTimeoutMs)));
      try {
        const counts = await Promise.race([q.getJobCounts(...QUEUE_STATES), timeout]);
        if (!counts) return;
        for (const state of QUEUE_STATES) {
          m.queueDepth.set({ queue: identLabel('queue', q.name), state }, counts[state] ?? 0);
        }
      } catch {
        // Readiness reports Redis problems; a scrape must not fail because of them.
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

/** Forget observed queues (tests, and a process that closes its queues before exit). */
export function stopObservingQueues(): void {
  observed.clear();
}
