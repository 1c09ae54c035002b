// The approval policy (auto / manual / threshold with quorum) and the approval state machine:
// pending → approved | rejected | expired, single-use, one vote per person, expiry = reject.
import {
  decideApproval,
  expireDue,
  getApproval,
  insertVote,
  lockApproval,
  lockWaitingOfInstance,
  votesFor,
} from '../db/repos/approvals.js';
import { getIntent, lockIntent, transitionIntent } from '../db/repos/intents.js';
import { ZERO, type Decimal } from '../domain/decimal.js';
import { repriceIfMoved } from './reprice.js';
import type { EngineDeps } from './deps.js';
import { metrics } from '../platform/metrics.js';
import type { Actor, VoteOutcome } from './services.js';

export function actorKey(a: Actor): string {
  return `${a.platform}:${a.userId}`;
}

type VoteEffect = {
  outcome: VoteOutcome;
  submit: boolean;
  decided?: { outcome: 'approved' | 'rejected' | 'expired'; intentId: number; by: string };
};

/**
 * Record one vote. Runs in one transaction with the approval row locked, so two simultaneous
 * presses cannot both be the deciding one.
 */
export async function castVote(
  deps: EngineDeps,
  approvalId: number,
  actor: Actor,
  vote: 'approve' | 'reject',
): Promise<VoteOutcome> {
  const now = deps.clock.now();
  const voter = actorKey(actor);
  const effect = await deps.db.transaction(async (tx): Promise<VoteEffect> => {
    const ap = await lockApproval(tx, approvalId);
    if (!ap) return { outcome: { kind: 'not-found', approvalId }, submit: false };
    if (ap.status !== 'pending') {
      return {
        outcome: { kind: 'ignored', approvalId, reason: `this approval is already ${ap.status}` },
        submit: false,
      };
    }
    const intent = await lockIntent(tx, ap.intentId);
    if (!intent) return { outcome: { kind: 'not-found', approvalId }, submit: false };
    if (now >= ap.expiresAt.getTime()) {
      await decideApproval(tx, ap.id, 'expired', 'expiry');
      await transitionIntent(tx, intent.id, ['awaiting-approval'], 'expired', { reason: 'approval expired' });
      return {
        outcome: {
          kind: 'ignored',
          approvalId,
          reason: 'this approval has expired; the trade was not placed',
        },
        submit: false,
        decided: { outcome: 'expired', intentId: intent.id, by: 'expiry' },
      };
    }
    if (intent.requestedBy === voter && vote === 'approve') {
      return {
        outcome: {
          kind: 'ignored',
          approvalId,
          reason: 'you requested this trade; another approver must approve it',
        },
        submit: false,
      };
    }
    if (!(await insertVote(tx, { approvalId, platform: actor.platform, userId: actor.userId, vote }))) {
      return {
        outcome: { kind: 'ignored', approvalId, reason: 'you already voted on this approval' },
        submit: false,
      };
    }
    if (vote === 'reject') {
      await decideApproval(tx, ap.id, 'rejected', voter);
      await transitionIntent(tx, intent.id, ['awaiting-approval'], 'rejected', {
        reason: `rejected by ${voter}`,
      });
      return {
        outcome: { kind: 'rejected', approvalId, intentId: intent.id, by: voter },
        submit: false,
        decided: { outcome: 'rejected', intentId: intent.id, by: voter },
      };
    }
    const approvers = (await votesFor(tx, ap.id)).filter((v) => v.vote === 'approve');
    if (approvers.length < ap.requiredVotes) {
      return {
        outcome: { kind: 'recorded', approvalId, votes: approvers.length, votesNeeded: ap.requiredVotes },
        submit: false,
      };
    }
    const voters = approvers.map((v) => `${v.platform}:${v.userId}`);
    await decideApproval(tx, ap.id, 'approved', voters.join(', '));
    await transitionIntent(tx, intent.id, ['awaiting-approval'], 'approved');
    return {
      outcome: { kind: 'approved', approvalId, intentId: intent.id, voters },
      submit: true,
      decided: { outcome: 'approved', intentId: intent.id, by: voters.join(', ') },
    };
  });
  if (effect.submit && effect.outcome.kind === 'approved') {
    const intent = await getIntent(deps.db, effect.outcome.intentId);
    const ap = await getApproval(deps.db, approvalId);
    if (intent && (await repriceIfMoved(deps, intent, ap?.refPrice ?? null))) {
      await deps.enqueueSubmit(effect.outcome.intentId);
    }
  }
  if (effect.decided) {
    metrics.approval(effect.decided.outcome);
    await deps.notifier.notify({ kind: 'approval-decided', approvalId, ...effect.decided });
  }
  return effect.outcome;
}

/** Expire every approval past its time; the intents are expired with them. Returns how many. */
export async function expireApprovals(deps: EngineDeps): Promise<number> {
  const expired = await deps.db.transaction(async (tx) => {
    const rows = await expireDue(tx, new Date(deps.clock.now()));
    for (const ap of rows) {
      await transitionIntent(tx, ap.intentId, ['awaiting-approval'], 'expired', {
        reason: 'approval expired',
      });
    }
    return rows;
  });
  for (const ap of expired) {
    await deps.notifier.notify({
      kind: 'approval-decided',
      approvalId: ap.id,
      intentId: ap.intentId,
      outcome: 'expired',
      by: 'expiry',
    });
  }
  return expired.length;
}

/**
 * Withdraw a strategy instance's entries still waiting for approval: the strategy has signalled again
 * (an exit, or the other side), so approving the old entry now would trade against it. The approvals
 * expire, the operators' messages are updated, and the signed quantity withdrawn is returned.
 */
export async function withdrawWaitingEntries(
  deps: EngineDeps,
  instanceId: string,
  why: string,
): Promise<Decimal> {
  const by = `strategy:${instanceId}`;
  const withdrawn = await deps.db.transaction(async (tx) => {
    const out: { approvalId: number; intentId: number; signed: Decimal }[] = [];
    for (const w of await lockWaitingOfInstance(tx, instanceId)) {
      if (!(await decideApproval(tx, w.approvalId, 'expired', by))) continue;
      await transitionIntent(tx, w.intentId, ['awaiting-approval'], 'expired', {
        reason: `withdrawn: ${why}`,
      });
      out.push({ ...w, signed: (w.qty ?? ZERO).mul(w.side === 'Buy' ? 1 : -1) });
    }
    return out;
  });
  for (const w of withdrawn) {
    metrics.approval('expired');
    await deps.notifier.notify({
      kind: 'approval-decided',
      approvalId: w.approvalId,
      intentId: w.intentId,
      outcome: 'expired',
      by,
    });
  }
  return withdrawn.reduce((s, w) => s.plus(w.signed), ZERO);
}
