// Approvals and their votes. One approval per intent; one vote per (approval, platform, user).
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Decimal } from '../../domain/decimal.js';
import type { Db } from '../client.js';
import { approvals, approvalVotes, intents } from '../schema/index.js';

export type ApprovalRow = typeof approvals.$inferSelect;
export type ApprovalVoteRow = typeof approvalVotes.$inferSelect;
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

export async function createApproval(
  tx: Db,
  v: { intentId: number; requiredVotes: number; refPrice: Decimal | null; expiresAt: Date },
): Promise<ApprovalRow> {
  const [r] = await tx.insert(approvals).values(v).returning();
  if (!r) throw new Error('approval insert returned nothing');
  return r;
}

export async function getApproval(db: Db, id: number): Promise<ApprovalRow | null> {
  const [r] = await db.select().from(approvals).where(eq(approvals.id, id));
  return r ?? null;
}

export async function lockApproval(tx: Db, id: number): Promise<ApprovalRow | null> {
  const [r] = await tx.select().from(approvals).where(eq(approvals.id, id)).for('update');
  return r ?? null;
}

export async function approvalForIntent(db: Db, intentId: number): Promise<ApprovalRow | null> {
  const [r] = await db.select().from(approvals).where(eq(approvals.intentId, intentId));
  return r ?? null;
}

/** False when this voter already voted on this approval. */
export async function insertVote(
  tx: Db,
  v: { approvalId: number; platform: string; userId: string; vote: 'approve' | 'reject' },
): Promise<boolean> {
  const rows = await tx
    .insert(approvalVotes)
    .values(v)
    .onConflictDoNothing()
    .returning({ id: approvalVotes.id });
  return rows.length === 1;
}

export async function votesFor(db: Db, approvalId: number): Promise<ApprovalVoteRow[]> {
  return db
    .select()
    .from(approvalVotes)
    .where(eq(approvalVotes.approvalId, approvalId))
    .orderBy(asc(approvalVotes.id));
}

export async function decideApproval(
  tx: Db,
  id: number,
  status: Exclude<ApprovalStatus, 'pending'>,
  by: string | null,
): Promise<boolean> {
  const rows = await tx
    .update(approvals)
    .set({ status, decidedAt: sql`now()`, decidedBy: by })
    .where(and(eq(approvals.id, id), eq(approvals.status, 'pending')))
    .returning({ id: approvals.id });
  return rows.length === 1;
}

/** Mark every pending approval past its expiry as expired; returns them. */
export async function expireDue(tx: Db, now: Date): Promise<ApprovalRow[]> {
  return tx
    .update(approvals)
    .set({ status: 'expired', decidedAt: sql`now()`, decidedBy: 'expiry' })
    .where(and(eq(approvals.status, 'pending'), sql`${approvals.expiresAt} <= ${now.toISOString()}`))
    .returning();
}

export async function pendingApprovals(db: Db): Promise<ApprovalRow[]> {
  return db.select().from(approvals).where(eq(approvals.status, 'pending')).orderBy(asc(approvals.id));
}

/** Remember where the buttons were posted, so every copy can be edited with the outcome. */
export async function addApprovalMessage(
  db: Db,
  id: number,
  m: { platform: string; chatId: string; messageId: string },
): Promise<void> {
  await db
    .update(approvals)
    .set({ messages: sql`${approvals.messages} || ${JSON.stringify([m])}::jsonb` })
    .where(eq(approvals.id, id));
}

/** An instance's entries still waiting for approval, their approval rows locked. */
export async function lockWaitingOfInstance(
  tx: Db,
  instanceId: string,
): Promise<{ approvalId: number; intentId: number; side: string; qty: Decimal | null }[]> {
  return tx
    .select({ approvalId: approvals.id, intentId: intents.id, side: intents.side, qty: intents.qty })
    .from(approvals)
    .innerJoin(intents, eq(intents.id, approvals.intentId))
    .where(
      and(
        eq(intents.strategyInstanceId, instanceId),
        eq(intents.status, 'awaiting-approval'),
        eq(approvals.status, 'pending'),
      ),
    )
    .orderBy(asc(approvals.id))
    .for('update');
}
