// Balances, equity snapshots and operator risk overrides.
import { desc, sql } from 'drizzle-orm';
import type { Decimal } from '../../domain/decimal.js';
import type { Db } from '../client.js';
import { balances, equitySnapshots, riskSettings } from '../schema/index.js';

export type BalanceRow = typeof balances.$inferSelect;

export async function upsertBalance(
  db: Db,
  v: { coin: string; walletBalance: Decimal; available: Decimal; equity: Decimal },
): Promise<void> {
  await db
    .insert(balances)
    .values(v)
    .onConflictDoUpdate({ target: balances.coin, set: { ...v, updatedAt: sql`now()` } });
}

export async function listBalances(db: Db): Promise<BalanceRow[]> {
  return db.select().from(balances).orderBy(balances.coin);
}

/** One snapshot per timestamp; a repeated job writes nothing new. */
export async function snapshotEquity(
  db: Db,
  v: { ts: number; equity: Decimal; unrealizedPnl: Decimal; realizedPnl: Decimal },
): Promise<boolean> {
  const rows = await db
    .insert(equitySnapshots)
    .values(v)
    .onConflictDoNothing()
    .returning({ id: equitySnapshots.id });
  return rows.length === 1;
}

export async function peakEquity(db: Db): Promise<Decimal | null> {
  const [r] = await db
    .select({ equity: equitySnapshots.equity })
    .from(equitySnapshots)
    .orderBy(desc(equitySnapshots.equity))
    .limit(1);
  return r?.equity ?? null;
}

export async function riskOverrides(db: Db): Promise<Record<string, string>> {
  const rows = await db.select().from(riskSettings);
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export async function setRiskOverride(db: Db, key: string, value: string, by: string): Promise<void> {
  await db
    .insert(riskSettings)
    .values({ key, value, updatedBy: by })
    .onConflictDoUpdate({ target: riskSettings.key, set: { value, updatedBy: by, updatedAt: sql`now()` } });
}
