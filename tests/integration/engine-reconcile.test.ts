// Reconciliation repairs a position that really differs from the exchange's, and reports it; a
// difference that goes away (a fill in flight) is left alone.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getInstrument } from '../../src/db/repos/instruments.js';
import { listPositions, overwritePositionSize } from '../../src/db/repos/positions.js';
import { dec } from '../../src/domain/decimal.js';
import { reconcile } from '../../src/engine/reconcile.js';
import { createTradingServices } from '../../src/engine/trading-services.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

describe('reconcile', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    t.sim.market.setPrice('BTCUSDT', '50000');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sets a drifted position to the exchange size and says so; an agreeing book is left alone', async () => {
    const actor = { platform: 'console' as const, userId: 'op' };
    await createTradingServices(t.deps).requestTrade({
      symbol: 'BTCUSDT',
      side: 'Buy',
      qty: dec('0.01'),
      actor,
    });
    await vi.waitFor(async () => expect((await listPositions(t.deps.db))[0]?.size.toFixed()).toBe('0.01'), {
      timeout: 5000,
    });
    expect((await reconcile(t.deps)).positionDrift).toEqual([]);

    const inst = await getInstrument(t.deps.db, 'linear', 'BTCUSDT');
    if (!inst) throw new Error('instrument not cached');
    await t.deps.db.transaction((tx) => overwritePositionSize(tx, inst, dec('0.05'), dec('50000')));
    const r = await reconcile(t.deps);
    expect(r.positionDrift).toEqual(['BTCUSDT: ours 0.05, exchange 0.01']);
    expect((await listPositions(t.deps.db))[0]?.size.toFixed()).toBe('0.01');
    expect(t.notifier.sent.some((n) => n.kind === 'reconciliation-drift')).toBe(true);
  });
});
