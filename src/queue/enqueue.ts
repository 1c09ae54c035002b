// Typed enqueue: validates the payload against its schema and derives a BullMQ-safe job id.
// The job id only deduplicates while the job exists; the real idempotency key lives in Postgres.
import type { JobsOptions, Queue } from 'bullmq';
import { PAYLOADS, type JobName, type PayloadOf } from './payloads.js';

/** BullMQ job ids must not contain ':'; keep them readable. */
export function jobId(...parts: (string | number)[]): string {
  return parts.map((p) => String(p).replace(/[^A-Za-z0-9_.-]/g, '_')).join('-');
}

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
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
    ...opts,
  });
  return job.id ?? '';
}
