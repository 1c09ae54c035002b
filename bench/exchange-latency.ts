// Round-trip latency of the Bybit adapter (real bybit-api underneath) against the simulator on loopback:
// place a resting limit order, then cancel it, ~300 times. Calls are paced just under Bybit's per-UID limits
// (linear 10/s, spot 20/s for create and cancel) so the client-side limiter never waits and the figures are
// pure round trips; the two categories are interleaved to finish in about ten seconds.
import { orderLinkIdFor } from '../src/domain/ids.js';
import { performance } from 'node:perf_hooks';
import { dec } from '../src/domain/decimal.js';
import type { Category } from '../src/domain/instrument.js';
import { createBybitExchange } from '../src/exchange/bybit/index.js';
import { startSim } from '../src/exchange/sim/index.js';
import { createLogger } from '../src/platform/logger.js';

const ITERATIONS = 300;
const DEADLINE_MS = 60_000;
/** One create and one cancel per iteration; the limiter's window is 1000 ms + 50 ms margin. */
const PACE_MS: Record<Category, number> = { linear: 1050 / 10 + 2, spot: 1050 / 20 + 2 };

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[i] ?? Number.NaN) * 1000) / 1000;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(): Promise<Record<string, number | string>> {
  const sim = await startSim({ port: 0, speed: 0 });
  const ex = createBybitExchange({
    env: 'sim',
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    key: 'sim-key',
    secret: 'sim-secret',
    logger: createLogger({ level: 'silent' }),
  });
  const place: number[] = [];
  const cancel: number[] = [];
  const pair: number[] = [];
  const next: Record<Category, number> = { linear: 0, spot: 0 };
  let errors = 0;
  const started = performance.now();
  try {
    sim.market.setPrice('BTCUSDT', '60000');
    // Warm up: instrument cache, keep-alive socket, JIT.
    await ex.instrument('linear', 'BTCUSDT');
    await ex.instrument('spot', 'BTCUSDT');
    for (let i = 0; i < ITERATIONS && performance.now() - started < DEADLINE_MS; i++) {
      const category: Category = next.linear <= next.spot ? 'linear' : 'spot';
      const wait = next[category] - performance.now();
      if (wait > 0) await sleep(wait);
      next[category] = performance.now() + PACE_MS[category];
      const orderLinkId = orderLinkIdFor(`bench${i}`, 1);
      try {
        const t0 = performance.now();
        await ex.placeOrder({
          category,
          symbol: 'BTCUSDT',
          side: 'buy',
          type: 'limit',
          qty: dec('0.001'),
          price: dec('50000'),
          orderLinkId,
        });
        const t1 = performance.now();
        await ex.cancelOrder({ category, symbol: 'BTCUSDT', orderLinkId });
        const t2 = performance.now();
        place.push(t1 - t0);
        cancel.push(t2 - t1);
        pair.push(t2 - t0);
      } catch {
        errors++;
      }
    }
  } finally {
    await ex.close();
    await sim.close();
  }
  for (const a of [place, cancel, pair]) a.sort((x, y) => x - y);
  return {
    iterations: pair.length,
    errors,
    place_p50_ms: pct(place, 50),
    place_p99_ms: pct(place, 99),
    cancel_p50_ms: pct(cancel, 50),
    cancel_p99_ms: pct(cancel, 99),
    place_cancel_p50_ms: pct(pair, 50),
    place_cancel_p99_ms: pct(pair, 99),
    elapsed_s: Math.round((performance.now() - started) / 100) / 10,
    setup: 'bybit-api 4.7.7 via adapter → simulator, loopback HTTP keep-alive, paced under venue limits',
  };
}
