// Strategy instances: bosun.yaml is the source of truth for their definition; the database keeps
// the operator's pause flag and the last candle each instance processed.
import { eq, inArray, sql } from 'drizzle-orm';
import type { StrategyInstanceConfig } from '../../platform/config.js';
import type { Db } from '../client.js';
import { strategyInstances } from '../schema/index.js';

export type StrategyInstanceRow = typeof strategyInstances.$inferSelect;

/** Insert or update every configured instance; instances no longer configured are disabled. */
export async function syncStrategyInstances(db: Db, list: readonly StrategyInstanceConfig[]): Promise<void> {
  await db.transaction(async (tx) => {
    for (const s of list) {
      const v = {
        id: s.id,
        strategy: s.strategy,
        symbol: s.symbol,
        category: s.category,
        interval: s.interval,
        params: s.params,
        sizing: s.sizing as Record<string, unknown>,
        enabled: s.enabled,
      };
      await tx
        .insert(strategyInstances)
        .values(v)
        .onConflictDoUpdate({ target: strategyInstances.id, set: { ...v, updatedAt: sql`now()` } });
    }
    const ids = list.map((s) => s.id);
    const stale = (await tx.select({ id: strategyInstances.id }).from(strategyInstances)).filter(
      (r) => !ids.includes(r.id),
    );
    if (stale.length) {
      await tx
        .update(strategyInstances)
        .set({ enabled: false })
        .where(
          inArray(
            strategyInstances.id,
            stale.map((r) => r.id),
          ),
        );
    }
  });
}

export async function listStrategyInstances(db: Db): Promise<StrategyInstanceRow[]> {
  return db.select().from(strategyInstances).orderBy(strategyInstances.id);
}

export async function getStrategyInstance(db: Db, id: string): Promise<StrategyInstanceRow | null> {
  const [r] = await db.select().from(strategyInstances).where(eq(strategyInstances.id, id));
  return r ?? null;
}

/** Pause or resume; returns the ids that changed. */
export async function setPaused(db: Db, target: string | 'all', paused: boolean): Promise<string[]> {
  const rows = await db
    .update(strategyInstances)
    .set({ paused, updatedAt: sql`now()` })
    .where(
      target === 'all'
        ? sql`${strategyInstances.paused} <> ${paused}`
        : sql`${strategyInstances.id} = ${target} and ${strategyInstances.paused} <> ${paused}`,
    )
    .returning({ id: strategyInstances.id });
  return rows.map((r) => r.id);
}

/** How long a tick may hold its instance before another may take over (a worker died mid-tick). */
export const TICK_LEASE_SECONDS = 30;

/**
 * Take the instance for one tick: null while another tick holds it (ticks of one instance never
 * overlap, so each decides on a position that includes the orders the previous one sent), else the
 * last candle processed as of now.
 */
export async function claimTick(db: Db, id: string): Promise<{ lastCandleTime: number | null } | null> {
  const rows = await db
    .update(strategyInstances)
    .set({ tickLeaseUntil: sql`now() + make_interval(secs => ${TICK_LEASE_SECONDS})` })
    .where(
      sql`${strategyInstances.id} = ${id} and (${strategyInstances.tickLeaseUntil} is null or ${strategyInstances.tickLeaseUntil} < now())`,
    )
    .returning({ lastCandleTime: strategyInstances.lastCandleTime });
  return rows[0] ?? null;
}

/**
 * A candle tick's read and claim in one statement: the instance, taken for this tick, when it is enabled,
 * not paused, free and has not processed `candleTime` yet. Null otherwise (the caller reads it to say why).
 */
export async function claimCandleTick(
  db: Db,
  id: string,
  candleTime: number,
): Promise<StrategyInstanceRow | null> {
  const s = strategyInstances;
  const rows = await db
    .update(s)
    .set({ tickLeaseUntil: sql`now() + make_interval(secs => ${TICK_LEASE_SECONDS})` })
    .where(
      sql`${s.id} = ${id} and ${s.enabled} and not ${s.paused}
        and (${s.tickLeaseUntil} is null or ${s.tickLeaseUntil} < now())
        and (${s.lastCandleTime} is null or ${s.lastCandleTime} < ${candleTime})`,
    )
    .returning();
  return rows[0] ?? null;
}

/** Give the instance back without advancing it (the tick stopped early or failed). */
export async function releaseTick(db: Db, id: string): Promise<void> {
  await db.update(strategyInstances).set({ tickLeaseUntil: null }).where(eq(strategyInstances.id, id));
}

/**
 * Advance the instance's last processed candle (and give the tick's lease back); false when that candle (or a later one) was already
 * processed — the tick's idempotency check, run in the tick's transaction.
 */
export async function advanceCandle(tx: Db, id: string, candleTime: number): Promise<boolean> {
  const rows = await tx
    .update(strategyInstances)
    // updatedAt doubles as "last ticked" for the heartbeat (candle times may be replayed history).
    .set({ lastCandleTime: candleTime, tickLeaseUntil: null, updatedAt: sql`now()` })
    .where(
      sql`${strategyInstances.id} = ${id} and (${strategyInstances.lastCandleTime} is null or ${strategyInstances.lastCandleTime} < ${candleTime})`,
    )
    .returning({ id: strategyInstances.id });
  return rows.length === 1;
}
