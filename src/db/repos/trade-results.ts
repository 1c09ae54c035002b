// Round-trip results stored on the fills that closed them (fills.trade_pnl): what the daily loss limit
// and the loss-streak cool-down read, in two index lookups instead of a fold over every fill ever stored.
import { and, asc, eq, sql, type Placeholder } from 'drizzle-orm';
import { ZERO, type Decimal } from '../../domain/decimal.js';
import { fillFromStored } from '../../domain/fill.js';
import { applyFill, emptyPosition, type PositionInstrument } from '../../domain/position.js';
import { splitSymbol } from '../../domain/symbol-coins.js';
import { tradeStep } from '../../domain/trade-result.js';
import type { Db } from '../client.js';
import { fills, positions } from '../schema/index.js';
import { getInstrument } from './instruments.js';

export interface TradeResult {
  readonly symbol: string;
  readonly closedAt: number;
  readonly pnl: Decimal;
}

/**
 * Which stored results today's figure and the current loss streak depend on (a filter over `fills`):
 * those closed since `dayStart`, and those from the last non-losing result on (a streak ends at one).
 */
export function recentResultsFilter(dayStart: number | Placeholder, now: number | Placeholder) {
  return sql`trade_pnl is not null and exec_time <= ${now} and (exec_time >= ${dayStart}
    or exec_time >= (select coalesce(max(exec_time), 0) from fills
      where trade_pnl is not null and trade_pnl >= 0 and exec_time <= ${now}))`;
}

/**
 * Fill in trade_pnl and positions.trade_base for a database written before they existed: replay each
 * instrument's trade fills in time order. Runs once, in one transaction, right after the migration.
 */
export async function backfillTradeResults(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const all = await tx
      .select()
      .from(fills)
      .where(eq(fills.execType, 'Trade'))
      .orderBy(asc(fills.execTime), sql`${fills.execSeq} asc nulls last`, asc(fills.id));
    const bySymbol = new Map<string, typeof all>();
    for (const f of all) {
      const k = `${f.category}\u0000${f.symbol}`;
      bySymbol.set(k, [...(bySymbol.get(k) ?? []), f]);
    }
    let closed = 0;
    for (const list of bySymbol.values()) {
      const first = list[0];
      // Without a cached instrument the coins come from the symbol (fees in the base coin need them).
      const inst: PositionInstrument | null = first
        ? ((await getInstrument(tx, first.category as PositionInstrument['category'], first.symbol)) ??
          splitSymbol(first.category, first.symbol))
        : null;
      if (!first || !inst) continue;
      let pos = emptyPosition(inst);
      let base = ZERO;
      for (const f of list) {
        const fill = fillFromStored(f);
        const r = fill ? applyFill(pos, fill) : null;
        if (!r?.ok) break;
        const step = tradeStep(pos, r.position, base);
        pos = r.position;
        base = step.base;
        if (step.closedPnl) {
          closed += 1;
          await tx.update(fills).set({ tradePnl: step.closedPnl }).where(eq(fills.id, f.id));
        }
      }
      await tx
        .update(positions)
        .set({ tradeBase: base })
        .where(and(eq(positions.category, first.category), eq(positions.symbol, first.symbol)));
    }
    return closed;
  });
}
