// send-alert: deliver one stored alert to the chats its kind is routed to (bosun.yaml alerts.routes),
// paced per chat, retrying 429s after retry_after. Each (alert, chat) is claimed in Postgres before
// posting, so a retried job never posts twice; sent_at marks the alert done. The digest carries a 30-day
// equity chart rendered here at delivery.
import { and, eq, isNull, like } from 'drizzle-orm';
import { getRun } from '../src/backtest/chat-run.js';
import type { ApprovalBoard } from '../src/chat/core/approval-board.js';
import { ALERT_ROUTE, alertSchema } from '../src/chat/core/alerts.js';
import { renderAlert, renderBacktestResult } from '../src/chat/core/alert-view.js';
import { Pacer, type Sleep } from '../src/chat/core/pacer.js';
import { digestChart } from '../src/chat/core/alert-digest-chart.js';
import type { ChatPlatform, ImageAttachment, Reply } from '../src/chat/core/reply.js';
import { saveAttachments } from '../src/chat/core/save-attachments.js';
import { SinkError, type ChatSink } from '../src/chat/core/sink.js';
import type { Db } from '../src/db/client.js';
import { alerts, idempotencyKeys } from '../src/db/schema/index.js';
import type { Clock } from '../src/domain/clock.js';
import type { BosunConfig } from '../src/platform/config.js';
import { logger } from '../src/platform/logger.js';
import { alertPayload, type PayloadOf } from '../src/queue/payloads.js';
import { PermanentJobError } from '../src/queue/workers.js';
import { RetryLater } from '../src/engine/exchange-errors.js';
import { zonedDayStart } from './digest.js';
import { sendWithRetry, showStatus } from './alert-delivery.js';

export const name = 'send-alert';
export const payload = alertPayload;
export const idempotencyKey = (p: PayloadOf<'send-alert'>): string => `send-alert:${p.alertId}`;

export interface SendAlertDeps {
  db: Db;
  clock: Clock;
  config: BosunConfig;
  sinks: ChatSink[];
  /** The alert chat per platform: TELEGRAM_ALERT_CHAT, SLACK_ALERT_CHANNEL; console needs none. */
  chats: Partial<Record<ChatPlatform, string>>;
  /** Needed for approval requests (they carry buttons and are edited later). */
  board?: ApprovalBoard;
  pacer?: Pacer;
  sleep?: Sleep;
  /** 429 retries within one attempt before handing the job back to BullMQ's backoff. */
  rateLimitRetries?: number;
  /** Where charts for the console (backtest results, the digest's equity) are saved (BOSUN_DATA_DIR/charts). */
  chartDir?: string;
}

export interface SendAlertResult {
  status: 'sent' | 'already-sent' | 'missing';
  delivered: string[];
  skipped: string[];
  failed: string[];
}

/** The job handler. Pass one long-lived Pacer in deps so pacing holds across jobs. */
export function process(deps: SendAlertDeps, p: PayloadOf<'send-alert'>): Promise<SendAlertResult> {
  return deliverAlert({ ...deps, pacer: deps.pacer ?? new Pacer(deps.clock, deps.sleep) }, p.alertId);
}

