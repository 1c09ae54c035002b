// The trades report: every symbol's fills matched (spot FIFO lots, perp reductions) over the whole
// history up to the period's end, then the rows that fall inside the period, with exact totals.
import type { Decimal } from '../domain/decimal.js';
import { ZERO } from '../domain/decimal.js';
import { classifyBybitExecType } from '../domain/fill.js';
import { matchSpotLots } from './lots.js';
import { perpRows } from './perps.js';
import type {
  CoinsOf,
  FundingRow,
  ReportFill,
  ReportPeriod,
  ReportResult,
  ReportRow,
  ReportTotals,
  SpotTrade,
} from './types.js';

/** When a row happened: a lot is realized when it is closed. */
export function rowTime(r: ReportRow): number {
  return r.kind === 'lot' ? r.closeTime : r.time;
}

function inPeriod(t: number, p: ReportPeriod): boolean {
  return (p.from === undefined || t >= p.from) && (p.to === undefined || t < p.to);
}

function add(m: Map<string, Decimal>, key: string, v: Decimal): void {
  m.set(key, (m.get(key) ?? ZERO).plus(v));
}

export function totalsOf(rows: readonly ReportRow[]): ReportTotals {
  const realizedPnl = new Map<string, Decimal>();
  const fees = new Map<string, Decimal>();
  const funding = new Map<string, Decimal>();
  for (const r of rows) {
    if (r.kind === 'funding') {
      add(funding, r.currency, r.amount);
    } else if (r.kind === 'lot') {
      add(realizedPnl, r.quoteCoin, r.realizedPnl);
      add(fees, r.openFeeCurrency, r.openFee);
      add(fees, r.closeFeeCurrency, r.closeFee);
    } else {
      if (r.kind === 'close') add(realizedPnl, r.quoteCoin, r.realizedPnl);
      add(fees, r.feeCurrency, r.fee);
    }
  }
  return { realizedPnl, fees, funding };
}

/**
 * Build the report from stored fills (any order; sorted here by time, ties by input order). Fills after
 * the period's end are ignored; fills before its start still open the lots that close inside it.
 */
export function buildTradesReport(
  fills: readonly ReportFill[],
  coinsOf: CoinsOf,
  period: ReportPeriod = {},
): ReportResult {
  const sorted = fills
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => period.to === undefined || f.execTime < period.to)
    .sort((a, b) => a.f.execTime - b.f.execTime || a.i - b.i)
    .map(({ f }) => f);
  const trades = new Map<string, ReportFill[]>();
  const rows: ReportRow[] = [];
  const spotTrades: SpotTrade[] = [];
  for (const f of sorted) {
    const kind = classifyBybitExecType(f.execType);
    if (kind === 'funding') {
      const row: FundingRow = {
        kind: 'funding',
        symbol: f.symbol,
        execId: f.execId,
        time: f.execTime,
        amount: f.fee.neg(),
        currency: f.feeCurrency,
      };
      rows.push(row);
    } else if (kind === 'trade') {
      const key = `${f.category}\u0000${f.symbol}`;
      const list = trades.get(key) ?? [];
      list.push(f);
      trades.set(key, list);
    } else {
      return { ok: false, error: `fill ${f.execId}: execType "${f.execType}" is not a trade or funding` };
    }
  }
  for (const list of trades.values()) {
    const first = list[0];
    if (!first) continue;
    const inst = coinsOf(first.category, first.symbol);
    if (!inst) return { ok: false, error: `${first.category} ${first.symbol}: base and quote coin unknown` };
    const r = first.category === 'spot' ? matchSpotLots(inst, list) : perpRows(inst, list);
    if (!r.ok) return r;
    rows.push(...r.rows);
    if (first.category === 'spot') {
      for (const fill of list) {
        if (inPeriod(fill.execTime, period))
          spotTrades.push({ fill, baseCoin: inst.baseCoin, quoteCoin: inst.quoteCoin });
      }
    }
  }
  spotTrades.sort((a, b) => a.fill.execTime - b.fill.execTime);
  const kept = rows
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => inPeriod(rowTime(r), period))
    .sort((a, b) => rowTime(a.r) - rowTime(b.r) || a.i - b.i)
    .map(({ r }) => r);
  return { ok: true, report: { rows: kept, spotTrades, totals: totalsOf(kept) } };
}

/** The realized PnL of one quote coin, zero when none. */
export function totalRealized(totals: ReportTotals, quoteCoin: string): Decimal {
  return totals.realizedPnl.get(quoteCoin) ?? ZERO;
}
