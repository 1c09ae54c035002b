// What one desk event came to, for the caller (a chat reply, a test): the intents it touched with their
// row ids, the approvals it opened, and venue calls that failed.
import type { IntentState } from '../../kernel/kernel.js';

export interface DeskIntent {
  readonly id: number;
  readonly ref: string;
  readonly book: string;
  readonly symbol: string;
  readonly status: IntentState['status'];
  readonly reason: string;
  readonly denials: IntentState['denials'];
  readonly qty: string | null;
}

export interface DeskApproval {
  readonly intentRef: string;
  readonly approvalId: number;
  readonly votes: number;
  readonly expiresAt: number;
}

export interface DeskResult {
  /** Nothing was decided: the event was seen before (or has nothing for the kernel). */
  readonly duplicate: boolean;
  readonly intents: readonly DeskIntent[];
  readonly approvals: readonly DeskApproval[];
  readonly errors: readonly string[];
}

export const NOTHING_DECIDED: DeskResult = { duplicate: true, intents: [], approvals: [], errors: [] };

export function mergeResults(rs: readonly DeskResult[]): DeskResult {
  if (rs.length === 1 && rs[0]) return rs[0];
  return {
    duplicate: rs.every((r) => r.duplicate),
    intents: rs.flatMap((r) => r.intents),
    approvals: rs.flatMap((r) => r.approvals),
    errors: rs.flatMap((r) => r.errors),
  };
}
