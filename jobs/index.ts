// The engine's job handlers by job name, and the schedules the scheduler role owns.
import type { EngineDeps } from '../src/engine/deps.js';
import { QUEUES, type QueueName } from '../src/queue/names.js';
import type { JobName, PayloadOf } from '../src/queue/payloads.js';
import type { HandlerMap } from '../src/queue/workers.js';
import * as expire from './expire-approvals.js';
import * as reconcileJob from './reconcile.js';
import * as snapshot from './snapshot-equity.js';
import * as submit from './submit-order.js';
import * as tick from './tick.js';

export function engineHandlers(deps: EngineDeps): HandlerMap {
  return {
    tick: (d) => tick.process(deps, d as PayloadOf<'tick'>),
    'submit-order': (d) => submit.process(deps, d as PayloadOf<'submit-order'>),
    reconcile: (d) => reconcileJob.process(deps, d as PayloadOf<'reconcile'>),
    'expire-approvals': () => expire.process(deps),
    'snapshot-equity': () => snapshot.process(deps),
  };
}

/** Which queue each job runs on. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  decide: QUEUES.decisions,
  'desk-sweep': QUEUES.decisions,
  tick: QUEUES.ticks,
  'submit-order': QUEUES.orders,
  'cancel-order': QUEUES.orders,
  reconcile: QUEUES.reconcile,
  'send-alert': QUEUES.alerts,
  'run-backtest': QUEUES.backtests,
  'backtest-sweep': QUEUES.backtests,
  'expire-approvals': QUEUES.reconcile,
  'snapshot-equity': QUEUES.reconcile,
  'send-digest': QUEUES.reconcile,
  heartbeat: QUEUES.reconcile,
};

/** Repeating jobs (besides one tick fallback per strategy instance). */
export const SCHEDULES: { id: string; job: JobName; everyMs: number; data: Record<string, unknown> }[] = [
  { id: 'reconcile-every-minute', job: 'reconcile', everyMs: 60_000, data: { reason: 'schedule' } },
  { id: 'expire-approvals', job: 'expire-approvals', everyMs: 5_000, data: {} },
  { id: 'snapshot-equity', job: 'snapshot-equity', everyMs: 60_000, data: {} },
];
