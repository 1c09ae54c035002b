// Typed enqueue: validates the payload against its schema and derives a BullMQ-safe job id.
// The job id only deduplicates while the job exists; the real idempotency key lives in Postgres.
import type { JobsOptions, Queue, RepeatOptions } from 'bullmq';
import { PAYLOADS, type JobName, type PayloadOf } from './payloads.js';

/** BullMQ job ids must not contain ':'; keep them readable. */
export function jobId(...parts: (string | number)[]): string {
  return parts.map((p) => String(p).replace(/[^A-Za-z0-9_.-]/g, '_')).join('-');
}

/**
 * How long finished jobs stay in Redis (for `bosun status`, debugging and BullMQ's own deduplication):
 * an hour (at most 1,000) when done, a week when failed. Without it BullMQ keeps every finished job, and
 * the schedulers alone (a tick per instance per interval, approvals every 5 s) grow Redis without bound.
 */
export const KEEP_FINISHED = {
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const satisfies JobsOptions;

export async function enqueue<N extends JobName>(
  queue: Queue,
  name: N,
  payload: PayloadOf<N>,
  opts: JobsOptions = {},
): Promise<string> {
  const data = PAYLOADS[name].parse(payload);
  const job = await queue.add(name, data, {
    attempts: 8,
    backoff: { type: 'exponential', delay: 500 },
    ...KEEP_FINISHED,
    ...opts,
  });
  return job.id ?? '';
}

/**
 * A repeating job, its payload checked against the job's schema as enqueue does, whose runs are kept only
 * as long as KEEP_FINISHED says. Upserting again with the same id changes the schedule in place.
 */
export async function schedule(
  queue: Queue,
  schedulerId: string,
  repeat: RepeatOptions,
  name: JobName,
  payload: unknown,
): Promise<void> {
  const data = PAYLOADS[name].parse(payload);
  await queue.upsertJobScheduler(schedulerId, repeat, { name, data, opts: KEEP_FINISHED });
}
