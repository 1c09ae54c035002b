// Backtest statistics with backtesting.py 0.6.6's definitions (compute_stats in _stats.py), in every
// mode. Ratios are float64 like upstream; money values arrive exact and leave as decimal strings.
import { annualization, ceilTo, DAY_MS, dataPeriodMs, periodReturns, resolutionMs } from './stats-time.js';

export interface StatsTrade {
  readonly entryBar: number;
  readonly exitBar: number;
  readonly pnl: number;
  /** ReturnPct as a fraction. */
  readonly returnFrac: number;
}

export interface StatsInput {
  readonly time: Float64Array;
  readonly close: Float64Array;
  readonly equity: Float64Array;
  readonly trades: readonly StatsTrade[];
  /** Bar buy-and-hold is measured from: the strategy's indicator warm-up. */
  readonly warmup: number;
  readonly equityFinal: string;
  readonly equityPeak: string;
  readonly commissions: string;
}

/** The CONTRACT's `stats` object, plus alpha, beta, duration and commissions. NaN means undefined. */
export interface BacktestStats {
  trades: number;
  equityFinal: string;
  equityPeak: string;
  commissions: string;
  returnPct: number;
  buyHoldReturnPct: number;
  exposurePct: number;
  returnAnnPct: number;
  volatilityAnnPct: number;
  cagrPct: number;
  sharpe: number;
  sortino: number;
  calmar: number;
  alphaPct: number;
  beta: number;
  maxDrawdownPct: number;
  avgDrawdownPct: number;
  maxDrawdownDurationDays: number;
  avgDrawdownDurationDays: number;
  winRatePct: number;
  bestTradePct: number;
  worstTradePct: number;
  avgTradePct: number;
  maxTradeDurationDays: number;
  avgTradeDurationDays: number;
  profitFactor: number;
  expectancyPct: number;
  sqn: number;
  kelly: number;
  durationDays: number;
}

const mean = (a: readonly number[]): number => (a.length ? a.reduce((s, x) => s + x, 0) / a.length : NaN);
// upstream divides by `x or np.nan`; a volatility that is zero only up to float cancellation (e.g. a
// −100% annualised return over two days) must not turn into a Sharpe of 1e14 either.
const orNaN = (x: number): number => (Math.abs(x) < 1e-9 || Number.isNaN(x) ? NaN : x);
// Loops, not Math.max(...a): spreading 100k+ trades would overflow the call stack.
const maxOf = (a: readonly number[]): number => a.reduce((m, x) => (x > m ? x : m), -Infinity);
const minOf = (a: readonly number[]): number => a.reduce((m, x) => (x < m ? x : m), Infinity);

/** Sample variance (ddof = 1), two-pass as numpy does it. */
function variance(a: readonly number[]): number {
  if (a.length < 2) return NaN;
  const m = mean(a);
  let s = 0;
  for (const x of a) s += (x - m) * (x - m);
  return s / (a.length - 1);
}

/** backtesting.py's geometric_mean: 0 if any return is −100 % or worse. */
export function geometricMean(returns: readonly number[]): number {
  if (returns.length === 0) return NaN;
  let s = 0;
  for (const r of returns) {
    if (r + 1 <= 0) return 0;
    s += Math.log(r + 1);
  }
  return Math.exp(s / returns.length) - 1;
}

/** Drawdown periods: runs between bars where dd == 0 exactly (or the last bar), as compute_drawdown_duration_peaks. */
export function drawdownPeriods(
  time: Float64Array,
  dd: Float64Array,
): { durations: number[]; peaks: number[] } | null {
  const stops: number[] = [];
  for (let i = 0; i < dd.length; i++) if (dd[i] === 0) stops.push(i);
  if (stops[stops.length - 1] !== dd.length - 1) stops.push(dd.length - 1);
  const durations: number[] = [];
  const peaks: number[] = [];
  for (let k = 1; k < stops.length; k++) {
    const prev = stops[k - 1] as number;
    const cur = stops[k] as number;
    if (cur <= prev + 1) continue;
    durations.push((time[cur] as number) - (time[prev] as number));
    let peak = 0;
    for (let i = prev; i <= cur; i++) if ((dd[i] as number) > peak) peak = dd[i] as number;
    peaks.push(peak);
  }
  return durations.length ? { durations, peaks } : null;
}

