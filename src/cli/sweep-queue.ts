// The backtests queue as a sweep executor: one backtest-sweep job per run, results from the job events; with
// no bot worker listening, the sweep starts its own workers whose runs go to threads on every core.
import { availableParallelism } from 'node:os';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { backtestSweepHandler, localSweepHandler } from '../../jobs/backtest-sweep.js';
import type { CandleSources } from '../backtest/source.js';
import { SweepFailure, type SweepExecutor, type SweepTask } from '../backtest/sweep.js';
import type { StatsJson, SweepRunResult } from '../backtest/sweep-rank.js';
import { createLogger, setLogger } from '../platform/logger.js';
import { probeRedis } from '../queue/connection.js';
import { QUEUES } from '../queue/names.js';
import { backtestSweepPayload } from '../queue/payloads.js';
import { startWorkers, type WorkerSet } from '../queue/workers.js';
import type { CliIo } from './io.js';
import { redisDownMessage } from './runtime.js';

/** With no event for this long, ask Redis for the outstanding jobs directly (an event may have been missed). */
const QUIET_MS = 2_000;

const resultSchema = z.object({
  n: z.number().int(),
  params: z.record(z.string(), z.number()),
  stats: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  worker: z.string(),
});

export interface SweepQueueOptions {
  /** Read only when the sweep starts, so usage errors come first. */
  redisUrl: () => string;
  /** BullMQ key prefix: BOSUN_QUEUE_PREFIX, else the bot's own. */
  prefix: string;
  io: CliIo;
  /** Sources for the local workers started when no bot worker is taking backtests. */
  sources?: CandleSources;
}

function label(t: SweepTask): string {
  return Object.entries(t.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** One `backtest-sweep` job per task on the backtests queue, results collected from the job events. */
export function queueSweepExecutor(o: SweepQueueOptions): SweepExecutor {
  return {
    async run(tasks, onDone, series) {
      const url = o.redisUrl();
      const probe = await probeRedis(url);
      if (!probe.ok) throw new SweepFailure(redisDownMessage(url, probe.error));
      const conns: Redis[] = [];
      const redis = (): Redis => {
        const r = new Redis(url, { maxRetriesPerRequest: null });
        r.on('error', () => {});
        conns.push(r);
        return r;
      };
      const queue = new Queue(QUEUES.backtests, { connection: redis(), prefix: o.prefix });
      const events = new QueueEvents(QUEUES.backtests, { connection: redis(), prefix: o.prefix });
      queue.on('error', () => {});
      events.on('error', () => {});
      let local: WorkerSet | null = null;
      let threads: { close(): Promise<void> } | null = null;
      let poller: NodeJS.Timeout | undefined;
      let onSignal: (() => void) | undefined;
      const byId = new Map(tasks.map((t) => [`sweep-${t.sweepId}-${t.n}`, t]));
      const results = new Map<string, SweepRunResult & { worker: string }>();
      try {
        await events.waitUntilReady();
        let failure: string | null = null;
        let lastEvent = performance.now();
        let settle = (): void => {};
        const finished = new Promise<void>((res) => (settle = res));
        const complete = (id: string, value: unknown): void => {
          lastEvent = performance.now();
          if (!byId.has(id) || results.has(id)) return;
          const r = resultSchema.safeParse(value);
          if (!r.success) return fail(id, 'the worker returned no statistics (is it an older bosun?)');
          results.set(id, { ...r.data, stats: r.data.stats as StatsJson });
          onDone(results.size);
          if (results.size === byId.size) settle();
        };
        const fail = (id: string, reason: string): void => {
          lastEvent = performance.now();
          const t = byId.get(id);
          if (!t || failure) return;
          const hint = /no handler for job/.test(reason)
            ? ' — a running bot took it without the backtest-sweep handler: upgrade and restart its workers'
            : '';
          failure = `sweep run ${t.n + 1} (${label(t)}) failed: ${reason}${hint}`;
          settle();
        };
        // Ctrl-C must not leave thousands of runs queued for a bot's workers.
        onSignal = () => {
          failure ??= 'sweep interrupted; the runs not yet started were removed from the queue';
          settle();
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        events.on('completed', ({ jobId, returnvalue }) => complete(jobId, returnvalue));
        events.on('failed', ({ jobId, failedReason }) => fail(jobId, failedReason));

        const remote = (await queue.getWorkers()).length;
        if (remote === 0) {
          const n = availableParallelism();
          o.io.stderr.write(
            `bosun backtest: no bot worker is taking backtests; running the sweep on ${n} local worker${n === 1 ? '' : 's'} (threads sharing the loaded candles)\n`,
          );
          // Worker logs would land on stdout, which carries the table or the JSON document.
          setLogger(createLogger({ destination: o.io.stderr, level: process.env.LOG_LEVEL ?? 'error' }));
          const deps = o.sources ? { sources: o.sources } : {};
          const first = tasks[0];
          // BullMQ's concurrency shares one thread: the runs themselves go to threads on every core.
          const pooled =
            series && first ? localSweepHandler(deps, { data: first.data, series, threads: n }) : null;
          threads = pooled;
          local = startWorkers({
            connection: redis(),
            prefix: o.prefix,
            queues: [QUEUES.backtests],
            handlers: { 'backtest-sweep': pooled?.handler ?? backtestSweepHandler(deps) },
            concurrency: { backtests: n },
          });
        } else {
          o.io.stderr.write(
            `bosun backtest: sending ${tasks.length} runs to the ${remote} worker${remote === 1 ? '' : 's'} on the backtests queue\n`,
          );
        }
        await queue.addBulk(
          [...byId].map(([jobId, t]) => ({
            name: 'backtest-sweep',
            data: backtestSweepPayload.parse(t),
            // A run is deterministic: a failure would fail again, so it is reported instead of retried.
            opts: { jobId, attempts: 1, removeOnComplete: { age: 600 }, removeOnFail: { age: 3600 } },
          })),
        );
        poller = setInterval(() => {
          if (performance.now() - lastEvent < QUIET_MS) return;
          lastEvent = performance.now();
          void (async () => {
            for (const id of byId.keys()) {
              if (results.has(id) || failure) continue;
              const job = await queue.getJob(id);
              if (job?.finishedOn && job.failedReason) fail(id, job.failedReason);
              else if (job?.finishedOn) complete(id, job.returnvalue);
            }
          })().catch(() => undefined);
        }, QUIET_MS);
        await finished;
        if (failure) throw new SweepFailure(failure);
        const counts = new Map<string, number>();
        for (const r of results.values()) counts.set(r.worker, (counts.get(r.worker) ?? 0) + 1);
        o.io.stderr.write(
          `bosun backtest: runs by worker: ${[...counts].map(([w, c]) => `${w} ${c}`).join(', ')}\n`,
        );
        return [...results.values()].map(({ n, params, stats }) => ({ n, params, stats }));
      } finally {
        clearInterval(poller);
        if (onSignal) {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
        // Our own workers stop first (finishing their current run), then the runs not taken yet are dropped
        // so a failed or interrupted sweep does not keep a bot's workers busy.
        await local?.close();
        await threads?.close();
        if (results.size < byId.size) {
          await Promise.all(
            [...byId.keys()].filter((id) => !results.has(id)).map((id) => queue.remove(id).catch(() => 0)),
          );
        }
        await Promise.all([events.close(), queue.close()]);
        for (const c of conns) c.disconnect();
      }
    },
  };
}
