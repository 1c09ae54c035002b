// Ranking sweep runs by one statistic and printing them: the plain-text table and the `--json` document.
import { UsageError } from '../platform/errors.js';
import type { StrategyParams } from '../strategies/types.js';
import type { BacktestStats } from './stats.js';
import { paramsLabel, type SweepAxis } from './sweep-grid.js';
import type { WalkForwardReport } from './sweep-walk.js';

/** Stats as they travel through the queue and into JSON: undefined ratios (NaN) become null. */
export type StatsJson = Record<keyof BacktestStats, number | string | null>;

export interface SweepRunResult {
  /** Position in the grid, which breaks ties. */
  readonly n: number;
  readonly params: StrategyParams;
  readonly stats: StatsJson;
}

/** The statistics a sweep can be ranked by: every numeric stat of the JSON document. */
export const RANK_KEYS = [
  'trades',
  'returnPct',
  'buyHoldReturnPct',
  'exposurePct',
  'returnAnnPct',
  'volatilityAnnPct',
  'cagrPct',
  'sharpe',
  'sortino',
  'calmar',
  'alphaPct',
  'beta',
  'maxDrawdownPct',
  'avgDrawdownPct',
  'maxDrawdownDurationDays',
  'avgDrawdownDurationDays',
  'winRatePct',
  'bestTradePct',
  'worstTradePct',
  'avgTradePct',
  'maxTradeDurationDays',
  'avgTradeDurationDays',
  'profitFactor',
  'expectancyPct',
  'sqn',
  'kelly',
  'durationDays',
] as const satisfies readonly (keyof BacktestStats)[];
export type RankKey = (typeof RANK_KEYS)[number];

export function parseRankKey(v: string | undefined): RankKey {
  if (v === undefined) return 'returnPct';
  if (!(RANK_KEYS as readonly string[]).includes(v)) {
    throw new UsageError(`--rank-by accepts a numeric stat: ${RANK_KEYS.join(', ')}; got "${v}"`);
  }
  return v as RankKey;
}

export function statsJson(stats: BacktestStats): StatsJson {
  return Object.fromEntries(
    Object.entries(stats).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? null : v]),
  ) as StatsJson;
}

function value(r: SweepRunResult, key: RankKey): number | null {
  const v = r.stats[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Highest first (a drawdown of −5 % ranks above −20 %); runs without a value last; ties in grid order. */
export function rankRuns(runs: readonly SweepRunResult[], key: RankKey): SweepRunResult[] {
  return [...runs].sort((a, b) => {
    const va = value(a, key);
    const vb = value(b, key);
    if (va === null || vb === null) return va === vb ? a.n - b.n : va === null ? 1 : -1;
    return vb - va || a.n - b.n;
  });
}

const TABLE_STATS: readonly RankKey[] = ['trades', 'returnPct', 'sharpe', 'maxDrawdownPct', 'winRatePct'];

function cell(v: number | string | null, key: RankKey): string {
  if (typeof v !== 'number') return v ?? '—';
  return key === 'trades' ? String(v) : v.toFixed(2);
}

export function rankedTable(
  ranked: readonly SweepRunResult[],
  axes: readonly SweepAxis[],
  key: RankKey,
): string {
  const cols = TABLE_STATS.includes(key) ? TABLE_STATS : [...TABLE_STATS, key];
  const head = ['rank', 'params', ...cols];
  const rows = ranked.map((r, i) => [
    String(i + 1),
    paramsLabel(r.params, axes),
    ...cols.map((c) => cell(r.stats[c], c)),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  // Params left-aligned, numbers right-aligned so their decimal points line up.
  const fmt = (r: readonly string[]): string =>
    r
      .map((v, c) => (c === 1 ? v.padEnd(widths[c] ?? 0) : v.padStart(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(head), ...rows.map(fmt)].join('\n');
}

export interface SweepJson {
  strategy: string;
  data: { source: string; bars: number };
  sweep: Record<string, number[]>;
  fixed: Record<string, string>;
  rankBy: RankKey;
  runs: number;
  skipped: number;
  ranked: { params: StrategyParams; stats: StatsJson }[];
  /** How the grid was searched: candidates drawn from it and runs spent (halving counts every rung). */
  search?: { method: string; candidates: number; runs: number };
  /** With --walk-forward: per fold scores and the overfitting figures. */
  walkForward?: WalkForwardReport;
  elapsedMs: number;
}
