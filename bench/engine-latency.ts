// Tick → order-at-exchange latency through the real composition: startRuntime (role all: gateway, BullMQ
// workers, scheduler) on a fresh Postgres database and real Redis, the Bybit adapter over loopback to the
// in-process simulator, approvals auto. Two paths, each timed from its trigger to the venue's createdTime:
//   candle: the simulator publishes a confirmed 1m kline → gateway enqueues a tick → tick job → strategy
//           signal → risk → intent and order in one statement → POST /v5/order/create from the tick job
//           (tick_to_order_*: from the tick job's start);
//   trade:  createTradingServices(deps).requestTrade(...) (what /buy runs) → submit-order job → create.
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startRuntime, type Runtime } from '../src/cli/runtime.js';
import { dec, type Decimal } from '../src/domain/decimal.js';
import { MemoryNotifier } from '../src/engine/notify.js';
import { createTradingServices } from '../src/engine/trading-services.js';
import type { OrderReport } from '../src/exchange/port.js';
import { parseConfig } from '../src/platform/config.js';
import { loadEnv } from '../src/platform/env.js';
import { jobId } from '../src/queue/enqueue.js';
import { roundTrips } from './engine-round-trips.js';
import { startRemoteSim, type RemoteSim } from './sim-process.js';
import {
  ascending,
  BENCH_REDIS_URL,
  benchPrefix,
  createBenchDb,
  dropPrefix,
  pct,
  silenceLogs,
  sleep,
  waitFor,
} from './engine-support.js';

export const headline = ['tick_to_order_p50_ms', 'tick_to_order_p99_ms', 'candle_to_order_p50_ms'];

const TRADES = 100;
const CANDLES = 100;
const WARMUP = 5;
/** Bybit allows 10 linear creates per second; spacing them keeps the adapter's limiter from ever waiting. */
const CREATE_SPACING_MS = 110;
/** A candle of the zigzag places two orders (exit, then entry): its iterations are paced on the window. */
const CREATE_WINDOW_MS = 1_200;
const CREATES_PER_WINDOW = 10;
/** Time budgets per phase, so the whole run stays under a minute even on a busy machine. */
const TRADE_BUDGET_MS = 15_000;
const CANDLE_BUDGET_MS = 30_000;
const SYMBOL = 'BTCUSDT';
const INSTANCE = 'bench-zigzag';

/** Venue acceptance times (createdTime, ms) by orderLinkId, as reported on the private order stream. */
class OrderLog {
  readonly created = new Map<string, number>();
  readonly arrivals: string[] = [];
  /** Wall-clock arrival of each new order, for pacing below the adapter's create limit. */
  readonly seenAt: number[] = [];
  onReport = (r: OrderReport): void => {
    if (!r.orderLinkId || this.created.has(r.orderLinkId)) return;
    this.created.set(r.orderLinkId, r.createdAt);
    this.arrivals.push(r.orderLinkId);
    this.seenAt.push(Date.now());
  };
  /** Wait until `n` more creates fit in Bybit's 10-per-second window (with a margin). */
  async roomFor(n: number): Promise<void> {
    for (;;) {
      const now = Date.now();
      const recent = this.seenAt.filter((t) => now - t < CREATE_WINDOW_MS).length;
      if (recent + n <= CREATES_PER_WINDOW) return;
      await sleep(5);
    }
  }
}

/** Per-stage samples (ms) from BullMQ's own job timestamps; reported as medians. */
class Stages {
  private readonly samples = new Map<string, number[]>();
  add(name: string, ms: number): void {
    if (Number.isFinite(ms)) this.samples.set(name, [...(this.samples.get(name) ?? []), ms]);
  }
  figures(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.samples) out[`${k}_p50_ms`] = pct(ascending(v), 50);
    return out;
  }
}

async function idle(rt: Runtime): Promise<boolean> {
  // The tick queue always holds the scheduler's next (delayed) fallback; orders are delayed only when retrying.
  const t = await rt.queues.ticks.getJobCounts('waiting', 'active');
  const o = await rt.queues.orders.getJobCounts('waiting', 'active', 'delayed');
  return [...Object.values(t), ...Object.values(o)].every((n) => n === 0);
}

const submitJob = (rt: Runtime, intentId: number) => rt.queues.orders.getJob(jobId('submit', intentId));

