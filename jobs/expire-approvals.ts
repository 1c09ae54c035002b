// expire-approvals: approvals past their time are expired (expiry = reject). Idempotent: only pending
// approvals change, under a conditional update.
import { expireApprovals } from '../src/engine/approvals.js';
import type { EngineDeps } from '../src/engine/deps.js';
import { expireApprovalsPayload } from '../src/queue/payloads.js';

export const name = 'expire-approvals';
export const payload = expireApprovalsPayload;
export const idempotencyKey = (): string => 'expire-approvals';

export function process(deps: EngineDeps): Promise<number> {
  return expireApprovals(deps);
}
