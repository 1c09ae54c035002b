// An engine wired to real parts for tests: a fresh Postgres database, the simulator on a random port,
// the real Bybit adapter over bybit-api, and submit jobs run inline (or through BullMQ when given).
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { createBybitExchange, type BybitExchange } from '../../src/exchange/bybit/index.js';
import { startSim, type SimHandle, type SimOptions } from '../../src/exchange/sim/index.js';
import type { EngineDeps } from '../../src/engine/deps.js';
import { MemoryNotifier } from '../../src/engine/notify.js';
import { submitIntent } from '../../src/engine/order-service.js';
import { parseConfig, type BosunConfig } from '../../src/platform/config.js';
import { systemClock } from '../../src/domain/clock.js';
import { dec } from '../../src/domain/decimal.js';
import type { OrderProposal } from '../../src/risk/types.js';
import { freshPgDb, type TestDb } from './db.js';

export interface TestEngine {
  db: TestDb;
  sim: SimHandle;
  exchange: BybitExchange;
  deps: EngineDeps;
  notifier: MemoryNotifier;
  close(): Promise<void>;
}

export async function startTestEngine(
  opts: { config?: unknown; sim?: SimOptions; inlineSubmit?: boolean } = {},
): Promise<TestEngine> {
  const db = await freshPgDb();
  const sim = await startSim({ port: 0, speed: 0, seed: 7, ...opts.sim });
  const exchange = createBybitExchange({
    env: 'sim',
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    key: 'sim-key',
    secret: 'sim-secret',
    timeoutMs: 3000,
  });
  const notifier = new MemoryNotifier();
  const config: BosunConfig = parseConfig(opts.config ?? { approvals: { mode: 'auto' } });
  const pending: Promise<unknown>[] = [];
  const deps: EngineDeps = {
    db: db.db,
    exchange,
    clock: systemClock,
    config,
    notifier,
    log: pino({ level: 'silent' }),
    randomBytes: (n) => randomBytes(n),
    enqueueSubmit: async (intentId) => {
      if (opts.inlineSubmit === false) return;
      pending.push(submitIntent(deps, intentId));
    },
  };
  return {
    db,
    sim,
    exchange,
    deps,
    notifier,
    close: async () => {
      await Promise.allSettled(pending);
      await exchange.close();
      await sim.close();
      await db.close();
    },
  };
}

/** A strategy's market buy of `qty` on a linear perpetual, as the engine's tests propose it. */
export function marketBuy(symbol: string, qty: string): OrderProposal {
  return {
    symbol,
    category: 'linear',
    side: 'Buy',
    orderType: 'Market',
    qty: dec(qty),
    reduceOnly: false,
    source: 'strategy',
  };
}
