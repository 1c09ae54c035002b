// Sweeps on every local core: worker threads that share one copy of the candle columns (a
// SharedArrayBuffer handed over once) and take one combination at a time from a common queue.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CandleSeries } from './candles.js';
import type { RunnerName } from './pool-runners.js';
import type { PoolReply, PoolRequest, PoolWorkerData } from './pool-worker.js';
import type { SweepRunResult } from './sweep-rank.js';
import { SweepFailure, type SweepExecutor, type SweepTask } from './sweep.js';

export interface PoolOptions {
  /** Threads; default every core. */
  workers?: number;
  runner?: RunnerName;
}

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/** The six columns in one SharedArrayBuffer, laid out as the worker reads them; reused when already so. */
export function sharedColumns(s: CandleSeries): SharedArrayBuffer {
  const n = s.length;
  const b = s.time.buffer;
  const laidOut =
    b instanceof SharedArrayBuffer &&
    b.byteLength === n * 8 * 6 &&
    COLUMNS.every((c, k) => s[c].buffer === b && s[c].byteOffset === k * n * 8 && s[c].length === n);
  if (laidOut) return b;
  const buf = new SharedArrayBuffer(n * 8 * 6);
  COLUMNS.forEach((c, k) => new Float64Array(buf, k * n * 8, n).set(s[c]));
  return buf;
}

/** The parent's node flags, less those that describe how the parent's own script was given (-e, stdin). */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print') i++;
    else if (!a.startsWith('--input-type') && !a.startsWith('--eval=') && !a.startsWith('--print='))
      out.push(a);
  }
  return out;
}

function spawn(data: PoolWorkerData): Worker {
  const ts = import.meta.url.endsWith('.ts');
  const url = new URL(`./pool-worker.${ts ? 'ts' : 'js'}`, import.meta.url);
  const execArgv = workerExecArgv();
  if (!ts) return new Worker(url, { workerData: data, execArgv });
  // Running from the sources (tsx, vitest): the thread registers tsx itself before importing the .ts file.
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: data, execArgv });
}

function label(t: SweepTask): string {
  return Object.entries(t.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** Threads kept for the life of a sweep (or a bot worker); `close()` ends them. */
export class SweepPool {
  readonly size: number;
  private readonly threads: Worker[] = [];
  private closed = false;
  /** Why a thread stopped; the pool is not usable after that. */
  private broken: string | null = null;

  constructor(series: CandleSeries, o: PoolOptions = {}) {
    this.size = Math.max(1, Math.min(o.workers ?? availableParallelism(), 256));
    const data: PoolWorkerData = {
      buffer: sharedColumns(series),
      length: series.length,
      priceDecimals: series.priceDecimals,
      runner: o.runner ?? 'compat',
    };
    for (let i = 0; i < this.size; i++) {
      const w = spawn(data);
      // Idle threads must not keep a finished CLI alive; a busy one is ref'd while it works.
      w.unref();
      w.once('exit', (code) => {
        if (!this.closed) this.broken ??= `exited with code ${code}`;
      });
      this.threads.push(w);
    }
  }

  /** Every task, each on the next free thread; rejects with SweepFailure naming the first run that failed. */
  run(tasks: readonly SweepTask[], onDone: (done: number) => void = () => {}): Promise<SweepRunResult[]> {
    if (this.closed) return Promise.reject(new SweepFailure('the sweep pool is closed'));
    if (this.broken) return Promise.reject(new SweepFailure(`a sweep thread stopped: ${this.broken}`));
    const results: SweepRunResult[] = new Array<SweepRunResult>(tasks.length);
    let next = 0;
    let done = 0;
    return new Promise((resolve, reject) => {
      let failed = false;
      const cleanups: (() => void)[] = [];
      const finish = (err?: Error): void => {
        for (const c of cleanups) c();
        if (err) reject(err);
        else resolve(results);
      };
      const feed = (w: Worker): void => {
        if (failed || next >= tasks.length) {
          w.unref();
          return;
        }
        const id = next++;
        w.ref();
        w.postMessage({ id, task: tasks[id] as SweepTask } satisfies PoolRequest);
      };
      for (const w of this.threads) {
        const onMessage = (m: PoolReply): void => {
          if (failed) return;
          if (!m.ok) {
            failed = true;
            const t = tasks[m.id] as SweepTask;
            return finish(new SweepFailure(`sweep run ${t.n + 1} (${label(t)}) failed: ${m.error}`));
          }
          results[m.id] = m.result;
          onDone(++done);
          if (done === tasks.length) return finish();
          feed(w);
        };
        const onError = (e: Error): void => {
          this.broken ??= e.message;
          if (failed) return;
          failed = true;
          finish(new SweepFailure(`a sweep thread stopped: ${e.message}`));
        };
        // A thread that dies without an error event (killed, out of memory) must not leave the sweep waiting.
        const onExit = (code: number): void => onError(new Error(`exited with code ${code}`));
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        cleanups.push(() => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
          w.unref();
        });
      }
      if (tasks.length === 0) return finish();
      for (const w of this.threads) feed(w);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((w) => w.terminate()));
  }
}

/** An executor on a pool of its own for one sweep: threads start with the first batch, end with `close`. */
export function poolExecutor(
  series: CandleSeries,
  o: PoolOptions = {},
): SweepExecutor & { close(): Promise<void> } {
  let pool: SweepPool | null = null;
  return {
    run: (tasks, onDone) => (pool ??= new SweepPool(series, o)).run(tasks, onDone),
    close: async () => {
      await pool?.close();
      pool = null;
    },
  };
}
