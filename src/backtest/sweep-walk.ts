// Walk-forward evaluation of a sweep: rolling folds whose in-sample window picks the best params and whose
// out-of-sample window (the bars right after) scores them, plus two overfitting figures: walk-forward
// efficiency (out-of-sample over in-sample annualised return) and PBO (Bailey et al.: the share of folds in
// which the in-sample winner ranks in the out-of-sample bottom half of the candidates).
import type { StrategyParams } from '../strategies/types.js';
import { iso } from './candles.js';
import type { SweepSearch } from './sweep-args.js';
import { rankRuns, type RankKey, type SweepRunResult } from './sweep-rank.js';
import { plannedRuns, search, type Evaluate, type Window } from './sweep-search.js';

export interface FoldWindows {
  readonly inSample: Required<Window>;
  readonly outOfSample: Required<Window>;
}

export interface FoldReport {
  readonly inSample: { from: string; to: string; bars: number };
  readonly outOfSample: { from: string; to: string; bars: number };
  readonly params: StrategyParams;
  readonly inSampleScore: number | null;
  readonly outOfSampleScore: number | null;
  readonly inSampleReturnAnnPct: number | null;
  readonly outOfSampleReturnAnnPct: number | null;
  /** 1 = the in-sample winner was also the best out of sample. */
  readonly outOfSampleRank: number;
  readonly candidates: number;
}

export interface WalkForwardReport {
  readonly folds: FoldReport[];
  readonly inSamplePct: number;
  readonly meanInSampleScore: number | null;
  readonly meanOutOfSampleScore: number | null;
  /** Mean out-of-sample annualised return over the in-sample one, in percent; null when in-sample ≤ 0. */
  readonly efficiencyPct: number | null;
  /** Probability of backtest overfitting, percent of folds. */
  readonly pboPct: number;
  readonly runs: number;
}

/**
 * K rolling folds over `n` bars: out-of-sample windows tile the end of the range back to back, each
 * after an in-sample window `inSamplePct` of its fold (75 % → in-sample three times out-of-sample).
 */
export function foldWindows(times: Float64Array, k: number, inSamplePct: number): FoldWindows[] {
  const n = times.length;
  const ratio = inSamplePct / (100 - inSamplePct);
  const oos = Math.floor(n / (k + ratio));
  const is = Math.floor(oos * ratio);
  if (oos < 2 || is < 2) return [];
  const at = (i: number): number => times[Math.min(n - 1, i)] as number;
  return Array.from({ length: k }, (_, f) => {
    const a = n - (k - f) * oos - is;
    return {
      inSample: { from: at(a), to: at(a + is - 1) },
      outOfSample: { from: at(a + is), to: at(a + is + oos - 1) },
    };
  });
}

export function plannedWalkRuns(candidates: number, s: SweepSearch): number {
  // Every candidate is scored out of sample too, so the winner's out-of-sample rank means something.
  return (s.folds ?? 0) * (plannedRuns(candidates, s) + candidates);
}

function num(r: SweepRunResult | undefined, key: string): number | null {
  const v = r?.stats[key as RankKey];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function mean(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

function barsIn(times: Float64Array, w: Required<Window>): number {
  let c = 0;
  for (let i = 0; i < times.length; i++)
    if ((times[i] as number) >= w.from && (times[i] as number) <= w.to) c++;
  return c;
}

export async function walkForward(
  candidates: readonly StrategyParams[],
  s: SweepSearch,
  evaluate: Evaluate,
  rankBy: RankKey,
  times: Float64Array,
): Promise<WalkForwardReport | null> {
  const windows = foldWindows(times, s.folds ?? 0, s.inSamplePct);
  if (windows.length === 0) return null;
  const folds: FoldReport[] = [];
  let runs = 0;
  let overfit = 0;
  for (const w of windows) {
    const found = await search(candidates, s, evaluate, w.inSample, rankBy, times);
    runs += found.runs;
    const best = found.ranked[0];
    if (!best) continue;
    const oosRuns = await evaluate(candidates, w.outOfSample);
    runs += oosRuns.length;
    const key = JSON.stringify(best.params);
    const at = candidates.findIndex((c) => JSON.stringify(c) === key);
    const oosRanked = rankRuns(oosRuns, rankBy);
    const pos = oosRanked.findIndex((r) => r.n === at);
    const m = candidates.length;
    // Bailey's relative rank ω = (m − pos) / (m + 1); at or below one half is the overfit side.
    if ((m - pos) / (m + 1) <= 0.5) overfit++;
    const oosBest = oosRuns[at];
    folds.push({
      inSample: { from: iso(w.inSample.from), to: iso(w.inSample.to), bars: barsIn(times, w.inSample) },
      outOfSample: {
        from: iso(w.outOfSample.from),
        to: iso(w.outOfSample.to),
        bars: barsIn(times, w.outOfSample),
      },
      params: best.params,
      inSampleScore: num(best, rankBy),
      outOfSampleScore: num(oosBest, rankBy),
      inSampleReturnAnnPct: num(best, 'returnAnnPct'),
      outOfSampleReturnAnnPct: num(oosBest, 'returnAnnPct'),
      outOfSampleRank: pos + 1,
      candidates: m,
    });
  }
  const isAnn = mean(folds.map((f) => f.inSampleReturnAnnPct));
  const oosAnn = mean(folds.map((f) => f.outOfSampleReturnAnnPct));
  return {
    folds,
    inSamplePct: s.inSamplePct,
    meanInSampleScore: mean(folds.map((f) => f.inSampleScore)),
    meanOutOfSampleScore: mean(folds.map((f) => f.outOfSampleScore)),
    efficiencyPct: isAnn !== null && oosAnn !== null && isAnn > 0 ? (oosAnn / isAnn) * 100 : null,
    pboPct: folds.length ? (overfit / folds.length) * 100 : 0,
    runs,
  };
}

function fmt(v: number | null): string {
  return v === null ? '—' : v.toFixed(2);
}

/** The fold table and the overfitting line for the text output. */
export function walkForwardText(
  r: WalkForwardReport,
  rankBy: RankKey,
  label: (p: StrategyParams) => string,
): string {
  const head = [
    'fold',
    'in-sample',
    'out-of-sample',
    'best in-sample',
    `IS ${rankBy}`,
    `OOS ${rankBy}`,
    'OOS rank',
  ];
  const rows = r.folds.map((f, i) => [
    String(i + 1),
    `${f.inSample.from} … ${f.inSample.to}`,
    `${f.outOfSample.from} … ${f.outOfSample.to}`,
    label(f.params),
    fmt(f.inSampleScore),
    fmt(f.outOfSampleScore),
    `${f.outOfSampleRank}/${f.candidates}`,
  ]);
  const w = head.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]): string =>
    row
      .map((v, c) => (c >= 4 ? v.padStart(w[c] ?? 0) : v.padEnd(w[c] ?? 0)))
      .join('  ')
      .trimEnd();
  const overfit = Math.round((r.pboPct / 100) * r.folds.length);
  const eff =
    r.efficiencyPct === null
      ? 'walk-forward efficiency n/a (in-sample annualised return not positive)'
      : `walk-forward efficiency ${r.efficiencyPct.toFixed(0)} % (out-of-sample over in-sample annualised return)`;
  return [
    `walk-forward: ${r.folds.length} folds, ${r.inSamplePct} % in-sample, ${r.runs} runs`,
    line(head),
    ...rows.map(line),
    `overfitting: ${eff}; the in-sample best ranked in the out-of-sample bottom half in ${overfit} of ${r.folds.length} folds (PBO ${r.pboPct.toFixed(0)} %)`,
  ].join('\n');
}
