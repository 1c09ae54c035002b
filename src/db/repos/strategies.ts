// Strategy instances: bosun.yaml is the source of truth for their definition; the database keeps
// the operator's pause flag and the last candle each instance processed.
import { eq, inArray, sql } from 'drizzle-orm';
import type { StrategyInstanceConfig } from '../../platform/config.js';
import type { Db } from '../client.js';
import { strategyInstances } from '../schema/index.js';
import { holdingColumns, toHolding, type InstanceHolding } from './intents.js';

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

/** The instance and what its tick needs of its position (see instanceHolding), in one query. */
export async function instanceForTick(
  db: Db,
  id: string,
): Promise<{ inst: StrategyInstanceRow; holding: InstanceHolding } | null> {
  const s = strategyInstances;
  const [r] = await db
    .select({ inst: s, ...holdingColumns(id, sql`${s.category}`, sql`${s.symbol}`) })
    .from(s)
    .where(eq(s.id, id));
  return r ? { inst: r.inst, holding: toHolding(r) } : null;
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

/**
 * Advance the instance's last processed candle; false when that candle (or a later one) was already
 * processed — the tick's idempotency check, run in the tick's transaction.
 */
export async function advanceCandle(tx: Db, id: string, candleTime: number): Promise<boolean> {
  const rows = await tx
    .update(strategyInstances)
    // updatedAt doubles as "last ticked" for the heartbeat (candle times may be replayed history).
    .set({ lastCandleTime: candleTime, updatedAt: sql`now()` })
    .where(
      sql`${strategyInstances.id} = ${id} and (${strategyInstances.lastCandleTime} is null or ${strategyInstances.lastCandleTime} < ${candleTime})`,
    )
    .returning({ id: strategyInstances.id });
  return rows.length === 1;
}
