// Sweeps over 1,000,000 synthetic 1-minute bars on the local thread pool (the candles shared, loaded once):
// 100 SMA-cross combinations on 1 and on 2 threads, then 1,000 combinations on every core. The 1,000-run
// sweep stops after BENCH_SWEEP_CAP_S seconds (default 120) and then reports its rate and the projected time.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SweepPool } from '../src/backtest/pool.js';
import type { SweepTask } from '../src/backtest/sweep.js';
import { syntheticBars } from './backtest-speed.js';

export const timeoutSeconds = 900;
export const headline = ['sweep100_1_worker_s', 'sweep100_2_workers_s', 'sweep1000_s'];

const OPTIONS = { compat: 'backtesting.py', fill: 'open', cash: '1000000', commission: '0.002' } as const;

function tasks(pairs: [number, number][]): SweepTask[] {
  return pairs.map(([fast, slow], n) => ({
    sweepId: 'bench',
    n,
    data: 'synthetic',
    strategy: 'sma-cross',
    params: { fast, slow },
    options: OPTIONS,
  }));
}

function grid(fast: number[], slow: number[]): [number, number][] {
  return fast.flatMap((f) => slow.map((s): [number, number] => [f, s]));
}

const range = (a: number, b: number, step = 1): number[] =>
  Array.from({ length: Math.floor((b - a) / step) + 1 }, (_, i) => a + i * step);

async function timedSweep(pool: SweepPool, t: SweepTask[]): Promise<number> {
  const t0 = performance.now();
  const r = await pool.run(t);
  if (r.length !== t.length) throw new Error('sweep lost runs');
  return performance.now() - t0;
}

export async function run(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const series = syntheticBars(Number(process.env.BENCH_BARS ?? 1_000_000));
  out.bars = series.length;
  out.cores = availableParallelism();
  const hundred = tasks(grid(range(5, 14), range(30, 120, 10)));
  for (const workers of [1, 2]) {
    const pool = new SweepPool(series, { workers });
    try {
      // Threads start and warm up on one run each first: a sweep's steady state is what scales.
      await pool.run(hundred.slice(0, workers));
      out[`sweep100_${workers}_worker${workers === 1 ? '' : 's'}_s`] = Number(
        ((await timedSweep(pool, hundred)) / 1000).toFixed(2),
      );
    } finally {
      await pool.close();
    }
  }
  out.sweep100_speedup = Number(
    ((out.sweep100_1_worker_s as number) / (out.sweep100_2_workers_s as number)).toFixed(2),
  );

  const thousand = tasks(grid(range(1, 20), range(21, 70)));
  const cap = Number(process.env.BENCH_SWEEP_CAP_S ?? 120) * 1000;
  const pool = new SweepPool(series, { workers: availableParallelism() });
  try {
    const t0 = performance.now();
    let done = 0;
    while (done < thousand.length && performance.now() - t0 < cap) {
      // Small batches, so the cap is checked often.
      const batch = thousand.slice(done, done + 10 * pool.size);
      await pool.run(batch);
      done += batch.length;
    }
    const ms = performance.now() - t0;
    out.sweep1000_workers = pool.size;
    out.sweep1000_runs_done = done;
    if (done === thousand.length) out.sweep1000_s = Number((ms / 1000).toFixed(1));
    else {
      out.sweep1000_s = 'capped';
      out.sweep1000_projected_s = Number((((ms / done) * thousand.length) / 1000).toFixed(1));
    }
    out.sweep_runs_per_s = Number(((done / ms) * 1000).toFixed(2));
  } finally {
    await pool.close();
  }
  out.peak_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [k, v] of Object.entries(await run())) console.log(`${k}: ${v}`);
}
