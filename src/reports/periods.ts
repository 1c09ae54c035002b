// Period reports (pnl / performance / trades / "today"): one pure computation over stored fills and equity
// snapshots. Realized PnL and funding come from the trades report's rows, so they equal the export's totals.
import { ZERO, type Decimal } from '../domain/decimal.js';
import { classifyBybitExecType } from '../domain/fill.js';
import {
  maxDrawdown,
  tradeStats,
  type Drawdown,
  type EquityPoint,
  type PeriodTrade,
  type TradeStats,
} from './period-stats.js';
import { closedTrades, type PeriodFill, type TradePart } from './period-trades.js';
import { buildTradesReport, rowTime, totalsOf } from './trades-report.js';
import type { CoinsOf, ReportRow } from './types.js';

export {
  DEFAULT_PERIOD_COUNT,
  PERIOD_KINDS,
  lastPeriods,
  periodOf,
  periodsBetween,
  type Period,
  type PeriodKind,
} from './period-bounds.js';
export {
  maxDrawdown,
  tradeStats,
  type Drawdown,
  type EquityPoint,
  type PeriodTrade,
  type TradeStats,
} from './period-stats.js';
export type { PeriodFill } from './period-trades.js';

export const PERIOD_GROUPS = ['symbol', 'strategy'] as const;
export type PeriodGroupBy = (typeof PERIOD_GROUPS)[number];

/** Group key of rows, fees and trades without a strategy instance. */
export const NO_STRATEGY = '(none)';

export interface PeriodReportOptions {
  /** Half-open [from, to) in ms; see periodOf for UTC day / ISO week / month bounds. */
  readonly from: number;
  readonly to: number;
  readonly groupBy?: PeriodGroupBy;
}

export interface PeriodFigures {
  /** Gross realized PnL by quote coin: spot FIFO lots closed and perp reductions in the period. */
  readonly realizedPnl: ReadonlyMap<string, Decimal>;
  /** Fees paid (negative = rebate) by trade fills executed in the period, by fee currency. */
  readonly fees: ReadonlyMap<string, Decimal>;
  /** Funding received (negative = paid) in the period, by currency. */
  readonly funding: ReadonlyMap<string, Decimal>;
  /** Round trips closed in the period (net of their fees, without funding). */
  readonly trades: TradeStats;
  /**
   * By quote coin, what fills in the period added to round trips still open at its end (entry fees of
   * open positions, partial closes): in realized − fees, not yet in any closed trade.
   */
  readonly openTrades: ReadonlyMap<string, Decimal>;
  /**
   * By quote coin, what fills before the period added to the round trips closed in it (an entry fee paid
   * last week): in the closed trades' results, not in this period's realized − fees.
   */
  readonly earlier: ReadonlyMap<string, Decimal>;
}

export interface PeriodReport {
  readonly from: number;
  readonly to: number;
  readonly overall: PeriodFigures;
  /** Of the account's equity snapshots in the period; per-group equity does not exist. */
  readonly maxDrawdown: Drawdown | null;
  /** Keyed by symbol or strategy instance id (NO_STRATEGY for none); empty without groupBy. */
  readonly groups: ReadonlyMap<string, PeriodFigures>;
  /** The round trips closed in the period, oldest first. */
  readonly trades: readonly PeriodTrade[];
}

export type PeriodReportResult = { ok: true; report: PeriodReport } | { ok: false; error: string };

function inRange(t: number, o: PeriodReportOptions): boolean {
  return t >= o.from && t < o.to;
}

function closingExecId(r: ReportRow): string {
  return r.kind === 'lot' ? r.closeExecId : r.execId;
}

function feesOf(fills: readonly PeriodFill[]): Map<string, Decimal> {
  const fees = new Map<string, Decimal>();
  for (const f of fills) fees.set(f.feeCurrency, (fees.get(f.feeCurrency) ?? ZERO).plus(f.fee));
  return fees;
}

function sumParts(parts: readonly TradePart[]): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  for (const p of parts) out.set(p.quoteCoin, (out.get(p.quoteCoin) ?? ZERO).plus(p.delta));
  return out;
}

/** Parts of the trades left open at the period's end, and earlier parts of the trades closed in it. */
function splitParts(
  parts: readonly TradePart[],
  o: PeriodReportOptions,
): { open: TradePart[]; earlier: TradePart[] } {
  const closesIn = (p: TradePart): boolean => p.closedAt !== null && inRange(p.closedAt, o);
  return {
    open: parts.filter((p) => inRange(p.time, o) && !closesIn(p)),
    earlier: parts.filter((p) => p.time < o.from && closesIn(p)),
  };
}

