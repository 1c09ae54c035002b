// The trades report from the database: every stored fill and the known instruments' coins, built for a
// period. One implementation shared by `bosun export trades` and the `/export` chat command.
import type { Db } from '../db/client.js';
import { listFills } from '../db/repos/positions.js';
import { instruments } from '../db/schema/index.js';
import { CATEGORIES, type Category } from '../domain/instrument.js';
import { buildTradesReport, coinsResolver, type ReportPeriod, type ReportResult } from '../reports/index.js';

function isCategory(c: string): c is Category {
  return (CATEGORIES as readonly string[]).includes(c);
}

export async function loadTradesReport(db: Db, period: ReportPeriod): Promise<ReportResult> {
  const [fills, rows] = await Promise.all([listFills(db), db.select().from(instruments)]);
  const known = rows.flatMap((r) =>
    isCategory(r.category)
      ? [{ category: r.category, symbol: r.symbol, baseCoin: r.baseCoin, quoteCoin: r.quoteCoin }]
      : [],
  );
  return buildTradesReport(fills, coinsResolver(known), period);
}
