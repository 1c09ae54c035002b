// Shared plumbing for the engine benchmarks (not a benchmark itself: no run() export): a throw-away
// Postgres database, a BullMQ key prefix swept afterwards, a silenced logger, percentiles and CPU use.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { createLogger, setLogger } from '../src/platform/logger.js';

export const BENCH_PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Job failures and stream warnings are logged by the runtime; a benchmark prints nothing itself. */
export function silenceLogs(): void {
  process.env.LOG_LEVEL = 'silent';
  setLogger(createLogger({ level: 'silent' }));
}

export interface BenchDb {
  url: string;
  drop(): Promise<void>;
}

/** An empty database of our own on the local server; the runtime migrates it. drop() removes it. */
export async function createBenchDb(tag: string): Promise<BenchDb> {
  const name = `bosun_bench_${tag}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(BENCH_PG_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(BENCH_PG_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = postgres(BENCH_PG_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

export function benchPrefix(tag: string): string {
  return `bench-${tag}-${randomBytes(4).toString('hex')}`;
}

/** Delete every Redis key under a BullMQ prefix. */
export async function dropPrefix(prefix: string): Promise<void> {
  const r = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

/** Nearest-rank percentile of an ascending array, rounded to 0.1 ms; NaN when empty. */
export function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[i] ?? Number.NaN) * 10) / 10;
}

export const ascending = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `ready` every `everyMs` until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(
  ready: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 2,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await ready()) return true;
    if (Date.now() > end) return false;
    await sleep(everyMs);
  }
}

function machineTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

/**
 * CPU over a window, in percent of one core: this process (engine, workers, simulator) and the whole
 * machine (Redis, Postgres and anyone else sharing it). Call the returned function to end the window.
 */
export function cpuWindow(): () => { processPct: number; machinePct: number; cores: number } {
  const t0 = performance.now();
  const p0 = process.cpuUsage();
  const m0 = machineTimes();
  return () => {
    const wallUs = (performance.now() - t0) * 1000;
    const p = process.cpuUsage(p0);
    const m1 = machineTimes();
    const cores = cpus().length;
    const total = m1.total - m0.total;
    return {
      processPct: Math.round(((p.user + p.system) / wallUs) * 100),
      machinePct: total > 0 ? Math.round(((m1.busy - m0.busy) / total) * 100 * cores) : Number.NaN,
      cores,
    };
  };
}

/** Clock ticks per second for /proc/<pid>/stat times (USER_HZ; 100 on every mainstream Linux build). */
const USER_HZ = 100;

/** CPU seconds used so far by each live process whose command name is `comm`, by pid (Linux /proc). */
function procTimes(comm: string): Map<string, number> {
  const out = new Map<string, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      if (stat.slice(open + 1, close) !== comm) continue;
      // Fields after "(comm)": state is field 3, utime 14 and stime 15.
      const f = stat.slice(close + 2).split(' ');
      out.set(pid, (Number(f[11]) + Number(f[12])) / USER_HZ);
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/**
 * CPU seconds used by every process named `comm` (redis-server, postgres) over a window. These services are
 * shared, so the figure includes anyone else using them meanwhile: an upper bound for our share.
 */
export function serviceCpuWindow(comm: string): () => number {
  const before = procTimes(comm);
  return () => {
    let s = 0;
    for (const [pid, t] of procTimes(comm)) s += t - (before.get(pid) ?? 0);
    return s;
  };
}
