// The simulator in a process of its own, as a venue is: reached over loopback, its CPU not on the engine's
// event loop. Helper for the engine benchmarks (no run() export). The parent pushes bars over IPC and
// keeps the market clock itself: pushCandle moves it to the bar's last millisecond, as the simulator does.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { startSim } from '../src/exchange/sim/index.js';

const BAR_MS = 60_000;

interface Bar {
  start: number;
  open: string;
  high: string;
  low: string;
  close: string;
}

const ready = z.object({
  kind: z.literal('ready'),
  restUrl: z.string(),
  wsUrl: z.string(),
  time: z.number(),
  prices: z.record(z.string(), z.string()),
});

export interface RemoteSim {
  readonly restUrl: string;
  readonly wsUrl: string;
  /** The market clock (mirrored here; the simulator moves it the same way). */
  time(): number;
  lastPrice(symbol: string): string;
  /** Publish `bar` as the newest 1m bar (the previous one becomes confirmed). */
  pushCandle(symbol: string, bar: Bar): void;
  close(): Promise<void>;
}

/** Start the simulator (speed 0) in a child process; `symbols` are those whose start price is wanted. */
export async function startRemoteSim(symbols: readonly string[]): Promise<RemoteSim> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--sim-child', symbols.join(',')], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const r = await new Promise<z.infer<typeof ready>>((resolve, reject) => {
    child.once('message', (m) => {
      const p = ready.safeParse(m);
      if (p.success) resolve(p.data);
      else reject(new Error('simulator child sent no ready message'));
    });
    child.once('exit', (code) => reject(new Error(`simulator child exited (${code})`)));
  });
  let now = r.time;
  return {
    restUrl: r.restUrl,
    wsUrl: r.wsUrl,
    time: () => now,
    lastPrice: (s) => r.prices[s] ?? 'NaN',
    pushCandle(symbol, bar) {
      now = Math.max(now, bar.start + BAR_MS - 1);
      child.send({ kind: 'push', symbol, bar });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ kind: 'close' });
      }),
  };
}

const push = z.object({
  kind: z.literal('push'),
  symbol: z.string(),
  bar: z.object({
    start: z.number(),
    open: z.string(),
    high: z.string(),
    low: z.string(),
    close: z.string(),
  }),
});

async function childMain(symbols: string[]): Promise<void> {
  const sim = await startSim({ port: 0, speed: 0 });
  const prices = Object.fromEntries(symbols.map((s) => [s, sim.market.lastPrice(s)]));
  process.on('message', (m: unknown) => {
    const p = push.safeParse(m);
    if (p.success) return sim.market.pushCandle(p.data.symbol, p.data.bar);
    void sim.close().then(() => process.exit(0));
  });
  process.send?.({ kind: 'ready', restUrl: sim.restUrl, wsUrl: sim.wsUrl, time: sim.market.time(), prices });
}

if (process.argv[2] === '--sim-child') await childMain((process.argv[3] ?? '').split(',').filter(Boolean));