/** Operator trades (market buys of 0.01 ETH, one at a time) through the same pipeline as /buy. */
async function trades(rt: Runtime, log: OrderLog, stages: Stages, until: number) {
  const svc = createTradingServices(rt.deps);
  const toOrder: number[] = [];
  let refused = 0;
  let lastCreate = 0;
  for (let i = 0; i < WARMUP + TRADES && Date.now() < until; i++) {
    await sleep(Math.max(0, lastCreate + CREATE_SPACING_MS - performance.now()));
    lastCreate = performance.now();
    const t0 = Date.now();
    const p0 = performance.now();
    const out = await svc.requestTrade({
      symbol: 'ETHUSDT',
      side: 'Buy',
      qty: dec('0.01'),
      actor: { platform: 'cli', userId: 'bench' },
    });
    const requestMs = performance.now() - p0;
    if (out.kind !== 'submitted') {
      refused++;
      continue;
    }
    const seen = await waitFor(() => log.created.has(out.orderLinkId), 5000);
    await waitFor(() => idle(rt), 5000, 5);
    if (!seen || i < WARMUP) continue;
    const created = log.created.get(out.orderLinkId) ?? Number.NaN;
    toOrder.push(created - t0);
    stages.add('trade_stage_request', requestMs);
    const job = await submitJob(rt, out.intentId);
    if (job?.processedOn) {
      stages.add('trade_stage_submit_queue', job.processedOn - job.timestamp);
      stages.add('trade_stage_submit', created - job.processedOn);
    }
  }
  return { toOrder: ascending(toOrder), refused };
}

/** One 1m bar of the zigzag: closes alternate between `lo` and `hi`, so SMA(1)/SMA(2) cross on every bar. */
function bar(start: number, up: boolean, lo: Decimal, hi: Decimal) {
  const [open, close] = up ? [lo, hi] : [hi, lo];
  return { start, open: open.toFixed(), high: hi.toFixed(), low: lo.toFixed(), close: close.toFixed() };
}

/**
 * Where the first order of one candle spent its time: gateway (confirmed kline → tick job added), tick
 * queue, and the tick job itself until the venue accepted the order (the tick sends it: no submit job).
 * Returns the last, the tick → order-at-exchange time, or NaN when the jobs are gone.
 */
async function candleStages(
  rt: Runtime,
  stages: Stages,
  at: { candle: number; t0: number; created: number },
) {
  const { candle, t0, created } = at;
  const tick = await rt.queues.ticks.getJob(jobId('tick', INSTANCE, candle));
  if (!tick?.processedOn) return Number.NaN;
  stages.add('candle_stage_gateway', tick.timestamp - t0);
  stages.add('candle_stage_tick_queue', tick.processedOn - tick.timestamp);
  return created - tick.processedOn;
}

/**
 * Confirmed candles driving an sma-cross(1, 2) instance. Pushing bar k+1 confirms bar k; the decision on
 * bar k fills at bar k+1's close, which the zigzag puts on the other side, so every round trip wins and
 * no loss cool-down or daily-loss limit ever blocks an entry. A reversal is two orders: the exit leg
 * first, then the entry, which the submit job holds back (retry with backoff) until the exit has finished.
 */
async function candles(rt: Runtime, sim: RemoteSim, log: OrderLog, stages: Stages, until: number) {
  const lo = dec(sim.lastPrice(SYMBOL)).toDecimalPlaces(0);
  const hi = lo.mul('1.005').toDecimalPlaces(0);
  let start = Math.floor(sim.time() / 60_000) * 60_000 + 60_000;
  const first: number[] = [];
  const second: number[] = [];
  const fromTick: number[] = [];
  let noOrder = 0;
  for (let i = 0; i < WARMUP + CANDLES && Date.now() < until; i++, start += 60_000) {
    await log.roomFor(2);
    const before = log.arrivals.length;
    const t0 = Date.now();
    sim.pushCandle(SYMBOL, bar(start, i % 2 === 0, lo, hi));
    const seen = await waitFor(() => log.arrivals.length > before, 3000);
    await waitFor(() => idle(rt), 5000, 5);
    // The adapter's create limiter (10/s) must never be what is measured.
    await sleep(CREATE_SPACING_MS);
    if (i < WARMUP) continue;
    if (!seen) {
      noOrder++;
      continue;
    }
    const ids = log.arrivals.slice(before);
    const at = ids.map((id) => log.created.get(id) ?? Number.NaN);
    first.push((at[0] ?? Number.NaN) - t0);
    if (at.length >= 2) second.push((at[1] ?? Number.NaN) - t0);
    const tickToOrder = await candleStages(rt, stages, { candle: start - 60_000, t0, created: at[0] ?? NaN });
    if (Number.isFinite(tickToOrder)) fromTick.push(tickToOrder);
  }
  return { first: ascending(first), second: ascending(second), fromTick: ascending(fromTick), noOrder };
}

