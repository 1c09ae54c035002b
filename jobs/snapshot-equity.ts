// snapshot-equity: one equity row per minute (unique timestamp), for drawdown and the equity chart.
import type { EngineDeps } from '../src/engine/deps.js';
import { recordEquity } from '../src/engine/reconcile.js';
import { snapshotEquityPayload } from '../src/queue/payloads.js';

export const name = 'snapshot-equity';
export const payload = snapshotEquityPayload;
export const idempotencyKey = (): string => 'snapshot-equity';

export function process(deps: EngineDeps): Promise<void> {
  return recordEquity(deps);
}
