// Votes on the desk's approvals: one vote per person, the requester never approves their own trade, the
// quorum decides. The approval row is decided here under its lock; the intent moves in the kernel, by the
// operator event this returns (so the desk stays the only writer of intents).
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { decideApproval, expireDue, insertVote, lockApproval, votesFor } from '../../db/repos/approvals.js';
import { intents } from '../../db/schema/index.js';
import { actorKey } from '../approvals.js';
import type { Actor, VoteOutcome } from '../services.js';
import type { OperatorWire } from './events.js';

export { actorKey };

export interface DeskVote {
  readonly outcome: VoteOutcome;
  /** What the kernel must hear: the votes reached, rejected, or expired. */
  readonly command: OperatorWire | null;
  readonly decided?: { outcome: 'approved' | 'rejected' | 'expired'; intentId: number; by: string };
}

export async function castDeskVote(
  db: Db,
  approvalId: number,
  actor: Actor,
  vote: 'approve' | 'reject',
  now: number,
): Promise<DeskVote> {
  const voter = actorKey(actor);
  return db.transaction(async (tx): Promise<DeskVote> => {
    const ap = await lockApproval(tx, approvalId);
    if (!ap) return { outcome: { kind: 'not-found', approvalId }, command: null };
    if (ap.status !== 'pending')
      return {
        outcome: { kind: 'ignored', approvalId, reason: `this approval is already ${ap.status}` },
        command: null,
      };
    const [intent] = await tx
      .select({ ref: intents.ref, requestedBy: intents.requestedBy })
      .from(intents)
      .where(eq(intents.id, ap.intentId));
    if (!intent) return { outcome: { kind: 'not-found', approvalId }, command: null };
    if (now >= ap.expiresAt.getTime()) {
      await decideApproval(tx, ap.id, 'expired', 'expiry');
      return {
        outcome: {
          kind: 'ignored',
          approvalId,
          reason: 'this approval has expired; the trade was not placed',
        },
        command: { kind: 'expire', intentRef: intent.ref, by: 'expiry' },
        decided: { outcome: 'expired', intentId: ap.intentId, by: 'expiry' },
      };
    }
    if (intent.requestedBy === voter && vote === 'approve')
      return {
        outcome: {
          kind: 'ignored',
          approvalId,
          reason: 'you requested this trade; another approver must approve it',
        },
        command: null,
      };
    if (!(await insertVote(tx, { approvalId, platform: actor.platform, userId: actor.userId, vote })))
      return {
        outcome: { kind: 'ignored', approvalId, reason: 'you already voted on this approval' },
        command: null,
      };
    if (vote === 'reject') {
      await decideApproval(tx, ap.id, 'rejected', voter);
      return {
        outcome: { kind: 'rejected', approvalId, intentId: ap.intentId, by: voter },
        command: { kind: 'vote', intentRef: intent.ref, approve: false, by: voter },
        decided: { outcome: 'rejected', intentId: ap.intentId, by: voter },
      };
    }
    const approvers = (await votesFor(tx, ap.id)).filter((v) => v.vote === 'approve');
    if (approvers.length < ap.requiredVotes)
      return {
        outcome: { kind: 'recorded', approvalId, votes: approvers.length, votesNeeded: ap.requiredVotes },
        command: null,
      };
    const voters = approvers.map((v) => `${v.platform}:${v.userId}`);
    await decideApproval(tx, ap.id, 'approved', voters.join(', '));
    return {
      outcome: { kind: 'approved', approvalId, intentId: ap.intentId, voters },
      command: { kind: 'vote', intentRef: intent.ref, approve: true, by: voters.join(', ') },
      decided: { outcome: 'approved', intentId: ap.intentId, by: voters.join(', ') },
    };
  });
}

/** Approvals past their time, decided expired here; the kernel hears an `expire` for each intent. */
export async function expireDueApprovals(
  db: Db,
  now: number,
): Promise<{ approvalId: number; intentId: number; command: OperatorWire }[]> {
  return db.transaction(async (tx) => {
    const due = await expireDue(tx, new Date(now));
    if (due.length === 0) return [];
    const refs = await tx
      .select({ id: intents.id, ref: intents.ref })
      .from(intents)
      .where(
        inArray(
          intents.id,
          due.map((d) => d.intentId),
        ),
      );
    const refOf = new Map(refs.map((r) => [r.id, r.ref]));
    return due.flatMap((d) => {
      const ref = refOf.get(d.intentId);
      return ref
        ? [
            {
              approvalId: d.id,
              intentId: d.intentId,
              command: { kind: 'expire' as const, intentRef: ref, by: 'expiry' },
            },
          ]
        : [];
    });
  });
}