export async function run(): Promise<Record<string, number | string>> {
  silenceLogs();
  const db = await createBenchDb('latency');
  const prefix = benchPrefix('latency');
  let sim: RemoteSim | undefined;
  let rt: Runtime | undefined;
  try {
    sim = await startRemoteSim([SYMBOL]);
    const venue = sim;
    const env = loadEnv({
      DATABASE_URL: db.url,
      REDIS_URL: BENCH_REDIS_URL,
      BYBIT_ENV: 'sim',
      BYBIT_REST_URL: sim.restUrl,
      BYBIT_WS_URL: sim.wsUrl,
      LOG_LEVEL: 'silent',
    });
    const config = parseConfig({
      strategies: [
        {
          id: INSTANCE,
          strategy: 'sma-cross',
          symbol: SYMBOL,
          category: 'linear',
          interval: '1',
          params: { fast: 1, slow: 2 },
          sizing: { mode: 'fixed-notional', notional: '1000' },
        },
      ],
      approvals: { mode: 'auto' },
      // Bars arrive every few hundred ms, so market time runs ahead of the venue's real-time stamps by up
      // to CANDLES minutes; the stale-data check compares the two and would otherwise deny every entry.
      risk: { staleDataSeconds: 86_400 },
    });
    rt = await startRuntime({
      env,
      config,
      role: 'all',
      prefix,
      notifier: new MemoryNotifier(),
      engine: 'legacy',
      // Market time stands still between pushed bars; the engine must agree with the venue on what has closed.
      clock: { now: () => venue.time() },
    });
    const log = new OrderLog();
    const unsubscribe = await rt.exchange.exchange.subscribeOrders(log.onReport);
    // Start-up jobs (the first fallback tick, reconcile) finish before anything is timed.
    await sleep(300);
    await waitFor(() => idle(rt as Runtime), 10_000, 20);
    const base = await roundTrips(db.url, sim.restUrl);

    const load = loadavg()[0] ?? Number.NaN;

    const stages = new Stages();
    // CPU of this whole process (engine, adapter and simulator alike) per iteration, warm-up included.
    const cpu0 = process.cpuUsage();
    const t = await trades(rt, log, stages, Date.now() + TRADE_BUDGET_MS);
    const cpu1 = process.cpuUsage();
    const c = await candles(rt, sim, log, stages, Date.now() + CANDLE_BUDGET_MS);
    const cpu2 = process.cpuUsage();
    unsubscribe();
    const cpuMs = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage, n: number) =>
      Math.round((b.user + b.system - a.user - a.system) / 1000 / Math.max(1, n + WARMUP));
    return {
      candle_iterations: c.first.length,
      candle_to_order_p50_ms: pct(c.first, 50),
      candle_to_order_p99_ms: pct(c.first, 99),
      candle_to_order_max_ms: pct(c.first, 100),
      tick_to_order_p50_ms: pct(c.fromTick, 50),
      tick_to_order_p99_ms: pct(c.fromTick, 99),
      reversal_entry_p50_ms: pct(c.second, 50),
      reversal_entry_p99_ms: pct(c.second, 99),
      candles_without_order: c.noOrder,
      trade_iterations: t.toOrder.length,
      trade_to_order_p50_ms: pct(t.toOrder, 50),
      trade_to_order_p99_ms: pct(t.toOrder, 99),
      trade_to_order_max_ms: pct(t.toOrder, 100),
      trades_refused: t.refused,
      ...stages.figures(),
      trade_cpu_per_iteration_ms: cpuMs(cpu0, cpu1, t.toOrder.length),
      candle_cpu_per_iteration_ms: cpuMs(cpu1, cpu2, c.first.length),
      ...base,
      machine_load_1m: Math.round(load * 10) / 10,
      machine_cores: cpus().length,
      target: 'p50 < 10 ms, p99 < 50 ms (loopback)',
      resolution: '1 ms (venue createdTime vs Date.now at the trigger)',
    };
  } finally {
    await rt?.shutdown.run('benchmark done');
    await sim?.close();
    await db.drop();
    await dropPrefix(prefix);
  }
}
