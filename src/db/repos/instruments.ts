// Instruments as the exchange lists them, cached so risk and rounding work without a network call.
import { and, eq } from 'drizzle-orm';
import type { Instrument, Category } from '../../domain/instrument.js';
import type { Db } from '../client.js';
import { instruments } from '../schema/index.js';

export async function upsertInstruments(db: Db, list: readonly Instrument[]): Promise<void> {
  for (const i of list) {
    const v = {
      category: i.category,
      symbol: i.symbol,
      baseCoin: i.baseCoin,
      quoteCoin: i.quoteCoin,
      tickSize: i.tickSize,
      qtyStep: i.qtyStep,
      minOrderQty: i.minOrderQty,
      maxOrderQty: i.maxOrderQty,
      maxMarketOrderQty: i.maxMarketOrderQty,
      minNotional: i.minNotional,
      maxLeverage: i.maxLeverage,
    };
    await db
      .insert(instruments)
      .values(v)
      .onConflictDoUpdate({
        target: [instruments.category, instruments.symbol],
        set: { ...v, updatedAt: new Date() },
      });
  }
}

export async function getInstrument(db: Db, category: Category, symbol: string): Promise<Instrument | null> {
  const [r] = await db
    .select()
    .from(instruments)
    .where(and(eq(instruments.category, category), eq(instruments.symbol, symbol)));
  if (!r) return null;
  return {
    symbol: r.symbol,
    category: r.category as Category,
    baseCoin: r.baseCoin,
    quoteCoin: r.quoteCoin,
    tickSize: r.tickSize,
    qtyStep: r.qtyStep,
    minOrderQty: r.minOrderQty,
    maxOrderQty: r.maxOrderQty,
    maxMarketOrderQty: r.maxMarketOrderQty,
    minNotional: r.minNotional,
    maxLeverage: r.maxLeverage,
  };
}