function equityStats(input: StatsInput) {
  const { time, close, equity } = input;
  const n = equity.length;
  const dd = new Float64Array(n);
  let max = -Infinity;
  let maxDd = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i] as number;
    if (e > max) max = e;
    const d = 1 - e / max;
    dd[i] = d;
    if (d > maxDd) maxDd = d;
  }
  const unit = resolutionMs(dataPeriodMs(time));
  const periods = drawdownPeriods(time, dd);
  let avgDd: number;
  let maxDur = NaN;
  let avgDur = NaN;
  if (periods) {
    avgDd = mean(periods.peaks);
    maxDur = ceilTo(maxOf(periods.durations), unit) / DAY_MS;
    avgDur = ceilTo(Math.floor(mean(periods.durations)), unit) / DAY_MS;
  } else {
    // Upstream falls back to the non-zero drawdowns themselves.
    const nz = Array.from(dd).filter((d) => d !== 0);
    avgDd = mean(nz);
  }

  const first = equity[0] as number;
  const last = equity[n - 1] as number;
  const { freq, periodsPerYear: D } = annualization(time);
  const r = periodReturns(time, equity, freq);
  const g = geometricMean(r);
  const gm = Number.isNaN(g) ? 0 : g;
  const annRet = (1 + gm) ** D - 1;
  const vol = Math.sqrt((variance(r) + (1 + gm) ** 2) ** D - (1 + gm) ** (2 * D));
  const downside = Math.sqrt(mean(r.map((x) => (x < 0 ? x * x : 0)))) * Math.sqrt(D);

  const durMs = (time[n - 1] as number) - (time[0] as number);
  const years = (Math.floor(durMs / DAY_MS) + Math.floor((durMs % DAY_MS) / 1000) / 86400) / 365.25;
  const returnPct = ((last - first) / first) * 100;
  const w = input.warmup;
  const buyHoldReturnPct = (((close[n - 1] as number) - (close[w] as number)) / (close[w] as number)) * 100;
  const beta = betaOf(equity, close);

  return {
    returnPct,
    buyHoldReturnPct,
    returnAnnPct: annRet * 100,
    volatilityAnnPct: vol * 100,
    cagrPct: years ? ((last / first) ** (1 / years) - 1) * 100 : NaN,
    sharpe: (annRet * 100) / orNaN(vol * 100),
    sortino: annRet / downside,
    calmar: annRet / orNaN(maxDd),
    alphaPct: returnPct - beta * buyHoldReturnPct,
    beta,
    maxDrawdownPct: -maxDd * 100,
    avgDrawdownPct: -avgDd * 100,
    maxDrawdownDurationDays: maxDur,
    avgDrawdownDurationDays: avgDur,
    durationDays: durMs / DAY_MS,
    unit,
  };
}

/**
 * cov(log equity returns, log market returns) / var(log market returns), over every bar. The means
 * telescope (Σ log(aᵢ₊₁/aᵢ) = log(aₙ/a₀)), so one pass of logs suffices; a flat bar's log is 0.
 */
function betaOf(equity: Float64Array, close: Float64Array): number {
  const n = equity.length - 1;
  if (n < 2) return NaN;
  const mx = Math.log((equity[n] as number) / (equity[0] as number)) / n;
  const my = Math.log((close[n] as number) / (close[0] as number)) / n;
  let cxy = 0;
  let cyy = 0;
  for (let i = 0; i < n; i++) {
    const e0 = equity[i] as number;
    const e1 = equity[i + 1] as number;
    const dx = (e1 === e0 ? 0 : Math.log(e1 / e0)) - mx;
    const dy = Math.log((close[i + 1] as number) / (close[i] as number)) - my;
    cxy += dx * dy;
    cyy += dy * dy;
  }
  return cxy / cyy;
}

export function computeStats(input: StatsInput): BacktestStats {
  const { trades, time } = input;
  const n = input.equity.length;
  const eq = equityStats(input);

  const held = new Uint8Array(n + 1);
  for (const t of trades) held.fill(1, t.entryBar, t.exitBar + 1);
  let exposed = 0;
  for (let i = 0; i < n; i++) exposed += held[i] as number;

  const pnl = trades.map((t) => t.pnl);
  const ret = trades.map((t) => t.returnFrac);
  const durations = trades.map((t) => (time[t.exitBar] as number) - (time[t.entryBar] as number));
  const count = trades.length;
  const winRate = count ? pnl.filter((p) => p > 0).length / count : NaN;
  const gains = ret.filter((r) => r > 0).reduce((s, r) => s + r, 0);
  const losses = Math.abs(ret.filter((r) => r < 0).reduce((s, r) => s + r, 0));
  const avgWin = mean(pnl.filter((p) => p > 0));
  const avgLoss = -mean(pnl.filter((p) => p < 0));

  return {
    trades: count,
    equityFinal: input.equityFinal,
    equityPeak: input.equityPeak,
    commissions: input.commissions,
    returnPct: eq.returnPct,
    buyHoldReturnPct: eq.buyHoldReturnPct,
    exposurePct: (exposed / n) * 100,
    returnAnnPct: eq.returnAnnPct,
    volatilityAnnPct: eq.volatilityAnnPct,
    cagrPct: eq.cagrPct,
    sharpe: eq.sharpe,
    sortino: eq.sortino,
    calmar: eq.calmar,
    alphaPct: eq.alphaPct,
    beta: eq.beta,
    maxDrawdownPct: eq.maxDrawdownPct,
    avgDrawdownPct: eq.avgDrawdownPct,
    maxDrawdownDurationDays: eq.maxDrawdownDurationDays,
    avgDrawdownDurationDays: eq.avgDrawdownDurationDays,
    winRatePct: winRate * 100,
    bestTradePct: count ? maxOf(ret) * 100 : NaN,
    worstTradePct: count ? minOf(ret) * 100 : NaN,
    avgTradePct: geometricMean(ret) * 100,
    maxTradeDurationDays: count ? ceilTo(maxOf(durations), eq.unit) / DAY_MS : NaN,
    avgTradeDurationDays: count ? ceilTo(Math.floor(mean(durations)), eq.unit) / DAY_MS : NaN,
    profitFactor: gains / orNaN(losses),
    expectancyPct: mean(ret) * 100,
    sqn: (Math.sqrt(count) * mean(pnl)) / orNaN(Math.sqrt(variance(pnl))),
    kelly: winRate - (1 - winRate) / (avgWin / avgLoss),
    durationDays: eq.durationDays,
  };
}
