// Strategy instances: bosun.yaml is the source of truth for their definition; the database keeps
// the operator's pause flag and the last candle each instance processed.
import { eq, inArray, sql } from 'drizzle-orm';
import type { StrategyInstanceConfig } from '../../platform/config.js';
import type { Db } from '../client.js';
import { prebuilt } from '../prebuilt.js';
import { rows } from '../rows.js';
import { strategyInstances, tickLeases } from '../schema/index.js';
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

/**
 * The instance and what its tick needs of its position: the stored size and entry of its symbol, and
 * what its unfinished intents will add once they fill. One query.
 */
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
 * processed — the tick's idempotency check. The tick's lease (taken as `holder`) goes back in the same
 * statement.
 */
const advanceStatement = prebuilt(['id', 'candleTime', 'holder'], ({ id, candleTime, holder }) => {
  const s = strategyInstances;
  // updated_at doubles as "last ticked" for the heartbeat (candle times may be replayed history).
  return sql`with a as (update ${s} set last_candle_time = ${candleTime}, updated_at = now()
      where ${s.id} = ${id} and (${s.lastCandleTime} is null or ${s.lastCandleTime} < ${candleTime})
      returning id),
    r as (delete from ${tickLeases} where ${tickLeases.instanceId} = ${id} and ${tickLeases.holder} = ${holder})
    select count(*)::int as n from a`;
});

export async function advanceCandle(
  db: Db,
  id: string,
  candleTime: number,
  holder: string,
): Promise<boolean> {
  const res = await advanceStatement(db, { id, candleTime, holder });
  return (rows<{ n: number }>(res)[0]?.n ?? 0) === 1;
}
