// Sweeps on local worker threads (--workers N): the same statistics as runs in this process, random and
// successive-halving searches, walk-forward folds with their overfitting figures, and failures named.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadCandles, runBacktest, runBacktestCli } from '../../src/backtest/index.js';
import { SweepPool } from '../../src/backtest/pool.js';
import { parseBacktestArgs } from '../../src/backtest/cli-args.js';
import { statsJson, type SweepJson } from '../../src/backtest/sweep-rank.js';
import { drawCombos, rungSizes } from '../../src/backtest/sweep-search.js';
import { foldWindows } from '../../src/backtest/sweep-walk.js';
import type { SweepTask } from '../../src/backtest/sweep.js';

const GOOG = 'tests/fixtures/backtest-GOOG.csv';
const BASE = [
  '--data',
  GOOG,
  '--strategy',
  'sma-cross',
  '--sweep',
  'fast=5..20:5',
  '--sweep',
  'slow=20..60:10',
];
const OPTS = { compat: 'backtesting.py' as const, fill: 'open' as const, commission: '0.002' };

function capture(): {
  io: { stdout: PassThrough; stderr: PassThrough };
  out: () => string;
  err: () => string;
} {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  stderr.on('data', (d: Buffer) => (e += d.toString()));
  return { io: { stdout, stderr }, out: () => o, err: () => e };
}

async function sweepJson(extra: string[]): Promise<SweepJson> {
  const c = capture();
  const code = await runBacktestCli(
    [...BASE, '--compat', 'backtesting.py', '--commission', '0.002', '--json', ...extra],
    c.io,
  );
  expect(c.err()).not.toMatch(/failed|error/i);
  expect(code).toBe(0);
  return JSON.parse(c.out()) as SweepJson;
}

