// The approval policy: which orders go straight out, which need one approver, which need a quorum.
import { Decimal } from '../domain/decimal.js';
import type { ApprovalRoute } from './types.js';

/** bosun.yaml's `approvals` block as the policy reads it (decimal strings). */
export interface ApprovalPolicyInput {
  readonly mode: 'auto' | 'manual' | 'threshold';
  readonly autoBelowNotional: string;
  readonly quorumAboveNotional: string;
  readonly quorum: number;
}

/**
 * Who must agree before an order goes out. Orders that only reduce risk (closing, the kill switch) are
 * never held back: waiting for a vote while a position runs against you is the wrong default.
 */
export function approvalRoute(
  cfg: ApprovalPolicyInput,
  notional: Decimal,
  reducesRisk: boolean,
): ApprovalRoute {
  if (reducesRisk || cfg.mode === 'auto') return { kind: 'auto' };
  const quorum = notional.gt(new Decimal(cfg.quorumAboveNotional)) ? cfg.quorum : 1;
  if (cfg.mode === 'manual') return { kind: 'ask', votes: quorum };
  if (notional.lt(new Decimal(cfg.autoBelowNotional))) return { kind: 'auto' };
  return { kind: 'ask', votes: quorum };
}
