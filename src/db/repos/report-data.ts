// The period reports behind the chat (pnl, performance, trades, status "today", the digest) from the
// database: fills up to the latest period end (FIFO lots and the position fold need the history from the
// first fill), equity snapshots inside the periods when asked, and each symbol's base and quote coin.
import { and, asc, eq, gte, lt, lte, sql } from 'drizzle-orm';
import { dec } from '../../domain/decimal.js';
import { isCategory } from '../../domain/symbol-coins.js';
import type { PositionInstrument } from '../../domain/position.js';
import {
  coinsResolver,
  periodReports,
  type CoinsOf,
  type EquityPoint,
  type PeriodFill,
  type PeriodReport,
  type PeriodReportOptions,
  type PeriodReportResult,
} from '../../reports/index.js';
import type { Db } from '../client.js';
import { rows } from '../rows.js';
import { equitySnapshots, fills, instruments } from '../schema/index.js';

export interface LoadReportOptions {
  /** Compute each period's max drawdown of the equity snapshots (only when the report shows it). */
  readonly equity?: boolean;
}

export type PeriodReportsResult = { ok: true; reports: PeriodReport[] } | { ok: false; error: string };

/** Coins of every cached instrument; unknown symbols fall back to their quote suffix. */
export async function loadCoinsOf(db: Db): Promise<CoinsOf> {
  const rows = await db
    .select({
      category: instruments.category,
      symbol: instruments.symbol,
      baseCoin: instruments.baseCoin,
      quoteCoin: instruments.quoteCoin,
    })
    .from(instruments);
  const known: PositionInstrument[] = rows.flatMap((r) =>
    isCategory(r.category) ? [{ ...r, category: r.category }] : [],
  );
  return coinsResolver(known);
}

/** Trade and funding fills executed before `to`, oldest first. */
export async function fillsBefore(db: Db, to: number): Promise<PeriodFill[]> {
  return db
    .select({
      execId: fills.execId,
      category: fills.category,
      symbol: fills.symbol,
      side: fills.side,
      qty: fills.qty,
      price: fills.price,
      fee: fills.fee,
      feeCurrency: fills.feeCurrency,
      execType: fills.execType,
      execTime: fills.execTime,
      strategyInstanceId: fills.strategyInstanceId,
    })
    .from(fills)
    .where(lt(fills.execTime, to))
    .orderBy(asc(fills.execTime), asc(fills.id));
}

/**
 * The peak and the trough of the largest fall in [from, to): at most two snapshots whose max drawdown is
 * the max drawdown of every snapshot in the range (same first peak, same first trough), found by the
 * database instead of reading a year of one-a-minute rows into memory.
 */
export async function drawdownPoints(db: Db, from: number, to: number): Promise<EquityPoint[]> {
  const [trough] = rows<{ ts: string | number; equity: string; peak: string }>(
    await db.execute(sql`
      with s as (
        select ${equitySnapshots.ts} as ts, ${equitySnapshots.equity} as equity,
               max(${equitySnapshots.equity}) over (order by ${equitySnapshots.ts}) as peak
        from ${equitySnapshots}
        where ${equitySnapshots.ts} >= ${from} and ${equitySnapshots.ts} < ${to}
      )
      select ts, equity::text as equity, peak::text as peak from s order by peak - equity desc, ts asc limit 1`),
  );
  if (!trough) return [];
  const troughTs = Number(trough.ts);
  const [peak] = await db
    .select({ ts: equitySnapshots.ts, equity: equitySnapshots.equity })
    .from(equitySnapshots)
    .where(
      and(
        gte(equitySnapshots.ts, from),
        lte(equitySnapshots.ts, troughTs),
        eq(equitySnapshots.equity, dec(trough.peak)),
      ),
    )
    .orderBy(asc(equitySnapshots.ts))
    .limit(1);
  const low = { ts: troughTs, equity: dec(trough.equity) };
  return peak && peak.ts !== troughTs ? [peak, low] : [low];
}

/** Reports for several periods from one read of the database: what every chat report is built on. */
export async function loadPeriodReports(
  db: Db,
  periods: readonly PeriodReportOptions[],
  opts: LoadReportOptions = {},
): Promise<PeriodReportsResult> {
  if (periods.length === 0) return { ok: true, reports: [] };
  const to = Math.max(...periods.map((p) => p.to));
  const ranges = opts.equity ? [...new Map(periods.map((p) => [`${p.from}:${p.to}`, p])).values()] : [];
  const [fillRows, points, coinsOf] = await Promise.all([
    fillsBefore(db, to),
    Promise.all(ranges.map((p) => drawdownPoints(db, p.from, p.to))),
    loadCoinsOf(db),
  ]);
  // Another range's points inside a period are real snapshots too: they cannot change its largest fall.
  const snapshots = [...new Map(points.flat().map((p) => [p.ts, p])).values()];
  return periodReports(fillRows, snapshots, coinsOf, periods);
}

export async function loadPeriodReport(
  db: Db,
  period: PeriodReportOptions,
  opts: LoadReportOptions = {},
): Promise<PeriodReportResult> {
  const r = await loadPeriodReports(db, [period], opts);
  if (!r.ok) return r;
  const [report] = r.reports;
  return report ? { ok: true, report } : { ok: false, error: 'no period' };
}
