// The exchange contract suites' setup: the simulator on a random port and the real Bybit adapter on it.
import {
  createBybitExchange,
  type BybitExchange,
  type BybitExchangeOptions,
} from '../../src/exchange/bybit/index.js';
import { startSim, type SimHandle, type SimOptions } from '../../src/exchange/sim/index.js';
import { createLogger } from '../../src/platform/logger.js';

export interface SimExchange {
  sim: SimHandle;
  ex: BybitExchange;
  close(): Promise<void>;
}

/** The real adapter on the simulator with its test credentials; `extra` overrides options (timeouts). */
export function adapterFor(sim: SimHandle, extra: Partial<BybitExchangeOptions> = {}): BybitExchange {
  return createBybitExchange({
    env: 'sim',
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    key: 'sim-key',
    secret: 'sim-secret',
    logger: createLogger({ level: 'silent' }),
    ...extra,
  });
}

export async function startSimExchange(opts: SimOptions = {}): Promise<SimExchange> {
  const sim = await startSim({ port: 0, speed: 0, ...opts });
  const ex = adapterFor(sim);
  return {
    sim,
    ex,
    close: async () => {
      await ex.close();
      await sim.close();
    },
  };
}
