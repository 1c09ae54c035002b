// Parameter sweeps without Redis: grid specs, skipped combinations, ranking, the flags, the in-process
// executor behind `runBacktestCli`, and the backtest-sweep job's candle memo and failures.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { candlesFor, process as processSweepJob } from '../../jobs/backtest-sweep.js';
import { loadCandles, runBacktest, runBacktestCli } from '../../src/backtest/index.js';
import { parseBacktestArgs } from '../../src/backtest/cli-args.js';
import { SweepFailure, type SweepExecutor } from '../../src/backtest/sweep.js';
import { buildGrid, MAX_SWEEP_RUNS, parseSweepSpec } from '../../src/backtest/sweep-grid.js';
import { rankedTable, rankRuns, type StatsJson, type SweepRunResult } from '../../src/backtest/sweep-rank.js';
import { PermanentJobError } from '../../src/queue/workers.js';
import { getStrategy } from '../../src/strategies/registry.js';

const GOOG = 'tests/fixtures/backtest-GOOG.csv';

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

describe('--sweep specs', () => {
  it('parses ranges (inclusive, default step 1), stepped ranges and lists', () => {
    expect(parseSweepSpec('fast=5..8')).toEqual({ name: 'fast', values: [5, 6, 7, 8] });
    expect(parseSweepSpec('slow=20..60:15')).toEqual({ name: 'slow', values: [20, 35, 50] });
    expect(parseSweepSpec('fast=3,10,7,10')).toEqual({ name: 'fast', values: [3, 10, 7] });
    expect(parseSweepSpec('k=1.5, 2.25')).toEqual({ name: 'k', values: [1.5, 2.25] });
  });

  it.each([
    ['fast', ''],
    ['=5..8', ''],
    ['fast=', ''],
    ['fast=5..x', 'a range takes integers'],
    ['fast=5.5..8', 'a range takes integers'],
    ['fast=5..8:0', 'STEP must be a positive integer'],
    ['fast=9..8', 'the range 9..8 is empty'],
    ['fast=a,b', ''],
  ])('rejects %s naming the flag and the accepted forms', (spec, why) => {
    expect(() => parseSweepSpec(spec)).toThrow(/^--sweep .*expects NAME=A\.\.B\[:STEP\].*NAME=v1,v2/);
    if (why) expect(() => parseSweepSpec(spec)).toThrow(why);
    expect(() => parseSweepSpec(spec)).toThrow(`got "${spec}"`);
  });

  it('refuses a grid above the cap before building it', () => {
    expect(() => parseSweepSpec('fast=1..1000000')).toThrow(`at most ${MAX_SWEEP_RUNS}`);
    const sma = getStrategy('sma-cross');
    const axes = [parseSweepSpec('fast=1..100'), parseSweepSpec('slow=2..200')];
    expect(() => buildGrid(sma, axes, {})).toThrow(/the grid has 19900 runs; at most 5000/);
  });
});

describe('the grid', () => {
  const sma = getStrategy('sma-cross');

  it('is the cross product with fixed params, skipping and counting what the strategy rejects', () => {
    const g = buildGrid(sma, [parseSweepSpec('fast=10..30:10'), parseSweepSpec('slow=15,25')], {});
    // fast=20,30 against slow=15 and fast=30 against slow=25 break fast < slow.
    expect(g.combos).toEqual([
      { fast: 10, slow: 15 },
      { fast: 10, slow: 25 },
      { fast: 20, slow: 25 },
    ]);
    expect(g.skipped).toBe(3);
    expect(g.firstSkip).toMatch(/fast .* less than slow/);
    const fixed = buildGrid(sma, [parseSweepSpec('fast=5,6')], { slow: '40' });
    expect(fixed.combos).toEqual([
      { fast: 5, slow: 40 },
      { fast: 6, slow: 40 },
    ]);
  });

  it('names an unknown, repeated or also-fixed param', () => {
    expect(() => buildGrid(sma, [parseSweepSpec('period=5..6')], {})).toThrow(
      '--sweep: sma-cross has no param "period"; accepted: fast, slow',
    );
    expect(() => buildGrid(sma, [parseSweepSpec('fast=5'), parseSweepSpec('fast=6')], {})).toThrow(
      'swept twice',
    );
    expect(() => buildGrid(sma, [parseSweepSpec('fast=5')], { fast: '6' })).toThrow('also fixed by --param');
  });
});

