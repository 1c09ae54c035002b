// Typed notifications (freqtrade's RPCMessageType, as a zod discriminated union): raised anywhere with
// raiseAlert(), stored in `alerts` (dedupe_key folds repeats), delivered by the send-alert job.
import type { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { alerts } from '../../db/schema/index.js';
import { enqueue, jobId } from '../../queue/enqueue.js';

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/);

export const alertSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('fill'),
    symbol: z.string(),
    side: z.string(),
    qty: decimalString,
    price: decimalString,
    fee: decimalString.optional(),
    feeCurrency: z.string().default('USDT'),
    intentId: z.number().int().nullable().optional(),
    orderLinkId: z.string().optional(),
    strategy: z.string().optional(),
    /** False for a partial fill. */
    complete: z.boolean().default(true),
  }),
  z.object({
    kind: z.literal('risk-denial'),
    intentId: z.number().int(),
    symbol: z.string(),
    side: z.string().optional(),
    reasons: z.array(z.object({ check: z.string(), reason: z.string() })),
    strategy: z.string().optional(),
  }),
  /** A portfolio limit tripped (drawdown breaker, daily loss); `action` says what bosun did about it. */
  z.object({ kind: z.literal('risk-breach'), message: z.string(), action: z.string() }),
  z.object({
    kind: z.literal('kill-switch'),
    /** HALTED when the switch was thrown, ACTIVE when an admin resumed. */
    state: z.string().default('HALTED'),
    by: z.string(),
    reason: z.string(),
    cancelledOrders: z.number().int().optional(),
    closingPositions: z.array(z.string()).optional(),
  }),
  z.object({
    kind: z.literal('reconnect'),
    stream: z.string(),
    detail: z.string().optional(),
    downtimeMs: z.number().int().nonnegative().optional(),
  }),
  z.object({ kind: z.literal('reconciliation-drift'), details: z.array(z.string()).min(1) }),
  z.object({
    kind: z.literal('job-failure'),
    job: z.string(),
    error: z.string(),
    attempts: z.number().int().optional(),
  }),
  z.object({
    kind: z.literal('order-failed'),
    intentId: z.number().int(),
    symbol: z.string(),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal('approval-request'),
    approvalId: z.number().int().positive(),
    intentId: z.number().int().optional(),
  }),
  /** Approved, rejected or expired: every posted copy of the request is edited, nothing new is sent. */
  z.object({
    kind: z.literal('approval-decided'),
    approvalId: z.number().int().positive(),
    outcome: z.enum(['approved', 'rejected', 'expired']),
    by: z.string(),
  }),
  z.object({
    kind: z.literal('digest'),
    day: z.string(),
    equity: decimalString,
    pnl: decimalString,
    trades: z.number().int(),
    openPositions: z.number().int(),
    pendingApprovals: z.number().int().default(0),
  }),
  z.object({ kind: z.literal('heartbeat'), message: z.string(), lastTickAgoMs: z.number().int().optional() }),
  /** A chat backtest moved on: the asker's status line is posted, or edited to the run's current state. */
  z.object({ kind: z.literal('backtest-progress'), runId: z.number().int().positive(), stage: z.string() }),
  /** A chat backtest finished (done or failed): its stats and chart, or the reason, go to the asker. */
  z.object({ kind: z.literal('backtest-result'), runId: z.number().int().positive() }),
]);

export type Alert = z.input<typeof alertSchema>;
export type ParsedAlert = z.output<typeof alertSchema>;
export type AlertKind = Alert['kind'];
/** Kinds answered in the chat that asked (stored on the run), not routed by bosun.yaml. */
export const ASKER_ALERT_KINDS = ['backtest-progress', 'backtest-result'] as const;
export type AskerAlertKind = (typeof ASKER_ALERT_KINDS)[number];
export type RoutedAlertKind = Exclude<AlertKind, AskerAlertKind>;

/** bosun.yaml alerts.routes key for each routed kind. */
export const ALERT_ROUTE = {
  fill: 'fills',
  'risk-denial': 'risk',
  'risk-breach': 'risk',
  'kill-switch': 'risk',
  reconnect: 'system',
  'reconciliation-drift': 'system',
  'job-failure': 'system',
  'order-failed': 'risk',
  'approval-request': 'approvals',
  'approval-decided': 'approvals',
  digest: 'digest',
  heartbeat: 'system',
} as const satisfies Record<RoutedAlertKind, string>;
export type AlertRoute = (typeof ALERT_ROUTE)[RoutedAlertKind];

