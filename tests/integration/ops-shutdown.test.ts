// SIGTERM mid-load loses no job: a child process runs a real BullMQ worker registered in Shutdown; after
// the signal every job is completed (with its effect written) or still waiting, none failed or vanished,
// and a restarted worker finishes the rest without doing any job twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { dropPrefix, TEST_REDIS_URL, testPrefix } from '../helpers/redis.js';

const prefix = testPrefix('shutdown');
const JOBS = 20;
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
const queue = new Queue('orders', {
  connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }),
  prefix,
});
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await queue.close();
  await dropPrefix(prefix);
  redis.disconnect();
});

function startWorker(): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/ops-shutdown-worker.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      REDIS_URL: TEST_REDIS_URL,
      TEST_PREFIX: prefix,
      TEST_QUEUE: 'orders',
      JOB_MS: '300',
    },
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${out}`)), 20_000);
    child.stdout?.on('data', () => {
      if (out.includes('ready\n')) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`worker exited early (${code}): ${out}`)));
  });
}

async function waitFor(what: string, cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const effects = async (): Promise<string[]> => redis.lrange(`${prefix}:effects`, 0, -1);

async function stop(child: ChildProcess): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  const code = await exited;
  return { code, ms: Date.now() - started };
}

describe('graceful shutdown', () => {
  it('SIGTERM mid-load finishes running jobs and leaves the rest queued; a restart drains them once each', async () => {
    await queue.addBulk(
      Array.from({ length: JOBS }, (_, i) => ({
        name: 'submit-order',
        data: { intentId: i + 1 },
        opts: { jobId: `job-${i + 1}` },
      })),
    );
    const first = await startWorker();
    await waitFor('a few jobs done', async () => (await effects()).length >= 3);
    const activeAtSignal = await queue.getActiveCount();
    expect(activeAtSignal).toBeGreaterThan(0);

    const stopped = await stop(first.child);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5_000);
    expect(first.output()).toContain('"reason":"SIGTERM"');

    const counts = await queue.getJobCounts(
      'completed',
      'waiting',
      'active',
      'delayed',
      'failed',
      'prioritized',
    );
    expect(counts.failed).toBe(0);
    expect(counts.active).toBe(0);
    expect(counts.completed).toBeGreaterThanOrEqual(3);
    expect(counts.waiting).toBeGreaterThan(0);
    expect(
      (counts.completed ?? 0) + (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0),
    ).toBe(JOBS);
    // Every job reported completed had its effect written: the jobs running at SIGTERM were finished, not cut.
    const done1 = await effects();
    const completedIds = (await queue.getJobs(['completed'], 0, -1)).map((j) => j.id);
    expect([...done1].sort()).toEqual([...completedIds].sort());

    const second = await startWorker();
    await waitFor('all jobs done', async () => (await queue.getCompletedCount()) === JOBS);
    expect((await stop(second.child)).code).toBe(0);

    const all = await effects();
    expect(all).toHaveLength(JOBS);
    expect(new Set(all).size).toBe(JOBS);
    expect(await queue.getFailedCount()).toBe(0);
  }, 60_000);
});
