// 500 strategy instances ticking every second through BullMQ's `ticks` queue and the real tick processor
// (jobs/tick.ts → processTick) on a fresh Postgres database, real Redis and the Bybit adapter over loopback
// to the in-process simulator. Tick lag = job finished − its scheduled time (job timestamp + opts.delay).
// The measured window contains candle closes: at each, every instance decides on a new bar within one
// second (the burst), so the lag percentiles include the worst moment, not only the quiet seconds between.
import { performance } from 'node:perf_hooks';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { engineHandlers } from '../jobs/index.js';
import { startRuntime, WORKER_CONCURRENCY, type Runtime } from '../src/cli/runtime.js';
import type { EngineDeps } from '../src/engine/deps.js';
import { MemoryNotifier } from '../src/engine/notify.js';
import type { ExchangePort } from '../src/exchange/port.js';
import { startSim, type SimHandle } from '../src/exchange/sim/index.js';
import { parseConfig, STRATEGY_NAMES } from '../src/platform/config.js';
import { loadEnv } from '../src/platform/env.js';
import { schedule } from '../src/queue/enqueue.js';
import { startWorkers } from '../src/queue/workers.js';
import {
  ascending,
  BENCH_REDIS_URL,
  benchPrefix,
  cpuWindow,
  createBenchDb,
  dropPrefix,
  pct,
  serviceCpuWindow,
  silenceLogs,
  sleep,
  waitFor,
} from './engine-support.js';

export const headline = ['ticks_per_s', 'lag_p99_ms', 'burst_lag_p99_ms'];

const INSTANCES = 500;
const EVERY_MS = 1000;
/** What startRuntime gives the ticks queue in one worker process. */
const CONCURRENCY = WORKER_CONCURRENCY.ticks;
/** How long the first pass (every instance deciding on a fresh candle) gets to clear before the window. */
const SETTLE_MAX_MS = 14_000;
const WINDOW_MS = 10_000;
const SERIES = [
  { symbol: 'BTCUSDT', category: 'linear' },
  { symbol: 'ETHUSDT', category: 'linear' },
  { symbol: 'BTCUSDT', category: 'spot' },
  { symbol: 'ETHUSDT', category: 'spot' },
] as const;

function instances() {
  return Array.from({ length: INSTANCES }, (_, i) => ({
    id: `fan-${String(i).padStart(3, '0')}`,
    strategy: STRATEGY_NAMES[i % STRATEGY_NAMES.length],
    ...SERIES[Math.floor(i / STRATEGY_NAMES.length) % SERIES.length],
    interval: '1',
    sizing: { mode: 'fixed-notional', notional: '100' },
  }));
}