describe('ranking', () => {
  const run = (n: number, returnPct: number | null, sharpe: number | null): SweepRunResult => ({
    n,
    params: { fast: n },
    stats: { trades: 3, returnPct, sharpe, maxDrawdownPct: -10, winRatePct: 50 } as unknown as StatsJson,
  });

  it('puts the highest first, ties in grid order, undefined values last', () => {
    const runs = [run(0, 5, null), run(1, 12, 1), run(2, null, 2), run(3, 12, 0.5), run(4, -3, 3)];
    expect(rankRuns(runs, 'returnPct').map((r) => r.n)).toEqual([1, 3, 0, 4, 2]);
    expect(rankRuns(runs, 'sharpe').map((r) => r.n)).toEqual([4, 2, 1, 3, 0]);
  });

  it('prints rank, the swept params and the headline stats, plus the ranking stat', () => {
    const table = rankedTable([run(1, 12.345, 1)], [{ name: 'fast', values: [1] }], 'sharpe');
    const [head, row] = table.split('\n');
    expect(head?.split(/\s+/)).toEqual([
      'rank',
      'params',
      'trades',
      'returnPct',
      'sharpe',
      'maxDrawdownPct',
      'winRatePct',
    ]);
    expect(row?.trim().split(/\s+/)).toEqual(['1', 'fast=1', '3', '12.35', '1.00', '-10.00', '50.00']);
    expect(rankedTable([run(1, 1, 1)], [], 'sqn').split('\n')[0]).toMatch(/winRatePct\s+sqn$/);
  });

  it('accepts --rank-by and --top and names what they accept', () => {
    const base = ['--data', GOOG, '--strategy', 'sma-cross'];
    expect(parseBacktestArgs(base)).toMatchObject({ sweeps: [], rankBy: 'returnPct', top: 10 });
    expect(parseBacktestArgs([...base, '--rank-by', 'sharpe', '--top', '3'])).toMatchObject({
      rankBy: 'sharpe',
      top: 3,
    });
    expect(() => parseBacktestArgs([...base, '--rank-by', 'equityFinal'])).toThrow(
      /--rank-by accepts a numeric stat: .*returnPct/,
    );
    expect(() => parseBacktestArgs([...base, '--top', '0'])).toThrow(
      '--top must be a positive integer, got "0"',
    );
  });
});

describe('bosun backtest --sweep in one process', () => {
  const dir = mkdtemp(join(tmpdir(), 'bosun-sweep-'));
  afterAll(async () => rm(await dir, { recursive: true, force: true }));
  const args = [
    '--data',
    GOOG,
    '--strategy',
    'sma-cross',
    '--sweep',
    'fast=8..12:2',
    '--sweep',
    'slow=10,20',
  ];

  it('ranks every valid combination exactly as direct runs, and writes the best run’s trades', async () => {
    const trades = join(await dir, 'best.csv');
    const c = capture();
    const code = await runBacktestCli([...args, '--json', '--top', '50', '--trades', trades], c.io);
    expect(c.err()).not.toMatch(/failed|error/i);
    expect(code).toBe(0);
    const doc = JSON.parse(c.out()) as {
      sweep: Record<string, number[]>;
      skipped: number;
      runs: number;
      ranked: { params: Record<string, number>; stats: Record<string, number> }[];
    };
    expect(doc.sweep).toEqual({ fast: [8, 10, 12], slow: [10, 20] });
    // fast=10 and 12 against slow=10 are invalid.
    expect(doc.skipped).toBe(2);
    expect(doc.runs).toBe(4);
    const series = await loadCandles(GOOG, {});
    for (const r of doc.ranked) {
      const direct = runBacktest(series, 'sma-cross', r.params);
      expect(r.stats.returnPct).toBe(direct.stats.returnPct);
      expect(r.stats.trades).toBe(direct.stats.trades);
    }
    const returns = doc.ranked.map((r) => r.stats.returnPct as number);
    expect(returns).toEqual([...returns].sort((a, b) => b - a));
    const best = runBacktest(series, 'sma-cross', doc.ranked[0]?.params ?? {});
    expect((await readFile(trades, 'utf8')).trim().split('\n')).toHaveLength(best.trades.length + 1);
  });

  it('prints the table, top N only', async () => {
    const c = capture();
    expect(await runBacktestCli([...args, '--top', '2'], c.io)).toBe(0);
    const lines = c.out().trim().split('\n');
    expect(lines[0]).toMatch(/4 runs .*2 combinations skipped .*top 2 by returnPct/);
    expect(lines[1]).toMatch(/^rank\s+params\s+trades/);
    expect(lines.slice(2).map((l) => l.trim().split(/\s+/)[0])).toEqual(['1', '2']);
  });

  it('exits 2 on a bad spec or a grid the strategy rejects entirely, 1 when the executor fails', async () => {
    let c = capture();
    expect(
      await runBacktestCli([...args.slice(0, 4), '--sweep', 'fast=30..40', '--param', 'slow=20'], c.io),
    ).toBe(2);
    expect(c.err()).toMatch(/rejects every combination .*fast .* less than slow/);
    c = capture();
    const broken: SweepExecutor = { run: () => Promise.reject(new SweepFailure('Redis is not reachable')) };
    expect(await runBacktestCli(args, c.io, { sweepExecutor: broken })).toBe(1);
    expect(c.err()).toBe('bosun backtest: Redis is not reachable\n');
    expect(c.out()).toBe('');
  });
});

describe('the backtest-sweep job', () => {
  const payload = {
    sweepId: 'u1',
    n: 0,
    data: GOOG,
    strategy: 'sma-cross',
    params: { fast: 10, slow: 20 },
    options: { compat: null, fill: 'open' as const },
  };

  it('loads a source once per process and returns JSON-safe stats', async () => {
    expect(await candlesFor({}, payload)).toBe(await candlesFor({}, payload));
    const r = await processSweepJob({}, payload);
    expect(JSON.parse(JSON.stringify(r))).toMatchObject({ n: 0, params: { fast: 10, slow: 20 } });
    expect(r.stats.returnPct).toBe(
      runBacktest(await loadCandles(GOOG, {}), 'sma-cross', payload.params).stats.returnPct,
    );
    expect(r.worker).toMatch(new RegExp(`/${process.pid}$`));
  });

  it('fails permanently on data no retry can fix', async () => {
    await expect(processSweepJob({}, { ...payload, data: '/nonexistent/x.csv' })).rejects.toThrow(
      PermanentJobError,
    );
    await expect(processSweepJob({}, { ...payload, params: { fast: 30, slow: 20 } })).rejects.toThrow(
      /less than slow/,
    );
  });
});