function figures(
  rows: readonly ReportRow[],
  tradeFills: readonly PeriodFill[],
  trades: readonly PeriodTrade[],
  parts: { open: readonly TradePart[]; earlier: readonly TradePart[] },
): PeriodFigures {
  const totals = totalsOf(rows);
  return {
    realizedPnl: totals.realizedPnl,
    fees: feesOf(tradeFills),
    funding: totals.funding,
    trades: tradeStats(trades),
    openTrades: sumParts(parts.open),
    earlier: sumParts(parts.earlier),
  };
}

/** One period's figures from the rows, fills and trades of the whole span (see periodReports). */
function reportFor(
  opts: PeriodReportOptions,
  rows: readonly ReportRow[],
  upToEnd: readonly PeriodFill[],
  allTrades: readonly PeriodTrade[],
  allParts: readonly TradePart[],
  snapshots: readonly EquityPoint[],
): PeriodReport {
  const rowsIn = rows.filter((r) => inRange(rowTime(r), opts));
  const trades = allTrades.filter((t) => inRange(t.closedAt, opts));
  const tradeFills = upToEnd.filter(
    (f) => inRange(f.execTime, opts) && classifyBybitExecType(f.execType) === 'trade',
  );
  const parts = splitParts(allParts, opts);
  const overall = figures(rowsIn, tradeFills, trades, parts);
  const drawdown = maxDrawdown(snapshots.filter((s) => inRange(s.ts, opts)));

  const groups = new Map<string, PeriodFigures>();
  if (opts.groupBy) {
    const strategyOf = new Map(upToEnd.map((f) => [f.execId, f.strategyInstanceId ?? null]));
    const bySymbol = opts.groupBy === 'symbol';
    const rowKey = (r: ReportRow): string =>
      bySymbol ? r.symbol : (strategyOf.get(closingExecId(r)) ?? NO_STRATEGY);
    const fillKey = (f: PeriodFill): string => (bySymbol ? f.symbol : (f.strategyInstanceId ?? NO_STRATEGY));
    const tradeKey = (t: PeriodTrade): string => (bySymbol ? t.symbol : (t.strategy ?? NO_STRATEGY));
    const partKey = (p: TradePart): string =>
      bySymbol ? p.symbol : (strategyOf.get(p.execId) ?? NO_STRATEGY);
    const keys = new Set([...rowsIn.map(rowKey), ...tradeFills.map(fillKey), ...trades.map(tradeKey)]);
    for (const k of [...keys].sort()) {
      groups.set(
        k,
        figures(
          rowsIn.filter((r) => rowKey(r) === k),
          tradeFills.filter((f) => fillKey(f) === k),
          trades.filter((t) => tradeKey(t) === k),
          {
            open: parts.open.filter((p) => partKey(p) === k),
            earlier: parts.earlier.filter((p) => partKey(p) === k),
          },
        ),
      );
    }
  }
  return { from: opts.from, to: opts.to, overall, maxDrawdown: drawdown, groups, trades };
}

/**
 * Reports for several periods from one pass over the fills: the fold up to the latest end is causal, so
 * each period's rows and trades are those of the whole span that fall inside it.
 */
export function periodReports(
  fills: readonly PeriodFill[],
  snapshots: readonly EquityPoint[],
  coinsOf: CoinsOf,
  periods: readonly PeriodReportOptions[],
): { ok: true; reports: PeriodReport[] } | { ok: false; error: string } {
  if (periods.length === 0) return { ok: true, reports: [] };
  const from = Math.min(...periods.map((p) => p.from));
  const to = Math.max(...periods.map((p) => p.to));
  const built = buildTradesReport(fills, coinsOf, { from, to });
  if (!built.ok) return built;
  const upToEnd = fills
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => f.execTime < to)
    .sort((a, b) => a.f.execTime - b.f.execTime || a.i - b.i)
    .map(({ f }) => f);
  const ct = closedTrades(upToEnd, coinsOf);
  if (!ct.ok) return ct;
  return {
    ok: true,
    reports: periods.map((p) => reportFor(p, built.report.rows, upToEnd, ct.trades, ct.parts, snapshots)),
  };
}

export function periodReport(
  fills: readonly PeriodFill[],
  snapshots: readonly EquityPoint[],
  coinsOf: CoinsOf,
  opts: PeriodReportOptions,
): PeriodReportResult {
  const r = periodReports(fills, snapshots, coinsOf, [opts]);
  if (!r.ok) return r;
  const [report] = r.reports;
  return report ? { ok: true, report } : { ok: false, error: 'no period' };
}
