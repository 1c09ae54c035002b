// Searching a sweep grid smarter than running all of it: a seeded random draw, and successive halving
// (every candidate on a short prefix of the bars, the best 1/eta on eta times more, until the full window).
// Written here rather than taken from a library: npm has no maintained optimiser of this size for Node.
import type { StrategyParams } from '../strategies/types.js';
import { DEFAULT_SAMPLES, type SweepSearch } from './sweep-args.js';
import { rankRuns, type RankKey, type SweepRunResult } from './sweep-rank.js';

/** Bars [from, to] by open time; undefined ends mean the whole loaded range. */
export interface Window {
  readonly from?: number;
  readonly to?: number;
}

/** Runs each params on the window; results in the same order, `n` their index in `params`. */
export type Evaluate = (params: readonly StrategyParams[], w: Window) => Promise<SweepRunResult[]>;

export interface SearchOutcome {
  /** The last rung's runs (the whole window), ranked. */
  readonly ranked: SweepRunResult[];
  /** Candidates the search started with. */
  readonly candidates: readonly StrategyParams[];
  /** Runs it cost, every rung counted. */
  readonly runs: number;
}

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `k` distinct combinations drawn with the seed, kept in grid order (which breaks ranking ties). */
export function drawCombos<T>(combos: readonly T[], k: number, seed: number): T[] {
  if (k >= combos.length) return [...combos];
  const idx = combos.map((_, i) => i);
  const rnd = mulberry32(seed);
  // Partial Fisher–Yates: the first k slots are a uniform sample.
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rnd() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  return idx
    .slice(0, k)
    .sort((a, b) => a - b)
    .map((i) => combos[i] as T);
}

/** The candidates a search starts from. */
export function candidatesOf(combos: readonly StrategyParams[], s: SweepSearch): StrategyParams[] {
  if (s.method === 'grid') return [...combos];
  return drawCombos(combos, s.samples ?? Math.min(combos.length, DEFAULT_SAMPLES), s.seed);
}

/** Candidates per halving rung, ending with the survivors that run on the whole window. */
export function rungSizes(candidates: number, eta: number): number[] {
  const sizes = [candidates];
  while ((sizes[sizes.length - 1] as number) > 1 && sizes.length < 6) {
    sizes.push(Math.max(1, Math.ceil((sizes[sizes.length - 1] as number) / eta)));
  }
  return sizes;
}

/** Runs a search of `s.method` costs for `candidates` starting points. */
export function plannedRuns(candidates: number, s: SweepSearch): number {
  return s.method === 'halving' ? rungSizes(candidates, s.eta).reduce((a, b) => a + b, 0) : candidates;
}

/** The window cut to its first `frac` of bars (at least `minBars`), by the loaded bar times. */
function prefix(times: Float64Array, w: Window, frac: number, minBars: number): Window {
  let a = 0;
  let b = times.length;
  if (w.from !== undefined) while (a < b && (times[a] as number) < w.from) a++;
  if (w.to !== undefined) while (b > a && (times[b - 1] as number) > w.to) b--;
  const len = Math.min(b - a, Math.max(minBars, Math.ceil((b - a) * frac)));
  return { ...(w.from !== undefined ? { from: w.from } : {}), to: times[a + len - 1] as number };
}

export async function search(
  candidates: readonly StrategyParams[],
  s: SweepSearch,
  evaluate: Evaluate,
  w: Window,
  rankBy: RankKey,
  times: Float64Array,
): Promise<SearchOutcome> {
  if (s.method !== 'halving') {
    const runs = await evaluate(candidates, w);
    return { ranked: rankRuns(runs, rankBy), candidates, runs: runs.length };
  }
  const sizes = rungSizes(candidates.length, s.eta);
  let alive = [...candidates];
  let runs = 0;
  for (let k = 0; k < sizes.length; k++) {
    const last = k === sizes.length - 1;
    // Rung k sees eta^-(K-k) of the window; the last rung sees all of it.
    const frac = s.eta ** -(sizes.length - 1 - k);
    const out = await evaluate(alive, last ? w : prefix(times, w, frac, 200));
    runs += out.length;
    const ranked = rankRuns(out, rankBy);
    if (last) return { ranked, candidates, runs };
    const keep = new Set(ranked.slice(0, sizes[k + 1]).map((r) => r.n));
    // Survivors keep their grid order so ties still break the same way.
    alive = alive.filter((_, i) => keep.has(i));
  }
  throw new Error('unreachable: halving always ends on its last rung');
}
