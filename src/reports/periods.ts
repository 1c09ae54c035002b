// Period reports (pnl / performance / trades / "today"): one pure computation over stored fills and equity
// snapshots. Realized PnL and funding come from the trades report's rows, so they equal the export's totals.
import { ZERO, type Decimal } from '../domain/decimal.js';
import { classifyBybitExecType, type Fill } from '../domain/fill.js';
import { closedTradesFromFills } from '../portfolio/trades.js';
import {
  maxDrawdown,
  tradeStats,
  type Drawdown,
  type EquityPoint,
  type PeriodTrade,
  type TradeStats,
} from './period-stats.js';
import { toDomainFill } from './perps.js';
import { buildTradesReport, totalsOf } from './trades-report.js';
import type { CoinsOf, ReportFill, ReportRow } from './types.js';

export { PERIOD_KINDS, periodOf, periodsBetween, type Period, type PeriodKind } from './period-bounds.js';
export {
  maxDrawdown,
  tradeStats,
  type Drawdown,
  type EquityPoint,
  type PeriodTrade,
  type TradeStats,
} from './period-stats.js';

/** A stored fill with the strategy instance that produced it (a `fills` row satisfies it). */
export interface PeriodFill extends ReportFill {
  readonly strategyInstanceId?: string | null;
}

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
}

export interface PeriodReport {
  readonly from: number;
  readonly to: number;
  readonly overall: PeriodFigures;
  /** Of the account's equity snapshots in the period; per-group equity does not exist. */
  readonly maxDrawdown: Drawdown | null;
  /** Keyed by symbol or strategy instance id (NO_STRATEGY for none); empty without groupBy. */
  readonly groups: ReadonlyMap<string, PeriodFigures>;
}

export type PeriodReportResult = { ok: true; report: PeriodReport } | { ok: false; error: string };

function inRange(t: number, o: PeriodReportOptions): boolean {
  return t >= o.from && t < o.to;
}

function closingExecId(r: ReportRow): string {
  return r.kind === 'lot' ? r.closeExecId : r.execId;
}

/** Closed round trips per symbol up to `to`, from the portfolio's own trade fold. */
function closedTrades(
  sorted: readonly PeriodFill[],
  coinsOf: CoinsOf,
): { ok: true; trades: PeriodTrade[] } | { ok: false; error: string } {
  const bySymbol = new Map<string, PeriodFill[]>();
  for (const f of sorted) {
    if (classifyBybitExecType(f.execType) !== 'trade') continue;
    const key = `${f.category}\u0000${f.symbol}`;
    bySymbol.set(key, [...(bySymbol.get(key) ?? []), f]);
  }
  const out: PeriodTrade[] = [];
  for (const list of bySymbol.values()) {
    const first = list[0];
    if (!first) continue;
    const inst = coinsOf(first.category, first.symbol);
    if (!inst) return { ok: false, error: `${first.category} ${first.symbol}: base and quote coin unknown` };
    const domain: Fill[] = [];
    for (const f of list) {
      const d = toDomainFill(f);
      if (!d) return { ok: false, error: `fill ${f.execId}: side "${f.side}" is not Buy or Sell` };
      domain.push(d);
    }
    const r = closedTradesFromFills(inst, domain);
    if (!r.ok) return { ok: false, error: r.error.message };
    // The fold reports when a trade closed, not which fill closed it: the first unmatched fill at that
    // time is taken (two fills of one symbol in the same ms may swap strategies).
    let cursor = 0;
    for (const t of r.trades) {
      while (cursor < list.length && list[cursor]?.execTime !== t.closedAt) cursor += 1;
      const closer = list[cursor];
      cursor += 1;
      out.push({ ...t, quoteCoin: inst.quoteCoin, strategy: closer?.strategyInstanceId ?? null });
    }
  }
  return { ok: true, trades: out };
}

function feesOf(fills: readonly PeriodFill[]): Map<string, Decimal> {
  const fees = new Map<string, Decimal>();
  for (const f of fills) fees.set(f.feeCurrency, (fees.get(f.feeCurrency) ?? ZERO).plus(f.fee));
  return fees;
}

function figures(
  rows: readonly ReportRow[],
  tradeFills: readonly PeriodFill[],
  trades: readonly PeriodTrade[],
): PeriodFigures {
  const totals = totalsOf(rows);
  return {
    realizedPnl: totals.realizedPnl,
    fees: feesOf(tradeFills),
    funding: totals.funding,
    trades: tradeStats(trades),
  };
}

export function periodReport(
  fills: readonly PeriodFill[],
  snapshots: readonly EquityPoint[],
  coinsOf: CoinsOf,
  opts: PeriodReportOptions,
): PeriodReportResult {
  const built = buildTradesReport(fills, coinsOf, { from: opts.from, to: opts.to });
  if (!built.ok) return built;
  const upToEnd = fills
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => f.execTime < opts.to)
    .sort((a, b) => a.f.execTime - b.f.execTime || a.i - b.i)
    .map(({ f }) => f);
  const ct = closedTrades(upToEnd, coinsOf);
  if (!ct.ok) return ct;
  const trades = ct.trades.filter((t) => inRange(t.closedAt, opts));
  const tradeFills = upToEnd.filter(
    (f) => inRange(f.execTime, opts) && classifyBybitExecType(f.execType) === 'trade',
  );
  const rows = built.report.rows;
  const overall = figures(rows, tradeFills, trades);
  const drawdown = maxDrawdown(snapshots.filter((s) => inRange(s.ts, opts)));

  const groups = new Map<string, PeriodFigures>();
  if (opts.groupBy) {
    const strategyOf = new Map(upToEnd.map((f) => [f.execId, f.strategyInstanceId ?? null]));
    const bySymbol = opts.groupBy === 'symbol';
    const rowKey = (r: ReportRow): string =>
      bySymbol ? r.symbol : (strategyOf.get(closingExecId(r)) ?? NO_STRATEGY);
    const fillKey = (f: PeriodFill): string => (bySymbol ? f.symbol : (f.strategyInstanceId ?? NO_STRATEGY));
    const tradeKey = (t: PeriodTrade): string => (bySymbol ? t.symbol : (t.strategy ?? NO_STRATEGY));
    const keys = new Set([...rows.map(rowKey), ...tradeFills.map(fillKey), ...trades.map(tradeKey)]);
    for (const k of [...keys].sort()) {
      groups.set(
        k,
        figures(
          rows.filter((r) => rowKey(r) === k),
          tradeFills.filter((f) => fillKey(f) === k),
          trades.filter((t) => tradeKey(t) === k),
        ),
      );
    }
  }
  return { ok: true, report: { from: opts.from, to: opts.to, overall, maxDrawdown: drawdown, groups } };
}
