// The round trips closed by stored fills, per symbol, with the coin their PnL is in and the strategy of
// the fill that closed them.
import type { Decimal } from '../domain/decimal.js';
import { classifyBybitExecType, type Fill } from '../domain/fill.js';
import type { PeriodTrade } from './period-stats.js';
import { fillFromStored } from '../domain/fill.js';
import { roundTrips } from './round-trips.js';
import type { CoinsOf, ReportFill } from './types.js';

/** A stored fill with the strategy instance that produced it (a `fills` row satisfies it). */
export interface PeriodFill extends ReportFill {
  readonly strategyInstanceId?: string | null;
}

/**
 * What one trade fill added to its round trip (realized − fees, in `quoteCoin`) and when that trip
 * closed: null while it is still open after the last fill given.
 */
export interface TradePart {
  readonly execId: string;
  readonly symbol: string;
  readonly time: number;
  readonly quoteCoin: string;
  readonly delta: Decimal;
  readonly closedAt: number | null;
}

/** Every round trip closed by `sorted` (trade fills in time order; funding rows are skipped). */
export function closedTrades(
  sorted: readonly PeriodFill[],
  coinsOf: CoinsOf,
): { ok: true; trades: PeriodTrade[]; parts: TradePart[] } | { ok: false; error: string } {
  const bySymbol = new Map<string, PeriodFill[]>();
  for (const f of sorted) {
    if (classifyBybitExecType(f.execType) !== 'trade') continue;
    const key = `${f.category}\u0000${f.symbol}`;
    const list = bySymbol.get(key) ?? [];
    list.push(f);
    bySymbol.set(key, list);
  }
  const out: PeriodTrade[] = [];
  const parts: TradePart[] = [];
  for (const list of bySymbol.values()) {
    const first = list[0];
    if (!first) continue;
    const inst = coinsOf(first.category, first.symbol);
    if (!inst) return { ok: false, error: `${first.category} ${first.symbol}: base and quote coin unknown` };
    const domain: Fill[] = [];
    for (const f of list) {
      const d = fillFromStored(f);
      if (!d) return { ok: false, error: `fill ${f.execId}: side "${f.side}" is not Buy or Sell` };
      domain.push(d);
    }
    const r = roundTrips(inst, domain);
    if (!r.ok) return r;
    for (const [i, p] of r.parts.entries()) {
      const f = list[i];
      if (!f) continue;
      const closedAt = p.trade === null ? null : (r.trades[p.trade]?.closedAt ?? null);
      parts.push({
        execId: f.execId,
        symbol: f.symbol,
        time: f.execTime,
        quoteCoin: inst.quoteCoin,
        delta: p.delta,
        closedAt,
      });
    }
    for (const { closingIndex, ...t } of r.trades) {
      out.push({
        ...t,
        category: first.category,
        quoteCoin: inst.quoteCoin,
        strategy: list[closingIndex]?.strategyInstanceId ?? null,
      });
    }
  }
  out.sort((a, b) => a.closedAt - b.closedAt);
  return { ok: true, trades: out, parts };
}