describe('sweep pool', () => {
  it('runs on two threads sharing the columns and gives exactly the in-process statistics', async () => {
    const series = await loadCandles(GOOG, {});
    const pool = new SweepPool(series, { workers: 2 });
    try {
      const windowFrom = series.time[500] as number;
      const tasks: SweepTask[] = [5, 10, 15].map((fast, n) => ({
        sweepId: 't',
        n,
        data: GOOG,
        ...(n === 2 ? { from: windowFrom } : {}),
        strategy: 'sma-cross',
        params: { fast, slow: 30 },
        options: OPTS,
      }));
      const done: number[] = [];
      const got = await pool.run(tasks, (d) => done.push(d));
      expect(done).toEqual([1, 2, 3]);
      const want = tasks.map((t) => {
        const s = t.from === undefined ? series : { ...series, ...cut(series, t.from) };
        return statsJson(runBacktest(s, 'sma-cross', t.params, OPTS).stats);
      });
      expect(got.map((r) => r.stats)).toEqual(want);
      expect(got[2]?.stats.trades).not.toBe(got[1]?.stats.trades);
      // A run that fails names itself; the pool stays usable.
      await expect(
        pool.run([{ ...(tasks[0] as SweepTask), n: 7, params: { fast: 40, slow: 20 } }]),
      ).rejects.toThrow(/sweep run 8 \(fast=40 slow=20\) failed: .*slow/);
      expect((await pool.run(tasks.slice(0, 1)))[0]?.stats).toEqual(want[0]);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('--workers 2 ranks like the in-process grid', async () => {
    const local = await sweepJson([]);
    const threads = await sweepJson(['--workers', '2']);
    expect(threads.ranked).toEqual(local.ranked);
    expect(threads.search).toEqual({ method: 'grid', candidates: 19, runs: 19 });
  }, 60_000);

  it('random and halving searches spend fewer runs and keep a full-range winner', async () => {
    const random = await sweepJson(['--search', 'random', '--samples', '6', '--seed', '7', '--workers', '2']);
    expect(random.search).toEqual({ method: 'random', candidates: 6, runs: 6 });
    expect(random.ranked).toHaveLength(6);
    const again = await sweepJson(['--search', 'random', '--samples', '6', '--seed', '7']);
    expect(again.ranked.map((r) => r.params)).toEqual(random.ranked.map((r) => r.params));

    const halving = await sweepJson(['--search', 'halving', '--eta', '2', '--workers', '2']);
    // 19 candidates (fast=20 slow=20 is refused) → 10 → 5 → 3 → 2 → 1, the last on every bar.
    expect(rungSizes(19, 2)).toEqual([19, 10, 5, 3, 2, 1]);
    expect(halving.search).toEqual({ method: 'halving', candidates: 19, runs: 40 });
    expect(halving.ranked).toHaveLength(1);
    const grid = await sweepJson([]);
    const winner = grid.ranked.find(
      (r) => JSON.stringify(r.params) === JSON.stringify(halving.ranked[0]?.params),
    );
    // The survivor's statistics are its full-range run's.
    expect(halving.ranked[0]?.stats).toEqual(winner?.stats);
  }, 120_000);

  it('--walk-forward K reports each fold out of sample and the overfitting figures', async () => {
    const doc = await sweepJson(['--walk-forward', '3', '--in-sample-pct', '75', '--workers', '2']);
    const wf = doc.walkForward;
    expect(wf?.folds).toHaveLength(3);
    // 3 folds × (19 in-sample + 19 out-of-sample) runs.
    expect(wf?.runs).toBe(114);
    const series = await loadCandles(GOOG, {});
    const windows = foldWindows(series.time, 3, 75);
    for (let f = 0; f < 3; f++) {
      const fold = wf?.folds[f];
      const w = windows[f];
      expect(fold?.candidates).toBe(19);
      expect(fold?.outOfSampleRank).toBeGreaterThanOrEqual(1);
      expect(fold?.outOfSampleRank).toBeLessThanOrEqual(19);
      // The in-sample winner's in-sample score is its own run on that window, and so is the out-of-sample one.
      const onWindow = (from: number, to: number) =>
        runBacktest({ ...series, ...cut(series, from, to) }, 'sma-cross', fold?.params ?? {}, OPTS).stats
          .returnPct;
      expect(fold?.inSampleScore).toBeCloseTo(onWindow(w?.inSample.from ?? 0, w?.inSample.to ?? 0), 9);
      expect(fold?.outOfSampleScore).toBeCloseTo(
        onWindow(w?.outOfSample.from ?? 0, w?.outOfSample.to ?? 0),
        9,
      );
      // Out-of-sample windows follow their in-sample windows and tile the end of the data.
      expect(w?.outOfSample.from).toBeGreaterThan(w?.inSample.to ?? Infinity);
      if (f > 0) expect(w?.outOfSample.from).toBeGreaterThan(windows[f - 1]?.outOfSample.to ?? Infinity);
    }
    expect(windows[2]?.outOfSample.to).toBe(series.time[series.length - 1]);
    const overfit = wf?.folds.filter((f) => (19 - (f.outOfSampleRank - 1)) / 20 <= 0.5).length ?? -1;
    expect(wf?.pboPct).toBeCloseTo((overfit / 3) * 100, 9);

    const c = capture();
    expect(
      await runBacktestCli(
        [...BASE, '--compat', 'backtesting.py', '--walk-forward', '3', '--workers', '2'],
        c.io,
      ),
    ).toBe(0);
    expect(c.out()).toMatch(
      /walk-forward: 3 folds, 75 % in-sample, 114 runs\nfold +in-sample +out-of-sample +best in-sample/,
    );
    expect(c.out()).toMatch(/overfitting: walk-forward efficiency .*in \d of 3 folds \(PBO \d+ %\)/);
  }, 120_000);

  it('names flags that do not fit together', () => {
    expect(() => parseBacktestArgs([...BASE, '--samples', '5'])).toThrow(
      /--samples needs --search random or halving/,
    );
    expect(() => parseBacktestArgs([...BASE, '--search', 'tpe'])).toThrow(
      /--search accepts grid, random, halving/,
    );
    expect(() => parseBacktestArgs([...BASE, '--walk-forward', '1'])).toThrow(
      /--walk-forward must be an integer from 2/,
    );
    expect(() => parseBacktestArgs(['--data', GOOG, '--strategy', 'sma-cross', '--workers', '2'])).toThrow(
      /--workers needs --sweep/,
    );
    expect(drawCombos([1, 2, 3, 4, 5, 6], 3, 1)).toEqual(drawCombos([1, 2, 3, 4, 5, 6], 3, 1));
    expect(new Set(drawCombos([1, 2, 3, 4, 5, 6], 3, 9)).size).toBe(3);
  });
});

function cut(
  s: {
    time: Float64Array;
    open: Float64Array;
    high: Float64Array;
    low: Float64Array;
    close: Float64Array;
    volume: Float64Array;
  },
  from: number,
  to = Infinity,
) {
  let a = 0;
  while ((s.time[a] as number) < from) a++;
  let b = s.time.length;
  while ((s.time[b - 1] as number) > to) b--;
  const sub = (x: Float64Array) => x.subarray(a, b);
  return {
    length: b - a,
    time: sub(s.time),
    open: sub(s.open),
    high: sub(s.high),
    low: sub(s.low),
    close: sub(s.close),
    volume: sub(s.volume),
  };
}
