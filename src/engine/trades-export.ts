// The trades report from the database: every stored fill and the known instruments' coins, built for a
// period. One implementation shared by `bosun export trades` and the `/export` chat command.
import type { Db } from '../db/client.js';
import { listFills } from '../db/repos/positions.js';
import { loadCoinsOf } from '../db/repos/report-data.js';
import { buildTradesReport, type ReportPeriod, type ReportResult } from '../reports/index.js';

export async function loadTradesReport(db: Db, period: ReportPeriod): Promise<ReportResult> {
  const [fills, coinsOf] = await Promise.all([listFills(db), loadCoinsOf(db)]);
  return buildTradesReport(fills, coinsOf, period);
}