/** The processor's body, callable directly (tests, the demo's in-process queue). */
export async function deliverAlert(
  deps: SendAlertDeps & { pacer: Pacer },
  alertId: number,
): Promise<SendAlertResult> {
  const [row] = await deps.db.select().from(alerts).where(eq(alerts.id, alertId));
  const result: SendAlertResult = { status: 'sent', delivered: [], skipped: [], failed: [] };
  if (!row) return { ...result, status: 'missing' };
  if (row.sentAt) return { ...result, status: 'already-sent' };
  const parsed = alertSchema.safeParse(row.payload);
  if (!parsed.success) throw new PermanentJobError(`alert ${alertId}: stored payload does not parse`);
  const alert = parsed.data;

  if (alert.kind === 'backtest-progress' || alert.kind === 'backtest-result') {
    // Answered in the chat that asked, from the run's current state (deliveries may run out of order).
    const run = await getRun(deps.db, alert.runId, alert.kind === 'backtest-result');
    const to = run?.request.replyTo;
    const sink = to && deps.sinks.find((s) => s.platform === to.platform);
    if (!run || !to || !sink) {
      result.skipped.push(to ? `${to.platform}:${to.chatId}` : `backtest #${alert.runId}`);
    } else if (alert.kind === 'backtest-progress') {
      const shown = await showStatus(deps, sink, run);
      result[shown ? 'delivered' : 'skipped'].push(`${to.platform}:${to.chatId}`);
    } else {
      await showStatus(deps, sink, run).catch((e: unknown) => {
        if (e instanceof RetryLater) throw e;
        // A status line that cannot be posted must not hold back the result.
        logger().warn(
          { runId: run.id, err: e instanceof Error ? e.message : String(e) },
          'status line failed',
        );
      });
      await sendClaimed(deps, alertId, [{ sink, chatId: to.chatId }], renderBacktestResult(run), result);
    }
  } else if (alert.kind === 'approval-request' || alert.kind === 'approval-decided') {
    const platforms = deps.config.alerts.routes[ALERT_ROUTE[alert.kind]];
    if (!deps.board) throw new PermanentJobError('send-alert: approval alerts need the approval board');
    if (alert.kind === 'approval-request') {
      const refs = await deps.board.post(alert.approvalId, platforms);
      result.delivered.push(...refs.map((r) => `${r.platform}:${r.chatId}`));
    } else {
      // The outcome is edited into every posted copy; no new message.
      await deps.board.refresh(alert.approvalId);
    }
  } else {
    const targets: { sink: ChatSink; chatId: string }[] = [];
    for (const platform of deps.config.alerts.routes[ALERT_ROUTE[alert.kind]]) {
      const sink = deps.sinks.find((s) => s.platform === platform);
      const chatId = platform === 'console' ? (deps.chats.console ?? 'console') : deps.chats[platform];
      if (sink && chatId) targets.push({ sink, chatId });
      else result.skipped.push(platform);
    }
    const reply = renderAlert(alert);
    const image = alert.kind === 'digest' && targets.length > 0 ? await digestImage(deps) : undefined;
    await sendClaimed(deps, alertId, targets, image ? { ...reply, image } : reply, result);
  }
  await deps.db
    .update(alerts)
    .set({ sentAt: new Date(deps.clock.now()) })
    .where(and(eq(alerts.id, alertId), isNull(alerts.sentAt)));
  return result;
}

/**
 * The digest's equity chart, drawn now from the snapshots (the queued payload stays small JSON): the 30
 * days up to the start of today in the operator's timezone, the end of the day the digest reports.
 */
async function digestImage(deps: SendAlertDeps): Promise<ImageAttachment | undefined> {
  try {
    return await digestChart(deps.db, zonedDayStart(deps.clock.now(), deps.config.alerts.timezone));
  } catch (e) {
    // The numbers matter more than the picture: send the digest without it.
    logger().warn({ err: e instanceof Error ? e.message : String(e) }, 'digest chart not drawn');
    return undefined;
  }
}

/**
 * Post `reply` to each target once: each (alert, chat) is claimed in Postgres first, and the claim is
 * released when the post is known to have failed. Throws the first transient failure after trying all.
 */
async function sendClaimed(
  deps: SendAlertDeps & { pacer: Pacer },
  alertId: number,
  targets: { sink: ChatSink; chatId: string }[],
  reply: Reply,
  result: SendAlertResult,
): Promise<void> {
  let transient: unknown;
  for (const { sink, chatId } of targets) {
    const target = `${sink.platform}:${chatId}`;
    const key = `${idempotencyKey({ alertId })}:${target}`;
    const claimed = await deps.db
      .insert(idempotencyKeys)
      .values({ key, job: name })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) {
      result.skipped.push(target);
      continue;
    }
    try {
      // A terminal cannot show a chart: it is saved under chartDir and its path printed.
      const out = sink.platform === 'console' ? await saveAttachments(reply, deps.chartDir) : reply;
      await sendWithRetry(deps, sink, chatId, out);
      await deps.db
        .update(idempotencyKeys)
        .set({ result: { delivered: true } })
        .where(eq(idempotencyKeys.key, key));
      result.delivered.push(target);
    } catch (e) {
      // Known not delivered: release the claim so a later attempt may post it.
      await deps.db.delete(idempotencyKeys).where(eq(idempotencyKeys.key, key));
      if (e instanceof SinkError && e.permanent) {
        logger().warn({ alertId, target, err: e.message }, 'alert not deliverable to this chat');
        result.failed.push(target);
      } else {
        transient ??= e;
      }
    }
  }
  if (transient !== undefined) {
    throw transient instanceof Error ? transient : new Error(String(transient));
  }
}

/** Alert deliveries recorded for one alert (for tests and `doctor`). */
export async function deliveriesOf(db: Db, alertId: number): Promise<string[]> {
  const rows = await db
    .select({ key: idempotencyKeys.key })
    .from(idempotencyKeys)
    .where(like(idempotencyKeys.key, `${idempotencyKey({ alertId })}:%`));
  return rows.map((r) => r.key.slice(idempotencyKey({ alertId }).length + 1));
}
