// Closed candles per series (category, symbol, interval), unique by open time.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Decimal } from '../../domain/decimal.js';
import type { Db } from '../client.js';
import { candles } from '../schema/index.js';

export interface StoredCandle {
  openTime: number;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: Decimal;
}

export interface Series {
  category: string;
  symbol: string;
  interval: string;
}

export async function upsertCandles(db: Db, s: Series, list: readonly StoredCandle[]): Promise<void> {
  if (list.length === 0) return;
  await db
    .insert(candles)
    .values(list.map((c) => ({ ...s, ...c, closed: true })))
    .onConflictDoUpdate({
      target: [candles.category, candles.symbol, candles.interval, candles.openTime],
      set: {
        open: sql`excluded.open`,
        high: sql`excluded.high`,
        low: sql`excluded.low`,
        close: sql`excluded.close`,
        volume: sql`excluded.volume`,
      },
    });
}

/** The newest `n` candles at or before `until`, oldest first. */
export async function lastCandles(db: Db, s: Series, n: number, until?: number): Promise<StoredCandle[]> {
  const where = and(
    eq(candles.category, s.category),
    eq(candles.symbol, s.symbol),
    eq(candles.interval, s.interval),
    until === undefined ? undefined : sql`${candles.openTime} <= ${until}`,
  );
  const rows = await db
    .select({
      openTime: candles.openTime,
      open: candles.open,
      high: candles.high,
      low: candles.low,
      close: candles.close,
      volume: candles.volume,
    })
    .from(candles)
    .where(where)
    .orderBy(desc(candles.openTime))
    .limit(n);
  return rows.reverse();
}
