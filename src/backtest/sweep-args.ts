// Flags of `bosun backtest --sweep` beyond the grid itself: how to search it, walk-forward folds and the
// local worker threads; parsed from node:util parseArgs values into one typed value.
import { UsageError } from '../platform/errors.js';

export const SEARCH_METHODS = ['grid', 'random', 'halving'] as const;
export type SearchMethod = (typeof SEARCH_METHODS)[number];

export interface SweepSearch {
  method: SearchMethod;
  /** Combinations drawn (random) or started with (halving); default: every one up to DEFAULT_SAMPLES. */
  samples: number | null;
  /** Halving keeps the best 1/eta of each rung. */
  eta: number;
  seed: number;
  /** Walk-forward folds; null for one optimisation over the whole range. */
  folds: number | null;
  /** Share of each fold's window used to optimise; the rest scores the winner out of sample. */
  inSamplePct: number;
  /** Local worker threads (no Redis); null sends the runs to the backtests queue. */
  workers: number | null;
}

export const DEFAULT_SAMPLES = 100;

export const SWEEP_ARG_OPTIONS = {
  search: { type: 'string' },
  samples: { type: 'string' },
  eta: { type: 'string' },
  seed: { type: 'string' },
  'walk-forward': { type: 'string' },
  'in-sample-pct': { type: 'string' },
  workers: { type: 'string' },
} as const;

export const SWEEP_ARGS_HELP = `  --search grid|random|halving
                        grid (default): every combination; random: --samples of them drawn at
                        random (--seed); halving: successive halving, --samples candidates on
                        the first 1/eta^k of the bars, the best 1/--eta go on to more bars
  --samples N           combinations for random or halving (default all, at most ${DEFAULT_SAMPLES})
  --eta N               halving's keep ratio 1/N per rung (default 3)
  --seed N              random draw seed (default 1; the same seed draws the same runs)
  --walk-forward K      also K walk-forward folds: optimise on each fold's in-sample window,
                        score the winner on the out-of-sample window after it, and report
                        walk-forward efficiency and the probability of backtest overfitting
  --in-sample-pct P     in-sample share of each fold's window, 50..95 (default 75)
  --workers N           run the sweep on N local threads sharing the candles in memory, no
                        Redis (default: the backtests queue, as above)`;

type Values = Partial<Record<keyof typeof SWEEP_ARG_OPTIONS, string | boolean | string[]>>;

function int(
  flag: string,
  v: string | boolean | string[] | undefined,
  min: number,
  max: number,
): number | null {
  if (v === undefined) return null;
  const s = String(v).trim();
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < min || n > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got "${String(v)}"`);
  }
  return n;
}

export function parseSweepArgs(values: Values, sweeping: boolean): SweepSearch {
  const given = (Object.keys(SWEEP_ARG_OPTIONS) as (keyof typeof SWEEP_ARG_OPTIONS)[]).filter(
    (k) => values[k] !== undefined,
  );
  if (!sweeping && given.length) throw new UsageError(`--${given[0]} needs --sweep: it shapes a sweep`);
  const m = values.search === undefined ? 'grid' : String(values.search);
  if (!(SEARCH_METHODS as readonly string[]).includes(m)) {
    throw new UsageError(`--search accepts ${SEARCH_METHODS.join(', ')}, got "${m}"`);
  }
  const method = m as SearchMethod;
  const samples = int('samples', values.samples, 1, 100_000);
  if (samples !== null && method === 'grid') {
    throw new UsageError('--samples needs --search random or halving (a grid runs every combination)');
  }
  const eta = int('eta', values.eta, 2, 10);
  if (eta !== null && method !== 'halving') throw new UsageError('--eta needs --search halving');
  const folds = int('walk-forward', values['walk-forward'], 2, 50);
  const inSamplePct = int('in-sample-pct', values['in-sample-pct'], 50, 95);
  if (inSamplePct !== null && folds === null) throw new UsageError('--in-sample-pct needs --walk-forward K');
  return {
    method,
    samples,
    eta: eta ?? 3,
    seed: int('seed', values.seed, 0, 2 ** 31) ?? 1,
    folds,
    inSamplePct: inSamplePct ?? 75,
    workers: int('workers', values.workers, 1, 256),
  };
}
