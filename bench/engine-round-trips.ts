// One round trip to each service the engine talks to, measured where the engine runs (not a benchmark: no
// run() export). A tick or a trade makes a few dozen of these in sequence, so these medians explain the
// engine's latency on a given machine better than any CPU profile.
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { BENCH_REDIS_URL } from './engine-support.js';

const N = 50;

async function median(n: number, f: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 5; i++) await f();
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    xs.push(performance.now() - t);
  }
  xs.sort((a, b) => a - b);
  return Math.round((xs[Math.floor((xs.length - 1) / 2)] ?? Number.NaN) * 100) / 100;
}

export async function roundTrips(dbUrl: string, restUrl: string): Promise<Record<string, number>> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  const redis = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    return {
      rtt_postgres_select1_p50_ms: await median(N, () => sql`select 1`),
      rtt_redis_ping_p50_ms: await median(N, () => redis.ping()),
      rtt_sim_http_p50_ms: await median(N, async () => (await fetch(`${restUrl}/v5/market/time`)).text()),
    };
  } finally {
    await sql.end();
    redis.disconnect();
  }
}
