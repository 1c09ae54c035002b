// Tick → order-at-exchange latency through the desk (the default engine): startRuntime (role all) on a fresh
// Postgres database and real Redis, the Bybit adapter over loopback to a simulator process, approvals auto.
//   candle: the simulator publishes a confirmed 1m kline → gateway enqueues a decision → the desk's kernel
//           decides (strategy, sizing, risk) → one transaction → POST /v5/order/create
//           (tick_to_order_*: from the decision job's start to the venue's createdTime);
//   trade:  rt.services.requestTrade (what /buy runs) → decision job → create.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startRuntime, type Runtime } from '../src/cli/runtime.js';
import { dec, type Decimal } from '../src/domain/decimal.js';
import { MemoryNotifier } from '../src/engine/notify.js';
import type { OrderReport } from '../src/exchange/port.js';
import { parseConfig } from '../src/platform/config.js';
import { loadEnv } from '../src/platform/env.js';
import { jobId } from '../src/queue/enqueue.js';
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

export const headline = [
  'desk_tick_to_order_p50_ms',
  'desk_tick_to_order_p99_ms',
  'desk_trade_to_order_p50_ms',
];

const TRADES = 60;
const CANDLES = 60;
const WARMUP = 5;
/** Bybit allows 10 linear creates per second: spacing keeps the adapter's limiter out of the figures. */
const SPACING_MS = 250;
const SYMBOL = 'BTCUSDT';

class OrderLog {
  readonly created = new Map<string, number>();
  readonly arrivals: string[] = [];
  onReport = (r: OrderReport): void => {
    if (!r.orderLinkId || this.created.has(r.orderLinkId)) return;
    this.created.set(r.orderLinkId, r.createdAt);
    this.arrivals.push(r.orderLinkId);
  };
}

async function idle(rt: Runtime): Promise<boolean> {
  const d = await rt.queues.decisions.getJobCounts('waiting', 'active');
  return Object.values(d).every((n) => n === 0);
}

async function trades(rt: Runtime, log: OrderLog, until: number) {
  const toOrder: number[] = [];
  let refused = 0;
  for (let i = 0; i < WARMUP + TRADES && Date.now() < until; i++) {
    await sleep(SPACING_MS);
    const t0 = Date.now();
    const out = await rt.services.requestTrade({
      symbol: 'ETHUSDT',
      side: i % 2 === 0 ? 'Buy' : 'Sell',
      qty: dec('0.01'),
      actor: { platform: 'cli', userId: 'bench' },
    });
    if (out.kind !== 'submitted') {
      refused++;
      continue;
    }
    const seen = await waitFor(() => log.created.has(out.orderLinkId), 5000);
    await waitFor(() => idle(rt), 5000, 5);
    if (!seen || i < WARMUP) continue;
    toOrder.push((log.created.get(out.orderLinkId) ?? Number.NaN) - t0);
  }
  return { toOrder: ascending(toOrder), refused };
}

function bar(start: number, up: boolean, lo: Decimal, hi: Decimal) {
  const [open, close] = up ? [lo, hi] : [hi, lo];
  return { start, open: open.toFixed(), high: hi.toFixed(), low: lo.toFixed(), close: close.toFixed() };
}

/** A zigzag under sma-cross(1, 2): every bar turns the book, an exit and an entry in one decision. */
async function candles(rt: Runtime, sim: RemoteSim, log: OrderLog, until: number) {
  const lo = dec(sim.lastPrice(SYMBOL)).toDecimalPlaces(0);
  const hi = lo.mul('1.005').toDecimalPlaces(0);
  let start = Math.floor(sim.time() / 60_000) * 60_000 + 60_000;
  const first: number[] = [];
  const fromJob: number[] = [];
  let noOrder = 0;
  for (let i = 0; i < WARMUP + CANDLES && Date.now() < until; i++, start += 60_000) {
    await sleep(SPACING_MS);
    const before = log.arrivals.length;
    const t0 = Date.now();
    sim.pushCandle(SYMBOL, bar(start, i % 2 === 0, lo, hi));
    const seen = await waitFor(() => log.arrivals.length > before, 3000);
    await waitFor(() => idle(rt), 5000, 5);
    if (i < WARMUP) continue;
    if (!seen) {
      noOrder++;
      continue;
    }
    const created = log.created.get(log.arrivals[before] ?? '') ?? Number.NaN;
    first.push(created - t0);
    const closed = start - 60_000;
    const job = await rt.queues.decisions.getJob(jobId(`bar:linear:${SYMBOL}:1:${closed}`));
    if (job?.processedOn) fromJob.push(created - job.processedOn);
  }
  return { first: ascending(first), fromJob: ascending(fromJob), noOrder };
}

export async function run(): Promise<Record<string, number | string>> {
  silenceLogs();
  const db = await createBenchDb('desk');
  const prefix = benchPrefix('desk');
  let sim: RemoteSim | undefined;
  let rt: Runtime | undefined;
  try {
    sim = await startRemoteSim([SYMBOL, 'ETHUSDT']);
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
          id: 'bench-zigzag',
          strategy: 'sma-cross',
          symbol: SYMBOL,
          category: 'linear',
          interval: '1',
          params: { fast: 1, slow: 2 },
          sizing: { mode: 'fixed-notional', notional: '1000' },
        },
      ],
      approvals: { mode: 'auto' },
      risk: { staleDataSeconds: 86_400, lossCooldown: { losses: 1000 }, dailyLossLimit: '100000' },
    });
    rt = await startRuntime({
      env,
      config,
      role: 'all',
      prefix,
      notifier: new MemoryNotifier(),
      clock: { now: () => venue.time() },
    });
    const log = new OrderLog();
    const unsubscribe = await rt.exchange.exchange.subscribeOrders(log.onReport);
    await sleep(500);
    await waitFor(() => idle(rt as Runtime), 20_000, 20);
    const load = loadavg()[0] ?? Number.NaN;
    const p0 = performance.now();
    const t = await trades(rt, log, Date.now() + 25_000);
    const c = await candles(rt, sim, log, Date.now() + 40_000);
    unsubscribe();
    return {
      desk_trade_iterations: t.toOrder.length,
      desk_trade_to_order_p50_ms: pct(t.toOrder, 50),
      desk_trade_to_order_p99_ms: pct(t.toOrder, 99),
      desk_candle_iterations: c.first.length,
      desk_candle_to_order_p50_ms: pct(c.first, 50),
      desk_candle_to_order_p99_ms: pct(c.first, 99),
      desk_tick_to_order_p50_ms: pct(c.fromJob, 50),
      desk_tick_to_order_p99_ms: pct(c.fromJob, 99),
      desk_candles_without_order: c.noOrder,
      desk_trades_refused: t.refused,
      load_avg_1m: Math.round(load * 100) / 100,
      elapsed_s: Math.round((performance.now() - p0) / 100) / 10,
    };
  } finally {
    await rt?.shutdown.run('bench done');
    await sim?.close();
    await db.drop();
    await dropPrefix(prefix);
  }
}
