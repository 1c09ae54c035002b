// Pending chat confirmations in Postgres, shared by every gateway process. Taking one is a single
// DELETE … RETURNING, so of two processes pressed at once exactly one gets the row.
import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../client.js';
import { chatConfirmations } from '../schema/index.js';

export interface PendingConfirmation {
  code: string;
  userKey: string;
  command: string;
  args: string[];
  expiresAt: number;
}

/** Stores the row unless its code is taken (live or kept-expired); false then, so the caller draws again. */
export async function insertConfirmation(db: Db, p: PendingConfirmation): Promise<boolean> {
  const rows = await db
    .insert(chatConfirmations)
    .values(p)
    .onConflictDoNothing()
    .returning({ code: chatConfirmations.code });
  return rows.length === 1;
}

/**
 * Removes and returns the asker's row for this code, expired or not (the caller judges expiry by its
 * clock); 'not-yours' when the code belongs to someone else (their row is left alone), null when unknown.
 */
export async function takeConfirmation(
  db: Db,
  code: string,
  userKey: string,
): Promise<PendingConfirmation | 'not-yours' | null> {
  const [row] = await db
    .delete(chatConfirmations)
    .where(and(eq(chatConfirmations.code, code), eq(chatConfirmations.userKey, userKey)))
    .returning();
  if (row) return row;
  const [other] = await db
    .select({ code: chatConfirmations.code })
    .from(chatConfirmations)
    .where(eq(chatConfirmations.code, code));
  return other ? 'not-yours' : null;
}

/** True when the asker's row was there and is now gone. */
export async function cancelConfirmation(db: Db, code: string, userKey: string): Promise<boolean> {
  const rows = await db
    .delete(chatConfirmations)
    .where(and(eq(chatConfirmations.code, code), eq(chatConfirmations.userKey, userKey)))
    .returning({ code: chatConfirmations.code });
  return rows.length === 1;
}

/** Deletes rows that expired before `before` (epoch ms). */
export async function pruneConfirmations(db: Db, before: number): Promise<number> {
  const rows = await db
    .delete(chatConfirmations)
    .where(lt(chatConfirmations.expiresAt, before))
    .returning({ code: chatConfirmations.code });
  return rows.length;
}
