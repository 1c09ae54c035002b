// Performance statistics for a report period: closed-trade figures (win rate, profit factor, expectancy)
// per quote coin, and the maximum peak-to-trough drawdown of equity snapshots.
import { ZERO, type Decimal } from '../domain/decimal.js';
import type { RoundTrip } from './round-trips.js';

/** A closed round trip with its category, the coin its PnL is in and the strategy that closed it. */
export interface PeriodTrade extends Omit<RoundTrip, 'closingIndex'> {
  readonly category: string;
  readonly quoteCoin: string;
  /** Strategy instance of the fill that closed it; null for manual or unattributed fills. */
  readonly strategy: string | null;
}

export interface TradeStats {
  readonly count: number;
  readonly wins: number;
  readonly losses: number;
  /** wins / count; null without trades. Break-even trades count in neither wins nor losses. */
  readonly winRate: number | null;
  /** Σ trade PnL by quote coin. */
  readonly netPnl: ReadonlyMap<string, Decimal>;
  /** Gross wins / gross losses by quote coin; null when that coin had no losing trade. */
  readonly profitFactor: ReadonlyMap<string, Decimal | null>;
  /** Mean trade PnL by quote coin. */
  readonly expectancy: ReadonlyMap<string, Decimal>;
}

export function tradeStats(trades: readonly PeriodTrade[]): TradeStats {
  const gains = new Map<string, Decimal>();
  const pains = new Map<string, Decimal>();
  const counts = new Map<string, number>();
  let wins = 0;
  let losses = 0;
  for (const t of trades) {
    counts.set(t.quoteCoin, (counts.get(t.quoteCoin) ?? 0) + 1);
    gains.set(t.quoteCoin, gains.get(t.quoteCoin) ?? ZERO);
    pains.set(t.quoteCoin, pains.get(t.quoteCoin) ?? ZERO);
    if (t.pnl.gt(ZERO)) {
      wins += 1;
      gains.set(t.quoteCoin, (gains.get(t.quoteCoin) ?? ZERO).plus(t.pnl));
    } else if (t.pnl.lt(ZERO)) {
      losses += 1;
      pains.set(t.quoteCoin, (pains.get(t.quoteCoin) ?? ZERO).minus(t.pnl));
    }
  }
  const netPnl = new Map<string, Decimal>();
  const profitFactor = new Map<string, Decimal | null>();
  const expectancy = new Map<string, Decimal>();
  for (const [coin, n] of counts) {
    const gain = gains.get(coin) ?? ZERO;
    const pain = pains.get(coin) ?? ZERO;
    const net = gain.minus(pain);
    netPnl.set(coin, net);
    profitFactor.set(coin, pain.isZero() ? null : gain.div(pain));
    expectancy.set(coin, net.div(n));
  }
  const count = trades.length;
  return {
    count,
    wins,
    losses,
    winRate: count === 0 ? null : wins / count,
    netPnl,
    profitFactor,
    expectancy,
  };
}

export interface EquityPoint {
  readonly ts: number;
  readonly equity: Decimal;
}

export interface Drawdown {
  /** Largest fall from a running peak to a later snapshot; zero when equity never fell. */
  readonly amount: Decimal;
  /** amount / peak equity (a statistic, so a number); null when the peak is not positive. */
  readonly ratio: number | null;
  readonly peakTs: number;
  readonly troughTs: number;
}

/** Max drawdown over the snapshots (any order); null without snapshots. */
export function maxDrawdown(points: readonly EquityPoint[]): Drawdown | null {
  const sorted = [...points].sort((a, b) => a.ts - b.ts);
  const first = sorted[0];
  if (!first) return null;
  let peak = first;
  let best = { amount: ZERO, peak: first, trough: first };
  for (const p of sorted) {
    if (p.equity.gt(peak.equity)) peak = p;
    const fall = peak.equity.minus(p.equity);
    if (fall.gt(best.amount)) best = { amount: fall, peak, trough: p };
  }
  const peakEq = best.peak.equity;
  return {
    amount: best.amount,
    ratio: peakEq.gt(ZERO) ? best.amount.div(peakEq).toNumber() : null,
    peakTs: best.peak.ts,
    troughTs: best.trough.ts,
  };
}
