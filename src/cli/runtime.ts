// The composition root of a running bot: database, Redis queues, exchange, engine, workers, schedulers
// and exchange streams, by role. `bosun start` and `bosun demo` both build on it.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import { engineHandlers, SCHEDULES, JOB_QUEUE } from '../../jobs/index.js';
import { migrateDb, openDb, type DbHandle } from '../db/client.js';
import { getIntent } from '../db/repos/intents.js';
import { listStrategyInstances, syncStrategyInstances } from '../db/repos/strategies.js';
import { systemClock, type Clock } from '../domain/clock.js';
import type { EngineDeps } from '../engine/deps.js';
import { intervalMs } from '../engine/intervals.js';
import type { Notifier } from '../engine/notify.js';
import { applyFillReport, applyOrderReport } from '../engine/reports.js';
import { KeyedSerial } from '../engine/keyed-serial.js';
import type { SimOptions } from '../exchange/sim/index.js';
import type { BosunConfig } from '../platform/config.js';
import type { Env } from '../platform/env.js';
import { ConfigError } from '../platform/errors.js';
import { logger } from '../platform/logger.js';
import { describeRedisUrl, probeRedis } from '../queue/connection.js';
import { enqueue as enqueueJob, jobId, schedule } from '../queue/enqueue.js';
import { DEFAULT_PREFIX, QUEUE_NAMES, QUEUES, type QueueName } from '../queue/names.js';
import type { JobName, PayloadOf } from '../queue/payloads.js';
import { Shutdown } from '../queue/shutdown.js';
import { closeQueues, openQueues, startWorkers, type HandlerMap, type Queues } from '../queue/workers.js';
import { openExchange, type ExchangeHandle } from './exchange-factory.js';
import { subscribeCandleTicks } from './candle-ticks.js';
import { createAlertNotifier } from '../chat/core/alert-notifier.js';
import { backtestHandler } from '../../jobs/run-backtest.js';
import { checkHeartbeat, sendDigest } from '../../jobs/digest.js';
import { backtestSweepHandler } from '../../jobs/backtest-sweep.js';
import { bybitCandleSource } from './bybit-candles.js';
import { storeCandleSource } from '../data/store-source.js';
import { metrics, observeQueues, stopObservingQueues } from '../platform/metrics.js';
import { embeddedDir } from './migrate.js';
import { buildDesk, deskSubmitter, subscribeDeskFeeds } from './desk-wiring.js';
import { deskHandlers } from '../../jobs/decide.js';
import type { Desk } from '../engine/desk/desk.js';
import { createDeskServices } from '../engine/desk/services.js';
import type { TradingServices } from '../engine/services.js';
import { createTradingServices } from '../engine/trading-services.js';

export const ROLES = ['all', 'gateway', 'worker', 'scheduler'] as const;
/** What a worker takes by default; alerts are delivered by the gateway, which holds the chat connections. */
export const WORKER_QUEUES: readonly QueueName[] = [
  QUEUES.decisions,
  QUEUES.ticks,
  QUEUES.orders,
  QUEUES.reconcile,
  QUEUES.backtests,
];
export type Role = (typeof ROLES)[number];

export interface RuntimeOptions {
  env: Env;
  config: BosunConfig;
  /** `client`: database, queues and exchange only (the `bosun console` of a running bot). */
  role: Role | 'client';
  queues?: readonly QueueName[];
  prefix?: string;
  clock?: Clock;
  sim?: SimOptions;
  /** Default: alerts stored and queued for the chat gateway to deliver. */
  notifier?: Notifier;
  /** More job handlers (alerts, backtests) by job name. */
  extraHandlers?: (deps: EngineDeps) => HandlerMap;
  /** Where bosun.yaml was read from: user strategy files resolve against its folder. */
  configSource?: string;
  /**
   * `desk` (default): the account's one kernel decides everything, fed through the decision queue.
   * `legacy`: the first wave's tick and submit pipeline, kept while its chaos test moves to the desk.
   */
  engine?: 'desk' | 'legacy';
}

