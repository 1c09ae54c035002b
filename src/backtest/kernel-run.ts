// A backtest through the kernel, as `bosun backtest` and /backtest run it by default: the plan (instances,
// data, rules, costs) goes through runKernelBacktest, and the result is read back as round-trip trades,
// the CONTRACT's stats (annualised on 365 days from daily equity) and the kernel report. Pure.
import { Decimal, ZERO } from '../domain/decimal.js';
import type { Category, Instrument } from '../domain/instrument.js';
import {
  runKernelBacktest,
  type FundingSeries,
  type KernelBacktestInput,
  type KernelBacktestResult,
} from '../kernel/backtest.js';
import { kernelReport, type Breakdown, type KernelReport } from '../kernel/report.js';
import type { VenueCosts, VenueMargin } from '../kernel/sim-venue.js';
import type { InstanceConfig, SeriesKey } from '../kernel/types.js';
import type { RiskLimits } from '../risk/types.js';
import { resolveParams } from '../sdk/params.js';
import type { CandleSeries } from './candles.js';
import { computeStats, type BacktestStats } from './stats.js';

export interface KernelRunData {
  readonly series: SeriesKey;
  readonly bars: CandleSeries;
  /** Where the bars came from (the --data argument), for reports. */
  readonly source: string;
  readonly detail?: CandleSeries;
  readonly funding?: FundingSeries;
}

export interface KernelRunPlan {
  readonly instances: readonly InstanceConfig[];
  /** The finest series first: the equity curve and the stats are read on its bars. */
  readonly data: readonly KernelRunData[];
  readonly instruments: readonly Instrument[];
  readonly limits: RiskLimits;
  readonly approvals: KernelBacktestInput['approvals'];
  readonly cash: Decimal;
  readonly costs: VenueCosts;
  readonly margin: VenueMargin;
  /** The defaults this run used, in words, for the report ("commission: Bybit taker fee 0.055 %"). */
  readonly defaults: readonly string[];
  readonly breakdown?: Breakdown;
}

/** One round trip of one book, from the opening fill to the fill that closed it. */
export interface KernelTrade {
  readonly book: string;
  readonly symbol: string;
  readonly side: 'long' | 'short';
  /** Largest size held (signed: negative when short). */
  readonly size: Decimal;
  readonly entryTime: number;
  readonly exitTime: number;
  readonly entryBar: number;
  readonly exitBar: number;
  readonly entryPrice: Decimal;
  readonly exitPrice: Decimal;
  /** Net of the round trip's fees, as the book realized it. */
  readonly pnl: Decimal;
  readonly fees: Decimal;
  readonly returnPct: number;
  readonly liquidated: boolean;
}

export interface KernelRunResult {
  readonly plan: KernelRunPlan;
  readonly result: KernelBacktestResult;
  readonly report: KernelReport;
  readonly trades: readonly KernelTrade[];
  readonly stats: BacktestStats;
  /** Bar of the first series buy-and-hold is measured from (the strategy's warm-up; 0 for a portfolio). */
  readonly warmup: number;
}

