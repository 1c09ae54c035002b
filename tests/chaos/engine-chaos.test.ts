// Chaos test of the trading core (issue 4): worker processes running the real runtime are SIGKILLed at
// random points of the order flow at least 50 times, the private Redis is restarted mid-run (once keeping
// its data, once losing it), and the exchange loses responses and answers 503. At the end no intent has
// more than one exchange order, no approved intent is lost, and fills and positions equal the exchange's.
// CHAOS_SEED=n replays the random choices (and the simulator's reply/push order); CHAOS_TRACE=1 prints progress.
// tests/chaos/reply-order-seeds.test.ts runs the order flow under 20 reply/push seeds without the kills.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/cli/runtime.js';
import { dec } from '../../src/domain/decimal.js';
import type { Side } from '../../src/domain/side.js';
import { MemoryNotifier } from '../../src/engine/notify.js';
import { reconcile } from '../../src/engine/reconcile.js';
import type { TradeOutcome } from '../../src/engine/services.js';
import { createTradingServices } from '../../src/engine/trading-services.js';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';
import { parseConfig } from '../../src/platform/config.js';
import { loadEnv } from '../../src/platform/env.js';
import { createLogger, setLogger } from '../../src/platform/logger.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';
import { testPrefix } from '../helpers/redis.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis-server.js';
import { FaultDriver, median, seeded, sleep, trace } from './chaos-tools.js';
import { fillLines, intentOutcomes, positionSizes, tally, unfinishedCount } from './end-state.js';
import { bundleChild, WorkerPool } from './worker-pool.js';

const TRADES = 60;
/** Trades leave on this schedule, so the order flow spans the whole kill phase. */
const PACE_MS = 600;
const MIN_KILLS = 50;
const KILL_TARGET = 52;
/** How long faults may go on after the kills end, waiting for an order to run into each kind. */
const FAULTS_AFTER_KILLS_MAX_MS = 20_000;
/** Running workers: three, so one is nearly always past start-up when the next kill is due. */
const WORKERS = 3;
/** Room for the kill target on a slow machine (workers take ~2 s to start); the kills, not this, end the run. */
const CHAOS_MAX_MS = 105_000;
const SETTLE_MAX_MS = 30_000;
/** Stands in for the scheduler's every-minute reconcile, compressed to the test's time scale. */
const RECONCILE_EVERY_MS = 5_000;
const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 2 ** 31);
const actor = { platform: 'console' as const, userId: 'chaos' };
// A run of small losing round trips must not trip the loss cooldown: every trade here should be approved.
const CONFIG = { approvals: { mode: 'auto' }, risk: { lossCooldown: { losses: 1000 } } };

