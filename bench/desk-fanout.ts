// 500 strategy instances on the desk: every second a bar closes on each of two symbols and one decision job
// per bar decides every instance that reads it (strategy, sizing, risk, the decision written). Lag = the
// decision job finished − the bar pushed. Every entry is denied (maxOpenPositions 0) so each burst writes
// its intents and denials without waiting on the venue's 10 orders/s: the figure is the desk's own cost.
import { performance } from 'node:perf_hooks';
import { startRuntime, type Runtime } from '../src/cli/runtime.js';
import { MemoryNotifier } from '../src/engine/notify.js';
import { startSim, type SimHandle } from '../src/exchange/sim/index.js';
import { parseConfig, STRATEGY_NAMES } from '../src/platform/config.js';
import { loadEnv } from '../src/platform/env.js';
import { jobId } from '../src/queue/enqueue.js';
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

export const headline = ['desk_fanout_lag_p50_ms', 'desk_fanout_lag_p99_ms', 'desk_fanout_instances'];

const INSTANCES = 500;
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'] as const;
const BARS = 20;

function instances() {
  return Array.from({ length: INSTANCES }, (_, i) => ({
    id: `fan-${i}`,
    strategy: STRATEGY_NAMES[i % STRATEGY_NAMES.length] ?? 'sma-cross',
    symbol: SYMBOLS[i % SYMBOLS.length] ?? 'BTCUSDT',
    category: 'linear' as const,
    interval: '1',
    sizing: { mode: 'fixed-notional' as const, notional: '100' },
  }));
}

export async function run(): Promise<Record<string, number | string>> {
  silenceLogs();
  const db = await createBenchDb('deskfan');
  const prefix = benchPrefix('deskfan');
  let sim: SimHandle | undefined;
  let rt: Runtime | undefined;
  try {
    sim = await startSim({ port: 0, speed: 0, seed: 3, rateLimits: false });
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
      risk: { staleDataSeconds: 86_400, maxOpenPositions: 0 },
    });
    rt = await startRuntime({
      env,
      config,
      role: 'all',
      prefix,
      notifier: new MemoryNotifier(),
      clock: { now: () => market.time() },
    });
    const q = rt.queues.decisions;
    const idle = async () => Object.values(await q.getJobCounts('waiting', 'active')).every((n) => n === 0);
    await sleep(500);
    await waitFor(idle, 60_000, 50);
    const lags: number[] = [];
    let start = Math.floor(market.time() / 60_000) * 60_000 + 60_000;
    let decided = 0;
    const p0 = performance.now();
    for (let b = 0; b < BARS; b++, start += 60_000) {
      const t0 = Date.now();
      for (const s of SYMBOLS) {
        const last = Number(market.lastPrice(s));
        const close = (last * (1 + Math.sin(b) * 0.004)).toFixed(1);
        market.pushCandle(s, { start, open: String(last), high: close, low: close, close });
      }
      // The bars close when the next one starts; wait for both decisions of the closed one.
      await sleep(1000 - (Date.now() - t0));
      for (const s of SYMBOLS) {
        const job = await q.getJob(jobId(`bar:linear:${s}:1:${start - 60_000}`));
        if (job?.finishedOn && b > 0) {
          lags.push(job.finishedOn - (job.timestamp ?? t0));
          decided += 1;
        }
      }
    }
    const sorted = ascending(lags);
    return {
      desk_fanout_instances: INSTANCES,
      desk_fanout_bars_decided: decided,
      desk_fanout_lag_p50_ms: pct(sorted, 50),
      desk_fanout_lag_p99_ms: pct(sorted, 99),
      desk_fanout_lag_max_ms: pct(sorted, 100),
      elapsed_s: Math.round((performance.now() - p0) / 100) / 10,
    };
  } finally {
    await rt?.shutdown.run('bench done');
    await sim?.close();
    await db.drop();
    await dropPrefix(prefix);
  }
}