/** Index of the bar of `time` that holds `t` (the last open time at or before it). */
function barAt(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length - 1;
  if (hi < 0 || t <= (time[0] as number)) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((time[mid] as number) <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

interface Open {
  long: boolean;
  size: Decimal;
  peak: Decimal;
  cost: Decimal;
  entryTime: number;
  fees: Decimal;
  exitQty: Decimal;
  exitValue: Decimal;
}

/** Round trips read from the fill and liquidation notices, in the order the kernel gave them. */
export function tradesOf(
  r: KernelBacktestResult,
  categories: ReadonlyMap<string, Category>,
  time: Float64Array,
): KernelTrade[] {
  const open = new Map<string, Open>();
  const out: KernelTrade[] = [];
  const close = (
    key: string,
    o: Open,
    at: number,
    pnl: Decimal,
    liquidated: boolean,
    book: string,
    symbol: string,
  ) => {
    const entryPrice = o.cost.div(o.peak.abs());
    const exitPrice = o.exitQty.isZero() ? entryPrice : o.exitValue.div(o.exitQty);
    const notional = o.cost.abs();
    out.push({
      book,
      symbol,
      side: o.long ? 'long' : 'short',
      size: o.long ? o.peak : o.peak.neg(),
      entryTime: o.entryTime,
      exitTime: at,
      entryBar: barAt(time, o.entryTime),
      exitBar: barAt(time, at),
      entryPrice,
      exitPrice,
      pnl,
      fees: o.fees,
      returnPct: notional.isZero() ? 0 : pnl.div(notional).toNumber() * 100,
      liquidated,
    });
    open.delete(key);
  };
  r.notices.forEach((n, k) => {
    const at = r.noticeTimes[k] as number;
    if (n.kind !== 'fill' && n.kind !== 'liquidated') return;
    const key = `${n.book}|${n.symbol}`;
    let o = open.get(key);
    if (n.kind === 'liquidated') {
      if (!o) return;
      o.exitQty = o.exitQty.plus(n.qty);
      o.exitValue = o.exitValue.plus(n.qty.mul(n.price));
      close(key, o, at, n.realizedPnl ?? ZERO, true, n.book, n.symbol);
      return;
    }
    const spotBuy = categories.get(n.book) === 'spot' && n.side === 'Buy';
    const fee = spotBuy ? n.fee.mul(n.price) : n.fee;
    const start = (qty: Decimal) => {
      o = {
        long: n.side === 'Buy',
        size: qty,
        peak: qty,
        cost: qty.mul(n.price),
        entryTime: at,
        fees: fee,
        exitQty: ZERO,
        exitValue: ZERO,
      };
      open.set(key, o);
    };
    if (n.effect === 'opened' || !o) return start(n.qty);
    if (n.effect === 'added') {
      o.size = o.size.plus(n.qty);
      o.peak = Decimal.max(o.peak, o.size);
      o.cost = o.cost.plus(n.qty.mul(n.price));
      o.fees = o.fees.plus(fee);
      return;
    }
    const closing = Decimal.min(n.qty, o.size);
    o.exitQty = o.exitQty.plus(closing);
    o.exitValue = o.exitValue.plus(closing.mul(n.price));
    o.fees = o.fees.plus(fee.mul(closing).div(n.qty));
    o.size = o.size.minus(closing);
    if (n.effect === 'reduced') return;
    close(key, o, at, n.realizedPnl ?? ZERO, false, n.book, n.symbol);
    if (n.effect === 'flipped') start(n.qty.minus(closing));
  });
  return out;
}

function warmupOf(plan: KernelRunPlan, bars: number): number {
  if (plan.instances.length !== 1) return 0;
  const inst = plan.instances[0] as InstanceConfig;
  const def = inst.definition;
  const p = resolveParams(def.name ?? inst.id, def.params ?? {}, inst.params);
  const lb = typeof def.lookback === 'function' ? def.lookback(p) : (def.lookback ?? 200);
  const w = typeof def.warmup === 'function' ? def.warmup(p) : (def.warmup ?? lb - 1);
  return w >= 0 && w < bars ? Math.floor(w) : 0;
}

const money = (d: Decimal): string => d.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).toFixed(2);

export function runKernelPlan(plan: KernelRunPlan): KernelRunResult {
  const result = runKernelBacktest({
    data: plan.data.map((d) => ({
      series: d.series,
      bars: d.bars,
      ...(d.detail ? { detail: d.detail } : {}),
      ...(d.funding ? { funding: d.funding } : {}),
    })),
    margin: plan.margin,
    instances: plan.instances,
    instruments: plan.instruments,
    limits: plan.limits,
    approvals: plan.approvals,
    cash: plan.cash,
    costs: plan.costs,
  });
  const report = kernelReport(result, {
    ...(plan.breakdown ? { breakdown: plan.breakdown } : {}),
    defaults: [...plan.defaults],
  });
  const first = (plan.data[0] as KernelRunData).bars;
  const categories = new Map(plan.instances.map((i) => [i.id, i.category]));
  const trades = tradesOf(result, categories, first.time);
  const warmup = warmupOf(plan, first.length);
  let peak = -Infinity;
  for (const e of result.equity) peak = Math.max(peak, e);
  const base = computeStats({
    time: first.time,
    close: first.close,
    equity: result.equity,
    trades: trades.map((t) => ({
      entryBar: t.entryBar,
      exitBar: t.exitBar,
      pnl: t.pnl.toNumber(),
      returnFrac: t.returnPct / 100,
    })),
    warmup,
    equityFinal: report.equityFinal,
    equityPeak: money(new Decimal(String(Math.max(peak, plan.cash.toNumber())))),
    commissions: report.fees,
  });
  // A 24/7 market: the year is 365 days of daily equity returns, whatever the bar spacing.
  const stats: BacktestStats = {
    ...base,
    returnAnnPct: report.returnAnnPct,
    volatilityAnnPct: report.volatilityAnnPct,
    sharpe: report.sharpe,
    sortino: report.sortino,
    calmar: base.maxDrawdownPct < 0 ? report.returnAnnPct / -base.maxDrawdownPct : NaN,
  };
  return { plan, result, report, trades, stats, warmup };
}