describe('the trading core under chaos', () => {
  let db: TestDb;
  let sim: SimHandle;
  let redis: PrivateRedis;
  let rt: Runtime;
  let pool: WorkerPool | undefined;
  let bundle: { file: string; remove(): void } | undefined;
  let queueErrors = 0;

  beforeAll(async () => {
    // This process hosts the simulator and the gateway: their warnings (503 retries) would bury the summary.
    setLogger(createLogger({ level: 'silent' }));
    [db, sim, redis, bundle] = await Promise.all([
      freshPgDb(),
      // The run's seed also flips the simulator's reply/push coin (random order by default, issue 20).
      startSim({ port: 0, speed: 0, seed: 11, behaviour: { replyOrder: 'random', orderSeed: SEED } }),
      startPrivateRedis({ appendOnly: true }),
      bundleChild('tests/fixtures/chaos-worker.ts'),
    ]);
    sim.market.setPrice('BTCUSDT', '50000');
    const vars = {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      BYBIT_ENV: 'sim',
      BYBIT_REST_URL: sim.restUrl,
      BYBIT_WS_URL: sim.wsUrl,
      LOG_LEVEL: 'warn',
    };
    const prefix = testPrefix('chaos');
    // The producer side: the gateway role (its streams apply fills too) under the trading services.
    rt = await startRuntime({
      env: loadEnv(vars),
      config: parseConfig(CONFIG),
      role: 'gateway',
      prefix,
      notifier: new MemoryNotifier(),
      // The first wave's submit pipeline, under chaos until the desk's own chaos run replaces it.
      engine: 'legacy',
    });
    // Without a listener BullMQ prints every failed reconnect while Redis is down: count them instead.
    for (const q of Object.values(rt.queues)) q.on('error', () => void queueErrors++);
    pool = new WorkerPool({
      script: bundle.file,
      env: { ...vars, CHAOS_PREFIX: prefix, CHAOS_CONFIG: JSON.stringify(CONFIG) },
      live: WORKERS,
      spares: 3,
    });
    await pool.start();
  }, 60_000);

  afterAll(async () => {
    // Children first: they hold connections to everything below.
    await pool?.close();
    await rt?.shutdown.run('test done');
    await sim?.close();
    await db?.close();
    await redis?.close();
    bundle?.remove();
  }, 30_000);

  it('survives SIGKILLed workers, Redis restarts, lost responses and 503s without a double order or a lost intent', async () => {
    if (!pool) throw new Error('no worker pool');
    const workers = pool;
    const rand = seeded(SEED);
    const t0 = Date.now();
    const svc = createTradingServices(rt.deps);
    const outcomes: TradeOutcome[] = [];
    const producerRetries: string[] = [];
    const faults = new FaultDriver(sim, rand);
    const chaos = { on: true, producing: true, faultsUntil: Infinity };
    const killsInFlight: { intents: number[]; atVenue: Set<string> }[] = [];

    async function trade(i: number, side: Side, qty: string): Promise<void> {
      // A 503 can hit the producer's own market-data reads: the operator would simply ask again.
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          const out = await svc.requestTrade({ symbol: 'BTCUSDT', side, qty: dec(qty), actor });
          if (out.kind !== 'invalid') return void outcomes.push(out);
          producerRetries.push(out.message);
        } catch (e) {
          producerRetries.push(e instanceof Error ? e.message.slice(0, 80) : `trade ${i} failed`);
        }
        await sleep(200);
      }
    }

    // Trades leave on a fixed schedule, not one after another: a slow answer (Redis down, a 503 retry)
    // must not stretch the run, and operators do not wait for each other either.
    const producer = (async () => {
      const pending: Promise<void>[] = [];
      let price = 50_000;
      for (let i = 0; i < TRADES; i++) {
        await sleep(t0 + i * PACE_MS - Date.now());
        if (i % 4 === 3) {
          price = Math.min(50_400, Math.max(49_600, price + Math.round((rand() - 0.5) * 100)));
          sim.market.setPrice('BTCUSDT', String(price));
        }
        const qty = ['0.001', '0.002', '0.003'][Math.floor(rand() * 3)] ?? '0.001';
        pending.push(trade(i, i % 2 === 0 ? 'Buy' : 'Sell', qty));
      }
      await Promise.all(pending);
      chaos.producing = false;
      trace('every trade answered');
    })();

    const restarts = (async () => {
      // Mid-run Redis dies and comes back with its append-only file (the queue survives)...
      await sleep(t0 + TRADES * PACE_MS * 0.35 - Date.now());
      await redis.restart({ downMs: 300 });
      trace('redis restarted with its data');
      // ...and later it comes back empty: the queue is lost and only Postgres knows what is owed.
      await sleep(t0 + TRADES * PACE_MS * 0.7 - Date.now());
      await redis.restart({ wipe: true, downMs: 300 });
      trace('redis restarted empty');
    })();

    const killer = (async () => {
      while ((chaos.producing || workers.stats.kills < KILL_TARGET) && Date.now() - t0 < CHAOS_MAX_MS) {
        await sleep(300 + rand() * 700);
        // What the exchange already had: a kill of a job whose order is in here hit the window between
        // "the venue accepted it" and "the job finished recording it".
        const atVenue = new Set(sim.state.orders().map((o) => o.orderLinkId));
        const k = await workers.killOne(rand);
        if (k?.inFlight.length) killsInFlight.push({ intents: k.inFlight, atVenue });
        trace(
          `kill ${workers.stats.kills}: worker ${k?.child} (${k?.phase}) jobs [${k?.inFlight.join(',')}]`,
        );
      }
    })();

    // Faults go on past the kills until both kinds were really hit: when workers die faster than they
    // start (a loaded machine), most orders only reach the venue once the killing stops.
    const faultsWanted = () =>
      chaos.on || ((faults.lost.taken === 0 || faults.http.taken === 0) && Date.now() < chaos.faultsUntil);
    const background = (async () => {
      let lastReconcile = Date.now();
      while (faultsWanted()) {
        faults.next();
        await sleep(600 + rand() * 600);
        if (Date.now() - lastReconcile >= RECONCILE_EVERY_MS) {
          await rt.enqueue('reconcile', { reason: 'schedule' });
          lastReconcile = Date.now();
          const q = await rt.queues.orders.getJobCounts(
            'waiting',
            'active',
            'delayed',
            'failed',
            'completed',
          );
          const owed = await unfinishedCount(rt.deps.db);
          trace(`orders ${JSON.stringify(q)}; owed ${owed}; job ends ${JSON.stringify(workers.stats.ends)}`);
        }
      }
    })();

    await Promise.all([producer, killer, restarts]);
    chaos.faultsUntil = Date.now() + FAULTS_AFTER_KILLS_MAX_MS;
    chaos.on = false;
    await background;
    faults.stop();
    const chaosMs = Date.now() - t0;

    // Settle: workers stay up and reconcile keeps running until nothing is owed (bounded). Jobs still
    // "active" under a killed worker's lock are left alone: the intent, not the job, is what is owed.
    await workers.waitReady(1, 10_000);
    const t1 = Date.now();
    let lastReconcile = 0;
    for (;;) {
      if (Date.now() - lastReconcile >= RECONCILE_EVERY_MS) {
        await rt.enqueue('reconcile', { reason: 'manual' });
        lastReconcile = Date.now();
      }
      const jobs = await rt.queues.orders.getJobCounts('waiting', 'delayed', 'prioritized');
      const queued = Object.values(jobs).reduce((a, b) => a + b, 0);
      const owed = await unfinishedCount(rt.deps.db);
      if (queued === 0 && owed === 0 && workers.inFlight() === 0) break;
      if (Date.now() - t1 > SETTLE_MAX_MS) break;
      trace(`settling: queued ${queued}, in flight ${workers.inFlight()}, intents owed ${owed}`);
      await sleep(500);
    }
    const settleMs = Date.now() - t1;
    // One last pass in this process once the workers' reconcile jobs are done: its report shows drift.
    for (let i = 0; i < 20; i++) {
      const r = await rt.queues.reconcile.getJobCounts('waiting', 'active');
      if (!r.waiting && !r.active) break;
      await sleep(250);
    }
    const last = await reconcile(rt.deps);

    const ends = await intentOutcomes(rt.deps.db, sim);
    const failed = ends.filter((e) => e.status === 'failed');
    const done = ends.filter((e) => e.status === 'done');
    const refs = new Map(ends.map((e) => [e.id, e.ref]));
    const killsAfterPlacement = killsInFlight.filter((k) =>
      k.intents.some((id) => [...k.atVenue].some((l) => l.startsWith(`bsn-${refs.get(id)}-`))),
    ).length;
    const s = workers.stats;
    const summary =
      `chaos seed ${SEED} (also the reply/push order seed): ${s.kills} kills (${s.killsMidOrder} mid-order, of which ${killsAfterPlacement} ` +
      `after the venue had the order; ${s.killsDuringStart} during start-up), ${s.spawned} workers ` +
      `spawned, ${s.diedOnTheirOwn} died on their own, start-up ${median(s.startupMs)} ms median; redis started ${redis.starts}×; faults hit: lost responses ` +
      `${faults.lost.taken}/${faults.lost.set}, 503s ${faults.http.taken}/${faults.http.set}; ` +
      `${ends.length} intents: ${tally(ends.map((e) => e.status))}; failed: ` +
      `${tally(failed.map((e) => e.reason ?? '(no reason)'))}; sent again after risk judged them anew: ` +
      `${ends.filter((e) => e.rejudged > 0).length}; producer retries ${producerRetries.length}; ` +
      `job ends ${JSON.stringify(s.ends)}, ${median(s.jobMs)} ms median; ` +
      `chaos ${chaosMs} ms, settle ${settleMs} ms; last reconcile requeued ${last.requeued.length}, ` +
      `drift ${last.positionDrift.join(', ') || 'none'}, never placed ${last.neverPlaced.length}; ` +
      `jobs stalled past the limit ${workers.countLogged(/stalled more than allowable limit/g)}, ` +
      `stale active jobs ${await rt.queues.orders.getActiveCount()}; queue errors ${queueErrors}`;
    console.log(summary);
    trace(`worker logs:\n${workers.tails()}`);

    expect(s.kills, summary).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(s.kills - s.killsDuringStart, 'kills of workers taking jobs').toBeGreaterThanOrEqual(MIN_KILLS);
    expect(redis.starts, 'Redis was restarted mid-run').toBe(3);
    expect(faults.lost.taken, 'some order responses were lost').toBeGreaterThan(0);
    expect(faults.http.taken, 'some requests got a 503').toBeGreaterThan(0);
    expect(outcomes.length, `every trade request was answered: ${summary}`).toBe(TRADES);

    // (1) No intent has more than one exchange order; every done intent has exactly one that filled.
    expect(ends.filter((e) => e.venueOrders > 1).map((e) => e.ref)).toEqual([]);
    expect(done.filter((e) => e.venueOrdersFilled !== 1).map((e) => e.ref)).toEqual([]);
    // (2) No approved intent is lost: each one reached the exchange and filled. An order whose process died
    //     before its request left is sent again (judged anew by risk) by the submit job reconcile requeues.
    const approved = ends.filter((e) => e.approved);
    expect(approved.length).toBe(outcomes.filter((o) => o.kind === 'submitted').length);
    expect(
      approved.filter((e) => e.status !== 'done').map((e) => `${e.id}:${e.status}:${e.reason ?? ''}`),
      `approved intents not done after ${settleMs} ms of settling: ${summary}`,
    ).toEqual([]);
    // (3) Fills and the position equal the exchange's, and the fills alone explain the position.
    const f = await fillLines(rt.deps.db, sim);
    expect(f.ours).toEqual(f.venue);
    const p = await positionSizes(rt.deps.db, sim, 'BTCUSDT');
    expect(p).toEqual({ ours: p.venue, fromFills: p.venue, venue: p.venue });
  }, 170_000);
});
