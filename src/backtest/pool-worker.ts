// A sweep pool thread: the candle columns arrive once as shared memory (never copied or parsed again), then
// each message is one combination run on the window it names, answered with its statistics.
import { parentPort, workerData } from 'node:worker_threads';
import { resolveStrategy } from '../strategies/registry.js';
import type { CandleSeries } from './candles.js';
import { RUNNERS, type RunnerName } from './pool-runners.js';
import type { SweepTask } from './sweep.js';

export interface PoolWorkerData {
  buffer: SharedArrayBuffer;
  length: number;
  priceDecimals: number;
  runner: RunnerName;
}

export type PoolRequest = { id: number; task: SweepTask };
export type PoolReply =
  | { id: number; ok: true; result: ReturnType<(typeof RUNNERS)[RunnerName]> }
  | { id: number; ok: false; error: string; kind: string };

const data = workerData as PoolWorkerData;
const n = data.length;
const col = (k: number): Float64Array => new Float64Array(data.buffer, k * n * 8, n);
const series: CandleSeries = {
  length: n,
  time: col(0),
  open: col(1),
  high: col(2),
  low: col(3),
  close: col(4),
  volume: col(5),
  priceDecimals: data.priceDecimals,
};
const run = RUNNERS[data.runner];
const port = parentPort;

port?.on('message', (m: PoolRequest) => {
  void (async () => {
    try {
      // A strategy file is loaded once per thread; built-ins resolve at once.
      await resolveStrategy(m.task.strategy);
      // The runner cuts the shared columns to the task's window (subarray views, no copy).
      const result = run(series, m.task);
      port.postMessage({ id: m.id, ok: true, result } satisfies PoolReply);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ id: m.id, ok: false, error: err.message, kind: err.name } satisfies PoolReply);
    }
  })();
});
