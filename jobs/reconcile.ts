// reconcile: compare orders, fills and positions with the exchange and repair drift. Safe to run at any
// time and any number of times: every repair it makes is itself idempotent.
import type { EngineDeps } from '../src/engine/deps.js';
import { reconcile, type ReconcileReport } from '../src/engine/reconcile.js';
import { reconcilePayload, type PayloadOf } from '../src/queue/payloads.js';

export const name = 'reconcile';
export const payload = reconcilePayload;
export const idempotencyKey = (p: PayloadOf<'reconcile'>): string => `reconcile:${p.reason}`;

export function process(deps: EngineDeps, _p: PayloadOf<'reconcile'>): Promise<ReconcileReport> {
  return reconcile(deps);
}
