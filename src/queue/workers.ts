// BullMQ workers over our job handlers. A handler's RetryLater means "not final yet" (BullMQ retries with
// backoff); a permanent failure becomes UnrecoverableError so BullMQ does not retry it (midday's lesson).
import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { PAYLOADS, type JobName } from './payloads.js';
import { QUEUES, type QueueName } from './names.js';
import { logger } from '../platform/logger.js';
import { observeWorker } from '../platform/metrics.js';

export type Handler = (data: unknown, job: Job) => Promise<unknown>;
export type HandlerMap = Partial<Record<JobName, Handler>>;

/** Thrown by handlers for failures no retry can fix (bad payload, unknown job). */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

export interface WorkerSet {
  workers: Worker[];
  close(): Promise<void>;
}

/** Queues whose jobs place orders: their latency is the venue's. */
const ORDER_PATH_QUEUES: readonly QueueName[] = [QUEUES.decisions, QUEUES.ticks, QUEUES.orders];

export function startWorkers(opts: {
  connection: ConnectionOptions;
  prefix: string;
  queues: readonly QueueName[];
  handlers: HandlerMap;
  concurrency?: Partial<Record<QueueName, number>>;
  onFailed?: (queue: QueueName, job: Job | undefined, err: Error) => void;
}): WorkerSet {
  const make = (q: QueueName, slots: number) => {
    const w = new Worker(
      q,
      async (job) => {
        const name = job.name as JobName;
        const handler = opts.handlers[name];
        const schema = PAYLOADS[name];
        if (!handler || !schema)
          throw new UnrecoverableError(`no handler for job "${job.name}" on queue ${q}`);
        const parsed = schema.safeParse(job.data);
        if (!parsed.success)
          throw new UnrecoverableError(`bad payload for ${job.name}: ${parsed.error.issues[0]?.message}`);
        try {
          return await handler(parsed.data, job);
        } catch (e) {
          if (e instanceof PermanentJobError) throw new UnrecoverableError(e.message);
          throw e;
        }
      },
      {
        connection: opts.connection,
        prefix: opts.prefix,
        concurrency: slots,
        autorun: true,
      },
    );
    w.on('failed', (job, err) => {
      // "Not yet" (a reversal's entry waiting for its exit, a lookup to retry) is routine, not a warning.
      const level = err.name === 'RetryLater' ? 'debug' : 'warn';
      logger()[level](
        { queue: q, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message },
        'job failed',
      );
      opts.onFailed?.(q, job, err);
    });
    w.on('error', (err) => logger().error({ queue: q, err: err.message }, 'worker error'));
    observeWorker(w);
    return w;
  };
  // On the queues whose jobs lead to an order, concurrency is that many one-slot workers: a BullMQ worker
  // with free slots asks Redis for another job (and blocks again) right after it takes one, and those round
  // trips fell on the job's own path to the venue (about 0.7 ms of a tick's 10). A one-slot worker starts
  // its job at once and takes the next one with its completion, in the same call.
  const workers = opts.queues.flatMap((q) => {
    const n = opts.concurrency?.[q] ?? 4;
    return ORDER_PATH_QUEUES.includes(q) ? Array.from({ length: n }, () => make(q, 1)) : [make(q, n)];
  });
  return {
    workers,
    // Worker.close() waits for running jobs to finish; unfinished locks expire and the jobs run again.
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

export type Queues = Record<QueueName, Queue>;

export function openQueues(
  connection: ConnectionOptions,
  prefix: string,
  names: readonly QueueName[],
): Queues {
  const out: Partial<Queues> = {};
  for (const n of names) {
    const q = new Queue(n, { connection, prefix });
    // Without a listener BullMQ prints raw connection errors; log them once per event at warn instead.
    q.on('error', (err) => logger().warn({ queue: n, err: err.message }, 'queue connection error'));
    out[n] = q;
  }
  return out as Queues;
}

export async function closeQueues(q: Partial<Queues>): Promise<void> {
  await Promise.all(Object.values(q).map((x) => x?.close()));
}
