// 500 strategy instances ticking every second through BullMQ's `ticks` queue and the real tick processor
// (jobs/tick.ts → processTick) on a fresh Postgres database, real Redis and the Bybit adapter over loopback
// to the in-process simulator. Tick lag = job finished − its scheduled time (job timestamp + opts.delay).
// Two passes: the composition as built (every tick fetches klines over REST, inside Bybit's IP limit), then
// the same with klines shared per series for one second — a what-if that is not in src/.
import { performance } from 'node:perf_hooks';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { engineHandlers } from '../jobs/index.js';
import { startRuntime, type Runtime } from '../src/cli/runtime.js';
import type { EngineDeps } from '../src/engine/deps.js';
import { MemoryNotifier } from '../src/engine/notify.js';
import type { ExchangePort } from '../src/exchange/port.js';
import { startSim, type SimHandle } from '../src/exchange/sim/index.js';
import { parseConfig, STRATEGY_NAMES } from '../src/platform/config.js';
import { loadEnv } from '../src/platform/env.js';
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

export const headline = ['asbuilt_ticks_per_s', 'asbuilt_lag_p99_ms', 'cached_lag_p99_ms'];

const INSTANCES = 500;
const EVERY_MS = 1000;
/** What startRuntime gives the ticks queue in one worker process. */
const CONCURRENCY = 8;
/**
 * How long the first pass (every instance deciding on a fresh candle) and its backlog get to clear before
 * the window opens. The as-built pass cannot settle (its REST budget is the limit), so it gets less.
 */
const SETTLE_MAX_MS = { asbuilt: 4_000, cached: 14_000 } as const;
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

/** One pass: schedulers for every instance, a first pass over all of them, then a measured window. */
async function pass(
  rt: Runtime,
  deps: EngineDeps,
  prefix: string,
  label: keyof typeof SETTLE_MAX_MS,
  ttlMs: number,
) {
  const probe = klinesProbe(deps.exchange, ttlMs);
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
  const kinds = new Map<string, number>();
  let failed = 0;
  let window: [number, number] = [Infinity, Infinity];
  const inWindow = (t: number) => t >= window[0] && t < window[1];
  for (const w of ws.workers) {
    w.on('completed', (job: Job, result: unknown) => {
      const done = job.finishedOn ?? Date.now();
      seen.add(String((job.data as { instanceId?: unknown }).instanceId));
      if (!inWindow(done)) return;
      // BullMQ zeroes job.delay when it promotes a delayed job; opts.delay keeps the scheduled offset.
      lags.push(done - (job.timestamp + (job.opts.delay ?? 0)));
      kinds.set(tickKind(result), (kinds.get(tickKind(result)) ?? 0) + 1);
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
        rt.queues.ticks.upsertJobScheduler(
          `tick-${id}`,
          { every: EVERY_MS, offset: Math.floor((i * EVERY_MS) / ids.length) },
          { name: 'tick', data: { instanceId: id } },
        ),
      ),
    );
    const scheduledMs = performance.now() - t0;
    const settleBy = Date.now() + SETTLE_MAX_MS[label];
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
    await sleep(WINDOW_MS);
    const c = cpu();
    const [redisS, pgS] = [redisCpu(), pgCpu()];
    probe.record(false);
    const backlog = await rt.queues.ticks.getJobCounts('waiting');
    const sorted = ascending(lags);
    const k = probe.figures();
    const perTick = (cpuS: number) => Math.round((cpuS * 1000 * 100) / Math.max(1, sorted.length)) / 100;
    return {
      [`${label}_ticks_per_s`]: Math.round(sorted.length / (WINDOW_MS / 1000)),
      [`${label}_lag_p50_ms`]: pct(sorted, 50),
      [`${label}_lag_p99_ms`]: pct(sorted, 99),
      [`${label}_lag_max_ms`]: pct(sorted, 100),
      [`${label}_skipped_ticks`]: kinds.get('skipped') ?? 0,
      [`${label}_candle_ticks`]: (kinds.get('no-signal') ?? 0) + (kinds.get('acted') ?? 0),
      [`${label}_failed_ticks`]: failed,
      [`${label}_waiting_at_end`]: backlog.waiting ?? 0,
      [`${label}_klines_rest_per_s`]: Math.round(k.calls / (WINDOW_MS / 1000)),
      [`${label}_klines_call_p50_ms`]: k.p50,
      [`${label}_process_cpu_pct`]: c.processPct,
      [`${label}_redis_cpu_pct`]: Math.round((redisS * 100_000) / WINDOW_MS),
      [`${label}_postgres_cpu_pct`]: Math.round((pgS * 100_000) / WINDOW_MS),
      [`${label}_machine_cpu_pct`]: c.machinePct,
      [`${label}_process_cpu_ms_per_tick`]: perTick((c.processPct / 100) * (WINDOW_MS / 1000)),
      [`${label}_redis_cpu_ms_per_tick`]: perTick(redisS),
      [`${label}_postgres_cpu_ms_per_tick`]: perTick(pgS),
      [`${label}_schedule_500_ms`]: Math.round(scheduledMs),
      [`${label}_first_pass_ms`]: allSeen ? Math.round(firstPassMs) : `> ${SETTLE_MAX_MS[label]}`,
      [`${label}_first_pass_process_cpu_ms_per_instance`]: allSeen
        ? Math.round((firstPassCpuMs * 100) / INSTANCES) / 100
        : Number.NaN,
      [`${label}_settled_before_window`]: settled ? 'yes' : 'no (backlog still growing)',
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
      queues: [],
      prefix,
      notifier: new MemoryNotifier(),
      clock: { now: () => market.time() },
    });
    const asBuilt = await pass(rt, rt.deps, prefix, 'asbuilt', 0);
    // A fresh closed bar, so the second first-pass is again every instance deciding on a new candle.
    market.advance(60_000);
    const cached = await pass(rt, rt.deps, prefix, 'cached', EVERY_MS);
    return {
      instances: INSTANCES,
      tick_every_ms: EVERY_MS,
      worker_concurrency: CONCURRENCY,
      window_s: WINDOW_MS / 1000,
      ...asBuilt,
      ...cached,
      target: `${INSTANCES} instances at 1 s ticks, lag p99 < 1000 ms on 2 cores`,
      cached_means: 'klines shared per series+limit for 1 s (not in src/; what-if)',
    };
  } finally {
    await rt?.shutdown.run('benchmark done');
    await sim?.close();
    await db.drop();
    await dropPrefix(prefix);
  }
}
