// A manual-approval engine with one sma-cross(2, 4) instance, "turner", on BTCUSDT 1m, whose simulator and
// engine both read market time moved by the bars the test pushes: the setup of the tests where a strategy
// turns while its last entry waits for an operator.
import { eq } from 'drizzle-orm';
import { syncStrategyInstances } from '../../src/db/repos/strategies.js';
import { intents } from '../../src/db/schema/index.js';
import { startTestEngine, type TestEngine } from './engine.js';

export const TURNER = 'turner';

/** Closes that leave SMA(2) just above SMA(4); one more bar at 49,000 crosses below (a short entry). */
export const TURNER_WARMUP = [50_000, 50_000, 50_000, 50_000, 50_100, 50_200, 50_300, 50_400];

export interface Turner {
  readonly t: TestEngine;
  /** Push a flat bar at `close` and let its minute end, so it is closed. */
  bar(close: number): void;
  /** The instance's intents, oldest first. */
  intents(): Promise<(typeof intents.$inferSelect)[]>;
}

export async function startTurner(approvals: Record<string, unknown> = { mode: 'manual' }): Promise<Turner> {
  const ref: { market?: TestEngine['sim']['market'] } = {};
  const t = await startTestEngine({
    inlineSubmit: false,
    sim: { now: () => ref.market?.time() ?? Date.now() },
    config: {
      approvals,
      strategies: [
        {
          id: TURNER,
          strategy: 'sma-cross',
          symbol: 'BTCUSDT',
          category: 'linear',
          interval: '1',
          params: { fast: 2, slow: 4 },
          sizing: { mode: 'fixed-notional', notional: '500' },
        },
      ],
    },
  });
  ref.market = t.sim.market;
  t.deps.clock = { now: () => t.sim.market.time() };
  await syncStrategyInstances(t.deps.db, t.deps.config.strategies);
  return {
    t,
    bar: (close) => {
      const c = String(close);
      t.sim.market.pushCandle('BTCUSDT', { open: c, high: c, low: c, close: c, volume: '1' });
      t.sim.market.advance(1); // the bar is closed once its minute is over
    },
    intents: () =>
      t.deps.db.select().from(intents).where(eq(intents.strategyInstanceId, TURNER)).orderBy(intents.id),
  };
}
