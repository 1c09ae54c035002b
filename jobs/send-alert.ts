// send-alert: deliver one stored alert to the chats its kind is routed to (bosun.yaml alerts.routes),
// paced per chat, retrying 429s after retry_after. Each (alert, chat) is claimed in Postgres before
// posting, so a retried job never posts twice; sent_at marks the alert done.
import { and, eq, isNull, like } from 'drizzle-orm';
import type { ApprovalBoard } from '../src/chat/core/approval-board.js';
import { ALERT_ROUTE, alertSchema } from '../src/chat/core/alerts.js';
import { renderAlert } from '../src/chat/core/alert-view.js';
import { Pacer, realSleep, type Sleep } from '../src/chat/core/pacer.js';
import type { ChatPlatform } from '../src/chat/core/reply.js';
import { SinkError, type ChatSink } from '../src/chat/core/sink.js';
import type { Db } from '../src/db/client.js';
import { alerts, idempotencyKeys } from '../src/db/schema/index.js';
import type { Clock } from '../src/domain/clock.js';
import type { BosunConfig } from '../src/platform/config.js';
import { logger } from '../src/platform/logger.js';
import { alertPayload, type PayloadOf } from '../src/queue/payloads.js';
import { PermanentJobError } from '../src/queue/workers.js';

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
}

export interface SendAlertResult {
  status: 'sent' | 'already-sent' | 'missing';
  delivered: string[];
  skipped: string[];
  failed: string[];
}

const MAX_RETRY_AFTER_MS = 60_000;

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
  const platforms = deps.config.alerts.routes[ALERT_ROUTE[alert.kind]];

  if (alert.kind === 'approval-request' || alert.kind === 'approval-decided') {
    if (!deps.board) throw new PermanentJobError('send-alert: approval alerts need the approval board');
    if (alert.kind === 'approval-request') {
      const refs = await deps.board.post(alert.approvalId, platforms);
      result.delivered.push(...refs.map((r) => `${r.platform}:${r.chatId}`));
    } else {
      // The outcome is edited into every posted copy; no new message.
      await deps.board.refresh(alert.approvalId);
    }
  } else {
    const reply = renderAlert(alert);
    let transient: unknown;
    for (const platform of platforms) {
      const sink = deps.sinks.find((s) => s.platform === platform);
      const chatId = platform === 'console' ? (deps.chats.console ?? 'console') : deps.chats[platform];
      if (!sink || !chatId) {
        result.skipped.push(platform);
        continue;
      }
      const target = `${platform}:${chatId}`;
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
        await sendWithRetry(deps, sink, chatId, reply);
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
  await deps.db
    .update(alerts)
    .set({ sentAt: new Date(deps.clock.now()) })
    .where(and(eq(alerts.id, alertId), isNull(alerts.sentAt)));
  return result;
}

async function sendWithRetry(
  deps: SendAlertDeps & { pacer: Pacer },
  sink: ChatSink,
  chatId: string,
  reply: ReturnType<typeof renderAlert>,
): Promise<void> {
  const retries = deps.rateLimitRetries ?? 3;
  const sleep = deps.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    await deps.pacer.wait(sink.platform, chatId);
    try {
      await sink.send(chatId, reply);
      return;
    } catch (e) {
      const after = e instanceof SinkError ? e.retryAfterMs : undefined;
      if (after === undefined || attempt >= retries) throw e;
      const wait = Math.min(after, MAX_RETRY_AFTER_MS);
      deps.pacer.backoff(sink.platform, chatId, wait);
      logger().info({ platform: sink.platform, waitMs: wait }, 'rate limited by the platform; waiting');
      await sleep(wait);
    }
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
