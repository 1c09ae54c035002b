// Queue names: one queue per kind of work so workers can be scaled per role (`--queues ticks,orders`).
export const QUEUES = {
  /** The account's desk: one decision at a time across every worker (BullMQ global concurrency 1). */
  decisions: 'decisions',
  ticks: 'ticks',
  orders: 'orders',
  reconcile: 'reconcile',
  alerts: 'alerts',
  backtests: 'backtests',
  reports: 'reports',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

export function isQueueName(s: string): s is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(s);
}

/** BullMQ key prefix; tests use their own so parallel files never share keys. */
export const DEFAULT_PREFIX = 'bosun';
