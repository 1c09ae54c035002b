// Approvals in the engine: threshold policy, quorum of distinct approvers, single use, expiry = reject,
// and re-pricing when the market moved between the request and the decision.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getIntent } from '../../src/db/repos/intents.js';
import { dec } from '../../src/domain/decimal.js';
import { expireApprovals } from '../../src/engine/approvals.js';
import { createTradingServices } from '../../src/engine/trading-services.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

const trader = { platform: 'console' as const, userId: 'trader' };
const alice = { platform: 'telegram' as const, userId: '100' };
const bob = { platform: 'slack' as const, userId: 'U200' };
const carol = { platform: 'telegram' as const, userId: '300' };

describe('approvals', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine({
      config: {
        approvals: {
          mode: 'threshold',
          autoBelowNotional: '100',
          quorumAboveNotional: '1000',
          quorum: 2,
          ttlSeconds: 60,
        },
      },
    });
    t.sim.market.setPrice('BTCUSDT', '50000');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends small orders straight out and asks for larger ones', async () => {
    const svc = createTradingServices(t.deps);
    expect(
      (await svc.requestTrade({ symbol: 'BTCUSDT', side: 'Buy', qty: dec('0.001'), actor: trader })).kind,
    ).toBe('submitted');
    const big = await svc.requestTrade({ symbol: 'BTCUSDT', side: 'Buy', qty: dec('0.01'), actor: trader });
    expect(big).toMatchObject({ kind: 'awaiting-approval', votesNeeded: 1 });
  });

  it('needs two distinct approvers above the quorum threshold; a third press is ignored', async () => {
    const svc = createTradingServices(t.deps);
    const out = await svc.requestTrade({ symbol: 'BTCUSDT', side: 'Buy', qty: dec('0.03'), actor: trader });
    expect(out).toMatchObject({ kind: 'awaiting-approval', votesNeeded: 2 });
    if (out.kind !== 'awaiting-approval') return;
    expect(await svc.vote(out.approvalId, alice, 'approve')).toMatchObject({
      kind: 'recorded',
      votes: 1,
      votesNeeded: 2,
    });
    expect(await svc.vote(out.approvalId, alice, 'approve')).toMatchObject({ kind: 'ignored' });
    expect(await svc.vote(out.approvalId, bob, 'approve')).toMatchObject({
      kind: 'approved',
      voters: ['telegram:100', 'slack:U200'],
    });
    expect(await svc.vote(out.approvalId, carol, 'approve')).toMatchObject({
      kind: 'ignored',
      reason: 'this approval is already approved',
    });
    await vi.waitFor(async () => expect((await getIntent(t.deps.db, out.intentId))?.status).toBe('done'), {
      timeout: 5000,
    });
    const ref = (await getIntent(t.deps.db, out.intentId))?.ref ?? '?';
    expect(t.sim.state.orders().filter((o) => o.orderLinkId.includes(ref))).toHaveLength(1);
  });

  it('does not let the requester approve their own trade', async () => {
    const svc = createTradingServices(t.deps);
    const out = await svc.requestTrade({ symbol: 'BTCUSDT', side: 'Sell', qty: dec('0.01'), actor: alice });
    if (out.kind !== 'awaiting-approval') throw new Error(out.kind);
    expect(await svc.vote(out.approvalId, alice, 'approve')).toMatchObject({
      kind: 'ignored',
      reason: expect.stringMatching(/another approver/),
    });
    expect(await svc.vote(out.approvalId, bob, 'reject')).toMatchObject({
      kind: 'rejected',
      by: 'slack:U200',
    });
    expect((await getIntent(t.deps.db, out.intentId))?.status).toBe('rejected');
  });

  it('an expired approval cannot be approved, and expiry rejects the trade', async () => {
    const svc = createTradingServices(t.deps);
    const out = await svc.requestTrade({ symbol: 'BTCUSDT', side: 'Buy', qty: dec('0.01'), actor: trader });
    if (out.kind !== 'awaiting-approval') throw new Error(out.kind);
    const later = { ...t.deps, clock: { now: () => Date.now() + 61_000 } };
    expect(await createTradingServices(later).vote(out.approvalId, alice, 'approve')).toMatchObject({
      kind: 'ignored',
      reason: expect.stringMatching(/expired/),
    });
    expect((await getIntent(t.deps.db, out.intentId))?.status).toBe('expired');
    const out2 = await svc.requestTrade({ symbol: 'BTCUSDT', side: 'Buy', qty: dec('0.01'), actor: trader });
    if (out2.kind !== 'awaiting-approval') throw new Error(out2.kind);
    expect(await expireApprovals(later)).toBeGreaterThanOrEqual(1);
    expect((await getIntent(t.deps.db, out2.intentId))?.status).toBe('expired');
    expect(t.notifier.sent.some((n) => n.kind === 'approval-decided' && n.outcome === 'expired')).toBe(true);
  });

  it('re-prices when the market moved: a notional request is re-sized at the new price', async () => {
    const svc = createTradingServices(t.deps);
    const out = await svc.requestTrade({
      symbol: 'BTCUSDT',
      side: 'Buy',
      notional: dec('500'),
      actor: trader,
    });
    if (out.kind !== 'awaiting-approval') throw new Error(out.kind);
    t.sim.market.setPrice('BTCUSDT', '40000');
    expect(await svc.vote(out.approvalId, alice, 'approve')).toMatchObject({ kind: 'approved' });
    await vi.waitFor(async () => expect((await getIntent(t.deps.db, out.intentId))?.status).toBe('done'), {
      timeout: 5000,
    });
    const ref = (await getIntent(t.deps.db, out.intentId))?.ref ?? '?';
    const order = t.sim.state.orders().find((o) => o.orderLinkId.includes(ref));
    // 500 USDT at 50,000 would be 0.01 BTC; at 40,000 it is 0.0125 → 0.012 on the 0.001 step.
    expect(order?.qty).toBe('0.012');
  });
});