const SEVERITY: Record<AlertKind, 'info' | 'warn' | 'critical'> = {
  fill: 'info',
  'risk-denial': 'warn',
  'risk-breach': 'critical',
  'kill-switch': 'critical',
  reconnect: 'warn',
  'reconciliation-drift': 'critical',
  'job-failure': 'warn',
  'order-failed': 'warn',
  'approval-request': 'warn',
  'approval-decided': 'info',
  digest: 'info',
  heartbeat: 'warn',
  'backtest-progress': 'info',
  'backtest-result': 'info',
};

/**
 * A strategy denied for the same reasons on the same symbol asks again every bar (a loss cool-down
 * lasts an hour): operators hear of it once per window, and every denial is still stored with its intent.
 */
export const DENIAL_REPEAT_WINDOW_MS = 15 * 60_000;

function defaultDedupeKey(a: Alert, now: number): string | undefined {
  if (a.kind === 'risk-denial') {
    const checks = [...new Set(a.reasons.map((r) => r.check))].sort().join(',');
    return `risk-denial:${a.symbol}:${a.side ?? ''}:${checks}:${Math.floor(now / DENIAL_REPEAT_WINDOW_MS)}`;
  }
  // Approval requests are raised by whoever notices first (engine, chat); one message per approval.
  if (a.kind === 'approval-request') return `approval-request:${a.approvalId}`;
  if (a.kind === 'approval-decided') return `approval-decided:${a.approvalId}`;
  if (a.kind === 'digest') return `digest:${a.day}`;
  // Repeats of one stage (a retried job) and of the result add nothing.
  if (a.kind === 'backtest-progress') return `backtest-progress:${a.runId}:${a.stage}`;
  if (a.kind === 'backtest-result') return `backtest-result:${a.runId}`;
  return undefined;
}

function titleOf(a: Alert): string {
  switch (a.kind) {
    case 'fill':
      return `Fill ${a.side} ${a.qty} ${a.symbol} @ ${a.price}`;
    case 'risk-denial':
      return `Risk denied ${a.side ?? ''} ${a.symbol}`.replace('  ', ' ');
    case 'risk-breach':
      return `Risk limit breached: ${a.message}`.slice(0, 200);
    case 'kill-switch':
      return a.state === 'ACTIVE' ? `Trading resumed by ${a.by}` : `Kill switch by ${a.by}`;
    case 'reconnect':
      return `Reconnected ${a.stream}`;
    case 'reconciliation-drift':
      return 'Reconciliation drift';
    case 'job-failure':
      return `Job failed: ${a.job}`;
    case 'order-failed':
      return `Order failed: ${a.symbol}`;
    case 'approval-request':
      return `Approval #${a.approvalId} requested`;
    case 'approval-decided':
      return `Approval #${a.approvalId} ${a.outcome}`;
    case 'digest':
      return `Daily digest ${a.day}`;
    case 'heartbeat':
      return 'Heartbeat';
    case 'backtest-progress':
      return `Backtest #${a.runId} ${a.stage}`;
    case 'backtest-result':
      return `Backtest #${a.runId} finished`;
  }
}

export interface RaisedAlert {
  id: number;
  /** True when an alert with the same dedupe key already existed: nothing new is sent. */
  duplicate: boolean;
}

/** Store the alert and enqueue its delivery. A repeated dedupe key is folded into the first alert. */
export async function raiseAlert(
  db: Db,
  queue: Queue,
  alert: Alert,
  opts: { dedupeKey?: string; now?: number } = {},
): Promise<RaisedAlert> {
  const a = alertSchema.parse(alert);
  const dedupeKey = opts.dedupeKey ?? defaultDedupeKey(alert, opts.now ?? Date.now()) ?? null;
  const inserted = await db
    .insert(alerts)
    .values({ kind: a.kind, severity: SEVERITY[a.kind], title: titleOf(alert), dedupeKey, payload: a })
    .onConflictDoNothing({ target: alerts.dedupeKey })
    .returning({ id: alerts.id });
  const row = inserted[0];
  if (!row) {
    const [existing] = await db
      .select({ id: alerts.id })
      .from(alerts)
      .where(eq(alerts.dedupeKey, dedupeKey ?? ''));
    return { id: existing?.id ?? 0, duplicate: true };
  }
  await enqueue(queue, 'send-alert', { alertId: row.id }, { jobId: jobId('alert', row.id) });
  return { id: row.id, duplicate: false };
}
