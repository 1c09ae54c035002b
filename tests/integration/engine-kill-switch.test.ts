// The kill switch: cancels, flattens, HALTS — and stays halted across a restart until an admin resumes.
// The daily loss limit: REDUCING until the next UTC day, lifted by itself.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDb } from '../../src/db/client.js';
import { getTradingState } from '../../src/db/repos/trading-state.js';
import { listPositions } from '../../src/db/repos/positions.js';
import { dec } from '../../src/domain/decimal.js';
import { createTradingServices } from '../../src/engine/trading-services.js';
import { recordEquity } from '../../src/engine/reconcile.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

const admin = { platform: 'telegram' as const, userId: '1' };

async function flat(t: TestEngine): Promise<boolean> {
  return (await listPositions(t.deps.db)).every((p) => p.size.isZero());
}

describe('kill switch', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    t.sim.market.setPrice('BTCUSDT', '50000');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('cancels, flattens, halts; survives a restart; only resume lifts it', async () => {
    const svc = createTradingServices(t.deps);
    expect(
      (await svc.requestTrade({ symbol: 'BTCUSDT', side: 'Buy', qty: dec('0.01'), actor: admin })).kind,
    ).toBe('submitted');
    await vi.waitFor(async () => expect(await flat(t)).toBe(false), { timeout: 5000 });
    const out = await svc.kill(admin, 'operator pressed kill');
    expect(out.closingPositions).toEqual(['BTCUSDT']);
    await vi.waitFor(async () => expect(await flat(t)).toBe(true), { timeout: 5000 });
    expect(t.sim.state.positions().find((p) => p.symbol === 'BTCUSDT')?.size ?? '0').toBe('0');

    // A "restart": a new connection and new services over the same database.
    const again = await openDb({ url: t.db.url, max: 2 });
    try {
      expect((await getTradingState(again.db)).state).toBe('HALTED');
      const svc2 = createTradingServices({ ...t.deps, db: again.db });
      const denied = await svc2.requestTrade({
        symbol: 'BTCUSDT',
        side: 'Buy',
        qty: dec('0.01'),
        actor: admin,
      });
      expect(denied.kind).toBe('denied');
      if (denied.kind === 'denied') expect(denied.reasons.map((r) => r.reason).join(' ')).toMatch(/HALTED/);
      expect((await svc2.resumeTrading(admin)).previous).toBe('HALTED');
      expect((await getTradingState(again.db)).state).toBe('ACTIVE');
      const ok = await svc2.requestTrade({ symbol: 'BTCUSDT', side: 'Buy', qty: dec('0.002'), actor: admin });
      expect(ok.kind).toBe('submitted');
    } finally {
      await again.close();
    }
  });
});

describe('daily loss limit', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine({ config: { approvals: { mode: 'auto' }, risk: { dailyLossLimit: '5' } } });
    t.sim.market.setPrice('BTCUSDT', '50000');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('puts trading in REDUCING after a losing day, and lifts it on the next UTC day', async () => {
    const svc = createTradingServices(t.deps);
    await svc.requestTrade({ symbol: 'BTCUSDT', side: 'Buy', qty: dec('0.01'), actor: admin });
    await vi.waitFor(async () => expect(await flat(t)).toBe(false), { timeout: 5000 });
    t.sim.market.setPrice('BTCUSDT', '49000'); // a 10 USDT loss on 0.01 BTC
    await svc.closePosition({ symbol: 'BTCUSDT' }, admin);
    await vi.waitFor(async () => expect(await flat(t)).toBe(true), { timeout: 5000 });
    await recordEquity(t.deps);
    expect((await getTradingState(t.deps.db)).state).toBe('REDUCING');
    const denied = await svc.requestTrade({ symbol: 'BTCUSDT', side: 'Buy', qty: dec('0.01'), actor: admin });
    expect(denied.kind).toBe('denied');

    const tomorrow = Date.UTC(
      new Date().getUTCFullYear(),
      new Date().getUTCMonth(),
      new Date().getUTCDate() + 1,
      0,
      5,
    );
    await recordEquity({ ...t.deps, clock: { now: () => tomorrow } });
    expect((await getTradingState(t.deps.db)).state).toBe('ACTIVE');
    expect(t.notifier.sent.some((n) => n.kind === 'risk-breach')).toBe(true);
  });
});
