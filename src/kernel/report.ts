// The figures of a kernel backtest for a 24/7 market: annualised on 365 days from daily equity returns,
// money as decimal strings rounded to the quote coin's cents, risk denials by check, and breakdowns per
// book, per symbol and per period. Pure.
import { Decimal, ZERO } from '../domain/decimal.js';
import type { KernelBacktestResult } from './backtest.js';

export const BREAKDOWNS = ['day', 'week', 'month'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

export interface GroupFigures {
  readonly trades: number;
  readonly wins: number;
  /** Net of fees (price PnL − fees of the round trips closed). */
  readonly net: string;
}

export interface KernelReport {
  readonly startingCash: string;
  readonly equityFinal: string;
  readonly returnPct: number;
  readonly returnAnnPct: number;
  readonly volatilityAnnPct: number;
  readonly sharpe: number;
  readonly sortino: number;
  readonly maxDrawdownPct: number;
  readonly trades: number;
  readonly winRatePct: number;
  readonly profitFactor: number;
  readonly expectancy: string;
  readonly fees: string;
  /** Funding received (positive) or paid (negative) over the run, in the quote coin. */
  readonly funding: string;
  readonly fundingPayments: number;
  /** Positions the venue liquidated (one per book closed by a liquidation). */
  readonly liquidations: number;
  readonly fills: number;
  readonly denied: number;
  readonly deniedByCheck: Readonly<Record<string, number>>;
  /** Approval requests a live bot would have asked (counted as approved in a backtest). */
  readonly approvalsAsked: number;
  readonly byBook: Readonly<Record<string, GroupFigures>>;
  readonly bySymbol: Readonly<Record<string, GroupFigures>>;
  readonly byPeriod?: Readonly<Record<string, GroupFigures>>;
  readonly intrabarRule: string;
  readonly defaults: readonly string[];
}

const DAY = 86_400_000;

function money(d: Decimal): string {
  return d.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).toFixed(2);
}

/** The last equity of each UTC day, in order. */
export function dailyEquity(times: Float64Array, equity: Float64Array): number[] {
  const out: number[] = [];
  let day = NaN;
  for (let i = 0; i < equity.length; i++) {
    const d = Math.floor((times[i] as number) / DAY);
    if (d !== day) {
      out.push(equity[i] as number);
      day = d;
    } else out[out.length - 1] = equity[i] as number;
  }
  return out;
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

export function periodKey(ts: number, by: Breakdown): string {
  const d = new Date(ts);
  if (by === 'day') return d.toISOString().slice(0, 10);
  if (by === 'month') return d.toISOString().slice(0, 7);
  // ISO week, keyed by its Monday.
  const monday = new Date(ts - ((d.getUTCDay() + 6) % 7) * DAY);
  return `week of ${monday.toISOString().slice(0, 10)}`;
}

function group(
  trips: KernelBacktestResult['trips'],
  key: (t: KernelBacktestResult['trips'][number]) => string,
) {
  const acc = new Map<string, { trades: number; wins: number; net: Decimal }>();
  for (const t of trips) {
    const k = key(t);
    const g = acc.get(k) ?? { trades: 0, wins: 0, net: ZERO };
    acc.set(k, { trades: g.trades + 1, wins: g.wins + (t.pnl.isPositive() ? 1 : 0), net: g.net.plus(t.pnl) });
  }
  return Object.fromEntries(
    [...acc].map(([k, g]) => [k, { trades: g.trades, wins: g.wins, net: money(g.net) }]),
  );
}

export function kernelReport(
  r: KernelBacktestResult,
  opts: { breakdown?: Breakdown; defaults?: string[] } = {},
): KernelReport {
  const days = dailyEquity(r.times, r.equity);
  const start = r.startingCash.toNumber();
  const rets: number[] = [];
  let prev = start;
  for (const e of days) {
    rets.push(prev > 0 ? e / prev - 1 : 0);
    prev = e;
  }
  const final = r.equityFinal.toNumber();
  const span = r.times.length
    ? ((r.times[r.times.length - 1] as number) - (r.times[0] as number)) / DAY + 1
    : 0;
  const years = span / 365;
  const sd = std(rets);
  const downside = Math.sqrt(mean(rets.map((x) => Math.min(0, x) ** 2)));
  let peak = -Infinity;
  let maxDd = 0;
  for (const e of r.equity) {
    peak = Math.max(peak, e);
    if (peak > 0) maxDd = Math.min(maxDd, (e - peak) / peak);
  }
  const wins = r.trips.filter((t) => t.pnl.isPositive());
  const gain = wins.reduce((a, t) => a.plus(t.pnl), ZERO);
  const loss = r.trips.filter((t) => t.pnl.isNegative()).reduce((a, t) => a.plus(t.pnl.abs()), ZERO);
  const net = r.trips.reduce((a, t) => a.plus(t.pnl), ZERO);
  let funding = ZERO;
  let fundingPayments = 0;
  let liquidations = 0;
  for (const n of r.notices) {
    if (n.kind === 'funding') {
      funding = funding.plus(n.amount);
      fundingPayments += 1;
    } else if (n.kind === 'liquidated') liquidations += 1;
  }
  return {
    startingCash: money(r.startingCash),
    equityFinal: money(r.equityFinal),
    returnPct: start > 0 ? (final / start - 1) * 100 : 0,
    returnAnnPct: years > 0 && start > 0 && final > 0 ? ((final / start) ** (1 / years) - 1) * 100 : 0,
    volatilityAnnPct: sd * Math.sqrt(365) * 100,
    sharpe: sd > 0 ? (mean(rets) / sd) * Math.sqrt(365) : 0,
    sortino: downside > 0 ? (mean(rets) / downside) * Math.sqrt(365) : 0,
    maxDrawdownPct: maxDd * 100,
    trades: r.trips.length,
    winRatePct: r.trips.length ? (wins.length / r.trips.length) * 100 : 0,
    profitFactor: loss.isZero() ? (gain.isZero() ? 0 : Infinity) : gain.div(loss).toNumber(),
    expectancy: money(r.trips.length ? net.div(r.trips.length) : ZERO),
    fees: money(r.fees),
    funding: money(funding),
    fundingPayments,
    liquidations,
    fills: r.fills.length,
    denied: r.stats.denied,
    deniedByCheck: r.stats.deniedByCheck,
    approvalsAsked: r.stats.approvalsAsked,
    byBook: group(r.trips, (t) => t.book),
    bySymbol: group(r.trips, (t) => t.symbol),
    ...(opts.breakdown
      ? { byPeriod: group(r.trips, (t) => periodKey(t.closedAt, opts.breakdown as Breakdown)) }
      : {}),
    intrabarRule: r.intrabarRule,
    defaults: opts.defaults ?? [],
  };
}

/** "12 entries denied: 9 max-open-positions, 3 daily-loss". */
export function deniedLine(report: Pick<KernelReport, 'denied' | 'deniedByCheck'>): string {
  if (report.denied === 0) return 'no orders denied by risk';
  const parts = Object.entries(report.deniedByCheck)
    .sort((a, b) => b[1] - a[1])
    .map(([check, n]) => `${n} ${check}`);
  return `${report.denied} ${report.denied === 1 ? 'order' : 'orders'} denied: ${parts.join(', ')}`;
}
