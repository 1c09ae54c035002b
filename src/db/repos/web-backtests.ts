// The dashboard's list of recent backtest runs (ids only; each is read through backtest/chat-run.ts).
import { desc } from 'drizzle-orm';
import type { Db } from '../client.js';
import { backtestRuns } from '../schema/index.js';

export async function recentRunIds(db: Db, limit: number): Promise<number[]> {
  const rows = await db
    .select({ id: backtestRuns.id })
    .from(backtestRuns)
    .orderBy(desc(backtestRuns.id))
    .limit(limit);
  return rows.map((r) => r.id);
}
