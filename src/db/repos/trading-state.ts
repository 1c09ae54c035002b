// The kill switch's persistent half: ACTIVE / REDUCING / HALTED, one row, checked by every order job.
import { sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { tradingState } from '../schema/index.js';

export const TRADING_STATES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
export type TradingStateName = (typeof TRADING_STATES)[number];

export interface TradingStateRow {
  state: TradingStateName;
  reason: string | null;
  changedBy: string | null;
  changedAt: Date;
}

export async function getTradingState(db: Db): Promise<TradingStateRow> {
  const [row] = await db.select().from(tradingState).limit(1);
  if (!row) return { state: 'ACTIVE', reason: null, changedBy: null, changedAt: new Date(0) };
  return { ...row, state: row.state as TradingStateName };
}

/** Set the state; returns the previous one. Upsert keeps the singleton row. */
export async function setTradingState(
  db: Db,
  state: TradingStateName,
  reason: string,
  by: string,
): Promise<TradingStateName> {
  const prev = await getTradingState(db);
  await db
    .insert(tradingState)
    .values({ id: 1, state, reason, changedBy: by })
    .onConflictDoUpdate({
      target: tradingState.id,
      set: { state, reason, changedBy: by, changedAt: sql`now()` },
    });
  return prev.state;
}
