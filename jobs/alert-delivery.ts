// Posting with the platform's rate limits respected (pacing, 429 retry_after), and a backtest's status
// line: posted once (claimed in Postgres) and edited as the run moves on.
import { eq } from 'drizzle-orm';
import { getRun, setStatusMessage, type ChatRun } from '../src/backtest/chat-run.js';
import { renderBacktestStatus } from '../src/chat/core/alert-view.js';
import { realSleep, type Pacer, type Sleep } from '../src/chat/core/pacer.js';
import type { MessageRef, Reply } from '../src/chat/core/reply.js';
import { SinkError, type ChatSink } from '../src/chat/core/sink.js';
import type { Db } from '../src/db/client.js';
import { idempotencyKeys } from '../src/db/schema/index.js';
import { RetryLater } from '../src/engine/exchange-errors.js';
import { logger } from '../src/platform/logger.js';

const MAX_RETRY_AFTER_MS = 60_000;
/** The job that claims status lines (their idempotency keys name it). */
const JOB = 'send-alert';

export interface DeliveryDeps {
  db: Db;
  pacer: Pacer;
  sleep?: Sleep;
  /** 429 retries within one attempt before handing the job back to BullMQ's backoff. */
  rateLimitRetries?: number;
}

export async function sendWithRetry(
  deps: DeliveryDeps,
  sink: ChatSink,
  chatId: string,
  reply: Reply,
): Promise<MessageRef> {
  const retries = deps.rateLimitRetries ?? 3;
  const sleep = deps.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    await deps.pacer.wait(sink.platform, chatId);
    try {
      return await sink.send(chatId, reply);
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

/**
 * A backtest's status line: posted once (claimed in Postgres, so two deliveries never both post it), then
 * edited to the run's state. A delivery that finds the line being posted by another retries shortly.
 */
export async function showStatus(deps: DeliveryDeps, sink: ChatSink, run: ChatRun): Promise<boolean> {
  const to = run.request.replyTo;
  // A terminal cannot edit what it printed: there the result alone is shown.
  if (!to || to.platform === 'console') return false;
  const posted = run.request.statusMessage;
  if (posted) {
    await editStatus(deps, sink, posted, run);
    return true;
  }
  const key = `backtest-status:${run.id}`;
  const claimed = await deps.db
    .insert(idempotencyKeys)
    .values({ key, job: JOB })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (claimed.length === 0) throw new RetryLater(`backtest #${run.id}: its status line is being posted`);
  let ref: MessageRef;
  try {
    ref = await sendWithRetry(deps, sink, to.chatId, renderBacktestStatus(run));
  } catch (e) {
    await deps.db.delete(idempotencyKeys).where(eq(idempotencyKeys.key, key));
    throw e;
  }
  await setStatusMessage(deps.db, run.id, ref);
  // The run may have moved on while the line was posted; a later delivery saw no line to edit.
  const now = await getRun(deps.db, run.id);
  if (now && (now.status !== run.status || now.request.progress?.stage !== run.request.progress?.stage)) {
    await editStatus(deps, sink, ref, now);
  }
  return true;
}

async function editStatus(deps: DeliveryDeps, sink: ChatSink, ref: MessageRef, run: ChatRun): Promise<void> {
  await deps.pacer.wait(sink.platform, ref.chatId);
  try {
    await sink.edit(ref, renderBacktestStatus(run));
  } catch (e) {
    // Only the status line is stale; the result is still delivered on its own.
    logger().warn(
      { runId: run.id, err: e instanceof Error ? e.message : String(e) },
      'status line not edited',
    );
  }
}