/** Times every klines call (limiter wait included) and, when `ttlMs` > 0, shares results per query. */
function klinesProbe(ex: ExchangePort, ttlMs: number) {
  const durations: number[] = [];
  const cache = new Map<string, { at: number; p: ReturnType<ExchangePort['klines']> }>();
  let calls = 0;
  let recording = false;
  const klines: ExchangePort['klines'] = async (q) => {
    const t = performance.now();
    const key = `${q.category}:${q.symbol}:${q.interval}:${q.limit}`;
    const hit = cache.get(key);
    let p = hit && t - hit.at < ttlMs ? hit.p : undefined;
    if (!p) {
      calls += recording ? 1 : 0;
      p = ex.klines(q);
      if (ttlMs > 0) {
        cache.set(key, { at: t, p });
        p.catch(() => cache.delete(key));
      }
    }
    try {
      return await p;
    } finally {
      if (recording) durations.push(performance.now() - t);
    }
  };
  const exchange = new Proxy(ex, {
    get(target, prop) {
      if (prop === 'klines') return klines;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return {
    exchange,
    record: (on: boolean) => void (recording = on),
    figures: () => ({ calls, p50: pct(ascending(durations), 50) }),
  };
}

const tickKind = (r: unknown): string =>
  typeof r === 'object' && r !== null && 'kind' in r && typeof r.kind === 'string' ? r.kind : 'other';

/** Candle closes inside the measured window (ms after it opens): each makes every instance decide. */
const CLOSES_AT_MS = [2_000, 6_000];

/** Schedulers for every instance, a first pass over all of them, then a measured window with closes. */
async function measure(rt: Runtime, deps: EngineDeps, prefix: string, market: SimHandle['market']) {
  const probe = klinesProbe(deps.exchange, 0);
  const conn = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });
  const ws = startWorkers({
    connection: conn,
    prefix,
    queues: ['ticks'],
    handlers: { tick: engineHandlers({ ...deps, exchange: probe.exchange }).tick },
    concurrency: { ticks: CONCURRENCY },
  });
  const ids = instances().map((i) => i.id);
  const seen = new Set<string>();
  const lags: number[] = [];
  const burstLags: number[] = [];
  const actedLags: number[] = [];
  const kinds = new Map<string, number>();
  let failed = 0;
  let lastDecisionAt = 0;
  let window: [number, number] = [Infinity, Infinity];
  const inWindow = (t: number) => t >= window[0] && t < window[1];
  for (const w of ws.workers) {
    w.on('completed', (job: Job, result: unknown) => {
      const done = job.finishedOn ?? Date.now();
      seen.add(String((job.data as { instanceId?: unknown }).instanceId));
      if (!inWindow(done)) return;
      // BullMQ zeroes job.delay when it promotes a delayed job; opts.delay keeps the scheduled offset.
      const lag = done - (job.timestamp + (job.opts.delay ?? 0));
      lags.push(lag);
      const kind = tickKind(result);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      if (kind === 'no-signal' || kind === 'acted') {
        burstLags.push(lag);
        if (kind === 'acted') actedLags.push(lag);
        lastDecisionAt = Math.max(lastDecisionAt, done);
      }
    });
    w.on('failed', () => void (inWindow(Date.now()) && failed++));
  }
  try {
    const t0 = performance.now();
    const firstCpu = cpuWindow();
    // Spread evenly over the second (what sequential upserts in startRuntime approximate), in parallel so
    // that set-up time on a busy machine does not eat the benchmark's budget.
    await Promise.all(
      ids.map((id, i) =>
        schedule(
          rt.queues.ticks,
          `tick-${id}`,
          { every: EVERY_MS, offset: Math.floor((i * EVERY_MS) / ids.length) },
          'tick',
          { instanceId: id },
        ),
      ),
    );
    const settleBy = Date.now() + SETTLE_MAX_MS;
    const allSeen = await waitFor(() => seen.size >= INSTANCES, settleBy - Date.now(), 20);
    const firstPassMs = performance.now() - t0;
    const firstPassCpuMs = (firstCpu().processPct / 100) * firstPassMs;
    // Steady state: no more than one tick per worker slot waiting.
    const settled =
      allSeen &&
      (await waitFor(
        async () => ((await rt.queues.ticks.getJobCounts('waiting')).waiting ?? 0) <= CONCURRENCY,
        settleBy - Date.now(),
        50,
      ));
    window = [Date.now(), Date.now() + WINDOW_MS];
    probe.record(true);
    const cpu = cpuWindow();
    const redisCpu = serviceCpuWindow('redis-server');
    const pgCpu = serviceCpuWindow('postgres');
    const clears: number[] = [];
    let at = 0;
    for (const closeAt of CLOSES_AT_MS) {
      await sleep(closeAt - at);
      at = closeAt;
      const closed = Date.now();
      market.advance(60_000);
      // How long until the last instance has decided on the new bar (every one decides once per close).
      const before = kinds.get('no-signal') ?? 0;
      const acted = kinds.get('acted') ?? 0;
      void waitFor(
        () => (kinds.get('no-signal') ?? 0) + (kinds.get('acted') ?? 0) - before - acted >= INSTANCES,
        WINDOW_MS,
        10,
      ).then((ok) => clears.push(ok ? lastDecisionAt - closed : Number.NaN));
    }
    await sleep(WINDOW_MS - at);
    const c = cpu();
    const [redisS, pgS] = [redisCpu(), pgCpu()];
    probe.record(false);
    const backlog = await rt.queues.ticks.getJobCounts('waiting');
    const sorted = ascending(lags);
    const burst = ascending(burstLags);
    const k = probe.figures();
    const perTick = (cpuS: number) => Math.round((cpuS * 1000 * 100) / Math.max(1, sorted.length)) / 100;
    return {
      ticks_per_s: Math.round(sorted.length / (WINDOW_MS / 1000)),
      lag_p50_ms: pct(sorted, 50),
      lag_p99_ms: pct(sorted, 99),
      lag_max_ms: pct(sorted, 100),
      candle_closes_in_window: CLOSES_AT_MS.length,
      burst_decisions: burst.length,
      burst_lag_p50_ms: pct(burst, 50),
      burst_lag_p99_ms: pct(burst, 99),
      acted_lag_p50_ms: pct(ascending(actedLags), 50),
      acted_lag_max_ms: pct(ascending(actedLags), 100),
      burst_all_decided_ms: clears.length ? Math.max(...clears) : 'not all decided in the window',
      skipped_ticks: kinds.get('skipped') ?? 0,
      acted_ticks: kinds.get('acted') ?? 0,
      failed_ticks: failed,
      waiting_at_end: backlog.waiting ?? 0,
      klines_rest_calls: k.calls,
      klines_call_p50_ms: k.p50,
      process_cpu_pct: c.processPct,
      redis_cpu_pct: Math.round((redisS * 100_000) / WINDOW_MS),
      postgres_cpu_pct: Math.round((pgS * 100_000) / WINDOW_MS),
      machine_cpu_pct: c.machinePct,
      process_cpu_ms_per_tick: perTick((c.processPct / 100) * (WINDOW_MS / 1000)),
      postgres_cpu_ms_per_tick: perTick(pgS),
      first_pass_ms: allSeen ? Math.round(firstPassMs) : `> ${SETTLE_MAX_MS}`,
      first_pass_process_cpu_ms_per_instance: allSeen
        ? Math.round((firstPassCpuMs * 100) / INSTANCES) / 100
        : Number.NaN,
      settled_before_window: settled ? 'yes' : 'no (backlog still growing)',
    };
  } finally {
    await Promise.all(ids.map((id) => rt.queues.ticks.removeJobScheduler(`tick-${id}`)));
    await ws.close();
    conn.disconnect();
    await rt.queues.ticks.drain(true);
  }
}

export async function run(): Promise<Record<string, number | string>> {
  silenceLogs();
  const db = await createBenchDb('fanout');
  const prefix = benchPrefix('fanout');
  let sim: SimHandle | undefined;
  let rt: Runtime | undefined;
  try {
    sim = await startSim({ port: 0, speed: 0 });
    const market = sim.market;
    const env = loadEnv({
      DATABASE_URL: db.url,
      REDIS_URL: BENCH_REDIS_URL,
      BYBIT_ENV: 'sim',
      BYBIT_REST_URL: sim.restUrl,
      BYBIT_WS_URL: sim.wsUrl,
      LOG_LEVEL: 'silent',
    });
    const config = parseConfig({
      strategies: instances(),
      approvals: { mode: 'auto' },
      risk: { staleDataSeconds: 86_400 },
    });
    // Role worker with no queues: the database, exchange and deps of a real bot, and our own tick workers.
    rt = await startRuntime({
      env,
      config,
      role: 'worker',
      engine: 'legacy',
      queues: [],
      prefix,
      notifier: new MemoryNotifier(),
      clock: { now: () => market.time() },
    });
    const figures = await measure(rt, rt.deps, prefix, market);
    return {
      instances: INSTANCES,
      tick_every_ms: EVERY_MS,
      worker_concurrency: CONCURRENCY,
      window_s: WINDOW_MS / 1000,
      ...figures,
      target: `${INSTANCES} instances at 1 s ticks, lag p99 < 1000 ms on 2 cores (candle closes included)`,
    };
  } finally {
    await rt?.shutdown.run('benchmark done');
    await sim?.close();
    await db.drop();
    await dropPrefix(prefix);
  }
}
