import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { createTradingServices } from '../../src/engine/trading-services.js';
import { submitIntent } from '../../src/engine/order-service.js';
import { listFills, listPositions } from '../../src/db/repos/positions.js';
import { getIntent } from '../../src/db/repos/intents.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

const actor = { platform: 'console' as const, userId: 'op' };

describe('a manual trade through risk, the order job and the simulator', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    t.sim.market.setPrice('BTCUSDT', '50000');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('places one order, records the fill exactly, and builds the position', async () => {
    const svc = createTradingServices(t.deps);
    const out = await svc.requestTrade({ symbol: 'BTCUSDT', side: 'Buy', qty: dec('0.01'), actor });
    expect(out.kind).toBe('submitted');
    if (out.kind !== 'submitted') return;
    // Let the job finish, then run it again as a duplicated or retried job would be.
    await vi.waitFor(async () => expect((await getIntent(t.deps.db, out.intentId))?.status).toBe('done'), {
      timeout: 5000,
    });
    expect((await submitIntent(t.deps, out.intentId)).kind).toBe('skipped');
    const venueOrders = t.sim.state.orders().filter((o) => o.orderLinkId === out.orderLinkId);
    expect(venueOrders).toHaveLength(1);
    const fills = await listFills(t.deps.db);
    const venueExecs = t.sim.state.executions();
    expect(fills.map((f) => f.execId).sort()).toEqual(venueExecs.map((e) => e.execId).sort());
    for (const f of fills) {
      const v = venueExecs.find((e) => e.execId === f.execId);
      expect(f.price.toFixed()).toBe(v?.execPrice);
      expect(f.qty.toFixed()).toBe(v?.execQty);
      expect(f.fee.toFixed()).toBe(v?.execFee);
    }
    const [pos] = await listPositions(t.deps.db);
    expect(pos?.size.toFixed()).toBe('0.01');
    expect((await getIntent(t.deps.db, out.intentId))?.status).toBe('done');
  });

  it('two copies of the same submit job running at once place one order', async () => {
    const t2 = await startTestEngine({ inlineSubmit: false });
    try {
      t2.sim.market.setPrice('BTCUSDT', '50000');
      const out = await createTradingServices(t2.deps).requestTrade({
        symbol: 'BTCUSDT',
        side: 'Sell',
        qty: dec('0.005'),
        actor,
      });
      expect(out.kind).toBe('submitted');
      if (out.kind !== 'submitted') return;
      const results = await Promise.all([
        submitIntent(t2.deps, out.intentId),
        submitIntent(t2.deps, out.intentId),
      ]);
      expect(results.filter((r) => r.kind === 'placed').length).toBeGreaterThanOrEqual(1);
      expect(t2.sim.state.orders().filter((o) => o.orderLinkId === out.orderLinkId)).toHaveLength(1);
      const [pos] = await listPositions(t2.deps.db);
      expect(pos?.size.toFixed()).toBe('-0.005');
    } finally {
      await t2.close();
    }
  });

  it('denies a trade above the per-symbol limit with a human reason, and places nothing', async () => {
    const svc = createTradingServices(t.deps);
    const before = t.sim.state.orders().length;
    const out = await svc.requestTrade({ symbol: 'BTCUSDT', side: 'Buy', qty: dec('1'), actor });
    expect(out.kind).toBe('denied');
    if (out.kind === 'denied') expect(out.reasons.map((r) => r.reason).join(' ')).toMatch(/25,?000/);
    expect(t.sim.state.orders().length).toBe(before);
  });
});
