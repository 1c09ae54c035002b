// Tick leases: while a tick acts on a strategy instance no other tick of it may, so each decides on a
// position that includes the orders the one before it sent. Unlogged (no WAL flush on the tick's path).
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { tickLeases } from '../schema/index.js';

/** How long a lease holds if its tick never gives it back (the worker died mid-tick). */
export const TICK_LEASE_SECONDS = 30;

/** Take the instance for one tick as `holder`; false while another tick holds it. */
export async function takeTickLease(db: Db, instanceId: string, holder: string): Promise<boolean> {
  const until = sql`now() + make_interval(secs => ${TICK_LEASE_SECONDS})`;
  const rows = await db
    .insert(tickLeases)
    .values({ instanceId, holder, until })
    .onConflictDoUpdate({
      target: tickLeases.instanceId,
      set: { holder, until },
      setWhere: sql`${tickLeases.until} < now()`,
    })
    .returning({ id: tickLeases.instanceId });
  return rows.length === 1;
}

/** Give the lease back (only the holder can). */
export async function releaseTickLease(db: Db, instanceId: string, holder: string): Promise<void> {
  await db
    .delete(tickLeases)
    .where(and(eq(tickLeases.instanceId, instanceId), eq(tickLeases.holder, holder)));
}
