// Idempotency keys: a job claims its key in the same transaction as its effect, so a retried or
// duplicated job finds the key taken and does nothing.
import { eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { idempotencyKeys } from '../schema/index.js';

/** True when this call claimed the key; false when it was already done. */
export async function claimKey(
  tx: Db,
  key: string,
  job: string,
  result: Record<string, unknown> = {},
): Promise<boolean> {
  const rows = await tx
    .insert(idempotencyKeys)
    .values({ key, job, result })
    .onConflictDoNothing()
    .returning();
  return rows.length === 1;
}

export async function keyResult(db: Db, key: string): Promise<Record<string, unknown> | null> {
  const [row] = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
  return row?.result ?? null;
}

/** The key a submit claims when it writes an order: one order per orderLinkId, whoever sends it. */
export const submitOrderKey = (orderLinkId: string): string => `submit-order:${orderLinkId}`;