export interface Runtime {
  deps: EngineDeps;
  /** What chat, the console and the dashboard may ask of the trading core. */
  services: TradingServices;
  desk: Desk | null;
  db: DbHandle;
  exchange: ExchangeHandle;
  queues: Queues;
  shutdown: Shutdown;
  enqueue(job: JobName, data: Record<string, unknown>, id?: string): Promise<void>;
}

export function redisDownMessage(url: string, error: string): string {
  return `Redis is not reachable at ${describeRedisUrl(url)} (${error}). bosun needs it for its job queues: start it with \`docker compose up -d redis\` or your distribution's package (\`apt-get install redis-server\`), or point REDIS_URL at one.`;
}

/**
 * Jobs each worker process runs at once, per queue. A tick mostly waits on Postgres and the venue, so one
 * process keeps many in flight: at a candle close every instance decides within the same second.
 */
export const WORKER_CONCURRENCY = {
  decisions: 1,
  orders: 4,
  ticks: 24,
  reconcile: 1,
  alerts: 1,
  backtests: 1,
} as const;

export async function startRuntime(o: RuntimeOptions): Promise<Runtime> {
  const log = logger();
  const shutdown = new Shutdown();
  const probe = await probeRedis(o.env.redisUrl);
  if (!probe.ok) throw new ConfigError(redisDownMessage(o.env.redisUrl, probe.error));

  const db = await openDb({ url: o.env.databaseUrl, dataDir: embeddedDir(o.env) });
  shutdown.add('database', () => db.close());
  try {
    await migrateDb(db);
    await syncStrategyInstances(db.db, o.config.strategies);
  } catch (e) {
    await shutdown.run('start-up failed');
    throw e;
  }

  const connection = new Redis(o.env.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', (e) => log.warn({ err: e.message }, 'redis connection error'));
  shutdown.add('redis', async () => connection.disconnect());
  const prefix = o.prefix ?? o.env.queuePrefix ?? DEFAULT_PREFIX;
  const queues = openQueues(connection, prefix, QUEUE_NAMES);
  shutdown.add('queues', () => closeQueues(queues));
  observeQueues(Object.values(queues));
  shutdown.add('queue metrics', async () => stopObservingQueues());

  let exchange: ExchangeHandle;
  try {
    exchange = await openExchange(o.env, {
      ...(o.sim ? { sim: o.sim } : {}),
      logger: log,
      checkKey: true,
      db: db.db,
    });
  } catch (e) {
    await shutdown.run('start-up failed');
    throw e;
  }
  shutdown.add('exchange', () => exchange.close());

  async function enqueue(job: JobName, data: Record<string, unknown>, id?: string): Promise<void> {
    const q: Queue = queues[JOB_QUEUE[job]];
    if (id) {
      // A job waiting out a retry delay is run now instead: whatever it waited for has happened.
      const existing = await q.getJob(id);
      if (existing && (await existing.isDelayed())) {
        await existing.promote().catch(() => undefined);
        return;
      }
    }
    // The shared helper validates the payload against its schema (ids only, never secrets).
    await enqueueJob(q, job, data as PayloadOf<typeof job>, {
      ...(id ? { jobId: id } : {}),
      attempts: 12,
      backoff: { type: 'exponential', delay: 250 },
    });
  }

  /**
   * A submit job is named from the intent's globally unique ref, never its row id: a fresh database on a
   * Redis that still holds an earlier run's finished `submit-1` would have BullMQ drop the new order's job
   * as a duplicate of that one.
   */
  async function submitJobId(intentId: number): Promise<string> {
    const intent = await getIntent(db.db, intentId);
    return jobId('submit', intent?.ref ?? `id${intentId}`);
  }

  /**
   * Reconcile found the intent unfinished: make sure a submit job will run. BullMQ ignores an add whose id
   * it still holds, so a failed or completed job is removed first, and one held by a worker that may be
   * dead gets a second copy (submitIntent is idempotent on the intent).
   */
  async function requeueSubmit(intentId: number): Promise<void> {
    const id = await submitJobId(intentId);
    const job = await queues.orders.getJob(id);
    const state = job ? await job.getState() : 'missing';
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children')
      return;
    if (state === 'active') return enqueue('submit-order', { intentId }, jobId(id, 'r', Date.now()));
    if (job && (state === 'failed' || state === 'completed')) await job.remove().catch(() => undefined);
    return enqueue('submit-order', { intentId }, id);
  }

  const deps: EngineDeps = {
    db: db.db,
    exchange: exchange.exchange,
    clock: o.clock ?? systemClock,
    config: o.config,
    notifier: o.notifier ?? createAlertNotifier(db.db, queues.alerts),
    log,
    randomBytes: (n) => randomBytes(n),
    enqueueSubmit: async (intentId, opts) =>
      opts?.requeue
        ? requeueSubmit(intentId)
        : enqueue('submit-order', { intentId }, await submitJobId(intentId)),
  };

  const useDesk = (o.engine ?? 'desk') === 'desk';
  const wiring = useDesk
    ? buildDesk({
        config: o.config,
        ...(o.configSource ? { configSource: o.configSource } : {}),
        db: db.db,
        exchange: exchange.exchange,
        clock: deps.clock,
        notifier: deps.notifier,
        log,
      })
    : null;
  // One decision at a time for the account, across every worker process.
  if (useDesk) await queues.decisions.setGlobalConcurrency(1);
  const submitter = deskSubmitter({
    queue: queues.decisions,
    connection: () => new Redis(o.env.redisUrl, { maxRetriesPerRequest: null }),
    prefix,
  });
  shutdown.add('desk requests', () => submitter.close());
  const services: TradingServices = wiring
    ? createDeskServices(deps, submitter.submit)
    : createTradingServices(deps);

  const wantWorkers = o.role === 'all' || o.role === 'worker';
  const wantScheduler = o.role === 'all' || o.role === 'scheduler';
  const wantGateway = o.role === 'all' || o.role === 'gateway';

  if (wantWorkers) {
    // Chat /backtest and sweep runs read a range from the candle store (bosun data download) when it is
    // there, else fetch it through the exchange into the database cache.
    const exchangeCandles = bybitCandleSource(
      deps.exchange,
      deps.db,
      (l) => log.info(l),
      () => deps.clock.now(),
    );
    const candles = storeCandleSource(o.env.dataDir, { fallback: async () => exchangeCandles });
    const handlers: HandlerMap = {
      ...engineHandlers(deps),
      ...(wiring ? deskHandlers(wiring.desk, deps, queues.decisions) : {}),
      // Chat backtests run with the bot's own bosun.yaml: its risk limits, approval policy and sizing.
      'run-backtest': backtestHandler({
        db: deps.db,
        clock: deps.clock,
        candles,
        alerts: queues.alerts,
        config: { config: o.config, source: o.configSource ?? 'built-in defaults' },
      }),
      'backtest-sweep': backtestSweepHandler({ sources: { bybit: candles } }),
      'send-digest': () =>
        sendDigest({ db: deps.db, clock: deps.clock, config: o.config, alerts: queues.alerts }),
      heartbeat: () =>
        checkHeartbeat({ db: deps.db, clock: deps.clock, config: o.config, alerts: queues.alerts }),
      ...o.extraHandlers?.(deps),
    };
    const workerConn = new Redis(o.env.redisUrl, { maxRetriesPerRequest: null });
    workerConn.on('error', () => {});
    const ws = startWorkers({
      connection: workerConn,
      prefix,
      queues: o.queues ?? WORKER_QUEUES,
      handlers,
      concurrency: WORKER_CONCURRENCY,
    });
    shutdown.add('worker connection', async () => workerConn.disconnect());
    // Registered last among the workers' dependencies so it closes first: stop taking jobs, finish running ones.
    shutdown.add('workers', () => ws.close());
  }

  if (wantScheduler) {
    for (const s of SCHEDULES) {
      await schedule(queues[JOB_QUEUE[s.job]], s.id, { every: s.everyMs }, s.job, s.data);
    }
    // The daily digest at the operator's hour, in the operator's timezone; the heartbeat every minute.
    const digestAt = { pattern: `0 ${o.config.alerts.digestHour} * * *`, tz: o.config.alerts.timezone };
    await schedule(queues.reconcile, 'daily-digest', digestAt, 'send-digest', {});
    await schedule(queues.reconcile, 'heartbeat', { every: 60_000 }, 'heartbeat', {});
    for (const inst of await listStrategyInstances(db.db)) {
      const id = `tick-${inst.id}`;
      if (!inst.enabled || useDesk) {
        await queues.ticks.removeJobScheduler(id);
        continue;
      }
      // The fallback for a missed kline message: one tick per interval, a little after the close.
      await schedule(queues.ticks, id, { every: intervalMs(inst.interval) }, 'tick', { instanceId: inst.id });
    }
    if (useDesk) {
      // The desk looks its open orders up at start and every half minute; the legacy reconcile is off.
      await queues.reconcile.removeJobScheduler('reconcile-every-minute');
      await schedule(queues.decisions, 'desk-sweep', { every: 30_000 }, 'desk-sweep', { reason: 'schedule' });
      await enqueue('desk-sweep', { reason: 'start' });
    } else await enqueue('reconcile', { reason: 'start' });
  }

  if (wantGateway) {
    const ex = exchange.exchange;
    const unsubs: (() => void)[] = [];
    const fillQueue = new KeyedSerial();
    if (wiring) {
      unsubs.push(
        ...(await subscribeDeskFeeds({
          ex,
          queue: queues.decisions,
          kernelConfig: await wiring.kernelConfig(),
          log,
        })),
      );
      unsubs.push(ex.onResync(async () => enqueue('desk-sweep', { reason: 'reconnect' })));
    } else {
      unsubs.push(
        await ex.subscribeExecutions((f) => {
          void fillQueue
            .run(`${f.category}:${f.symbol}`, async () => {
              await applyFillReport(deps, f);
            })
            .catch((e) => log.error({ err: String(e) }, 'fill not applied'));
        }),
      );
      unsubs.push(
        await ex.subscribeOrders(
          (r) =>
            void applyOrderReport(deps, r).catch((e) =>
              log.error({ err: String(e) }, 'order report not applied'),
            ),
        ),
      );
      unsubs.push(ex.onResync(async () => enqueue('reconcile', { reason: 'reconnect' })));
      unsubs.push(...(await subscribeCandleTicks({ ex, db: db.db, enqueue, log })));
    }
    unsubs.push(
      ex.onStatus((s) => {
        if (s.type === 'reconnected') metrics.wsReconnect(s.stream === 'private' ? 'private' : 'public');
        if (s.type === 'reconnected' || s.type === 'rebuilt' || s.type === 'auth-failed') {
          void deps.notifier.notify({ kind: 'reconnect', stream: s.stream, detail: s.type });
        }
      }),
    );
    shutdown.add('streams', async () => unsubs.forEach((u) => u()));
  }

  return { deps, services, desk: wiring?.desk ?? null, db, exchange, queues, shutdown, enqueue };
}

export function parseQueues(list: string | undefined): QueueName[] | undefined {
  if (list === undefined) return undefined;
  const out: QueueName[] = [];
  for (const q of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!(QUEUE_NAMES as readonly string[]).includes(q)) {
      throw new ConfigError(`--queues: unknown queue "${q}"; accepted: ${QUEUE_NAMES.join(', ')}`);
    }
    out.push(q as QueueName);
  }
  return out;
}

export { QUEUES };
