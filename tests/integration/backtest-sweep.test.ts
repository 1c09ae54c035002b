// `bosun backtest --sweep` through real Redis (own BullMQ prefix): the runs go out as backtest-sweep jobs,
// to local workers when no bot is running and to a separate worker process when one is, and the ranked
// results equal direct runBacktest results.
import { spawn, type ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCandles, runBacktest } from '../../src/backtest/index.js';
import { ROOT, runBosun } from '../helpers/cli.js';
import { dropPrefix, testPrefix, TEST_REDIS_URL } from '../helpers/redis.js';

const ARGS = [
  'backtest',
  '--data',
  'tests/fixtures/backtest-GOOG.csv',
  '--strategy',
  'sma-cross',
  '--sweep',
  'fast=5..10',
  '--sweep',
  'slow=20..30:5',
  '--json',
  '--top',
  '100',
];

interface SweepDoc {
  strategy: string;
  sweep: Record<string, number[]>;
  runs: number;
  skipped: number;
  ranked: { params: Record<string, number>; stats: Record<string, number | string | null> }[];
}

const prefixes: string[] = [];
const children: ChildProcess[] = [];
const conns: Redis[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)),
  );
  for (const c of conns) c.disconnect();
  for (const p of prefixes) await dropPrefix(p);
});

/** The worker a bot runs for backtests, in its own process, with only the sweep handler. */
function startWorkerProcess(prefix: string): Promise<ChildProcess> {
  const code = `
    const { Redis } = await import('ioredis');
    const { startWorkers } = await import(process.env.ROOT + '/src/queue/workers.ts');
    const { backtestSweepHandler } = await import(process.env.ROOT + '/jobs/backtest-sweep.ts');
    const connection = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null });
    const ws = startWorkers({ connection, prefix: process.env.PREFIX, queues: ['backtests'],
      handlers: { 'backtest-sweep': backtestSweepHandler() }, concurrency: { backtests: 2 } });
    await Promise.all(ws.workers.map((w) => w.waitUntilReady()));
    process.stdout.write('ready\\n');
    process.once('SIGTERM', async () => { await ws.close(); connection.disconnect(); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, ROOT, PREFIX: prefix, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (c) => reject(new Error(`worker process exited early (${c})`)));
  });
}

async function completedJobs(prefix: string): Promise<{ id: string; worker: string }[]> {
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  conns.push(connection);
  const q = new Queue('backtests', { connection, prefix });
  try {
    const jobs = await q.getJobs(['completed'], 0, -1);
    return jobs.map((j) => ({ id: j.id ?? '', worker: (j.returnvalue as { worker: string }).worker }));
  } finally {
    await q.close();
  }
}

async function expectDirectResults(doc: SweepDoc): Promise<void> {
  const series = await loadCandles('tests/fixtures/backtest-GOOG.csv', {});
  for (const r of doc.ranked) {
    const direct = runBacktest(series, 'sma-cross', r.params).stats;
    expect(r.stats.returnPct).toBe(direct.returnPct);
    expect(r.stats.sharpe).toBe(direct.sharpe);
    expect(r.stats.trades).toBe(direct.trades);
    expect(r.stats.equityFinal).toBe(direct.equityFinal);
  }
}

describe('bosun backtest --sweep over BullMQ', () => {
  it('runs every combination as a job on local workers when no bot worker is running', async () => {
    const prefix = testPrefix('sweep-local');
    prefixes.push(prefix);
    const res = await runBosun(ARGS, { env: { BOSUN_QUEUE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL } });
    expect(res.stderr).toMatch(/no bot worker is taking backtests; running the sweep on \d+ local worker/);
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.stdout) as SweepDoc;
    expect(doc.sweep).toEqual({ fast: [5, 6, 7, 8, 9, 10], slow: [20, 25, 30] });
    expect(doc.runs).toBe(18);
    expect(doc.skipped).toBe(0);
    expect(doc.ranked).toHaveLength(18);
    await expectDirectResults(doc);
    const jobs = await completedJobs(prefix);
    expect(jobs).toHaveLength(18);
    expect(jobs.every((j) => /^sweep-[0-9a-f]+-\d+$/.test(j.id))).toBe(true);
  }, 60_000);

  it('hands the jobs to a running worker process instead of starting its own', async () => {
    const prefix = testPrefix('sweep-remote');
    prefixes.push(prefix);
    const worker = await startWorkerProcess(prefix);
    const res = await runBosun([...ARGS, '--rank-by', 'sharpe', '--top', '5'], {
      env: { BOSUN_QUEUE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL },
    });
    expect(res.stderr).toMatch(/sending 18 runs to the 1 worker on the backtests queue/);
    expect(res.stderr).not.toMatch(/local worker/);
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.stdout) as SweepDoc;
    expect(doc.ranked).toHaveLength(5);
    const sharpes = doc.ranked.map((r) => r.stats.sharpe as number);
    expect(sharpes).toEqual([...sharpes].sort((a, b) => b - a));
    await expectDirectResults(doc);
    const jobs = await completedJobs(prefix);
    expect(jobs).toHaveLength(18);
    expect(new Set(jobs.map((j) => j.worker.split('/')[1]))).toEqual(new Set([String(worker.pid)]));
  }, 60_000);

  it('says Redis is down in one line and exits 1', async () => {
    const res = await runBosun(ARGS, { env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^bosun backtest: Redis is not reachable at redis:\/\/127\.0\.0\.1:1 /),
    ]);
  }, 30_000);
});
