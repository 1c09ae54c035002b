// Exposure limits count orders on the way: proposals decided at the same instant on one view of the
// account (as every instance of a series is at a candle close) cannot together pass a limit each passes
// alone, and an approved order that has not filled yet still counts for the next decision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProposalContext } from '../../src/engine/judge.js';
import { proposeIntent, type PipelineResult } from '../../src/engine/pipeline.js';
import { marketBuy, startTestEngine, type TestEngine } from '../helpers/engine.js';

const buy = marketBuy;

function tally(results: readonly PipelineResult[]) {
  const approved = results.filter((r) => r.kind === 'submitted').length;
  const reasons = results.flatMap((r) => (r.kind === 'denied' ? r.reasons.map((x) => x.check) : []));
  return { approved, denied: results.length - approved, reasons };
}

describe('exposure limits with orders on the way', () => {
  let t: TestEngine;
  const queued: number[] = [];
  beforeAll(async () => {
    t = await startTestEngine({
      inlineSubmit: false,
      config: {
        approvals: { mode: 'auto' },
        risk: { maxNotionalPerSymbol: '2500', maxGrossExposure: '3500' },
      },
    });
    t.sim.market.setPrice('BTCUSDT', '50000');
    t.sim.market.setPrice('ETHUSDT', '2500');
    // Approved orders wait in the submit queue (recorded, never sent): they stay on the way.
    t.deps.enqueueSubmit = async (id) => void queued.push(id);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('five proposals decided on one view: only as many as the per-symbol limit holds are approved', async () => {
    const ctx = await loadProposalContext(t.deps, 'linear', 'BTCUSDT');
    // 0.02 BTC at 50,000 is 1,000 each; the limit of 2,500 holds two.
    const results = await Promise.all(
      Array.from({ length: 5 }, () => proposeIntent(t.deps, buy('BTCUSDT', '0.02'), {}, ctx)),
    );
    const got = tally(results);
    expect(got.approved).toBe(2);
    expect(got.reasons).toEqual(Array(3).fill('max-notional-per-symbol'));
    const denial = results.find((r) => r.kind === 'denied');
    expect(denial?.kind === 'denied' && denial.reasons[0]?.reason).toMatch(
      /BTCUSDT notional 3,?000(\.00)? would exceed the per-symbol limit 2,?500/,
    );
    expect(queued).toHaveLength(2);
  });

  it('the orders still on the way count against the gross limit for another symbol', async () => {
    // 2,000 of BTC is on the way; 0.4 ETH at 2,500 is 1,000: one fits under 3,500, a second does not.
    const ctx = await loadProposalContext(t.deps, 'linear', 'ETHUSDT');
    const results = await Promise.all(
      Array.from({ length: 3 }, () => proposeIntent(t.deps, buy('ETHUSDT', '0.4'), {}, ctx)),
    );
    const got = tally(results);
    expect(got.approved).toBe(1);
    expect(got.reasons).toEqual(Array(2).fill('max-gross-exposure'));
  });

  it('a reduce-only order is never held back by what is on the way', async () => {
    const r = await proposeIntent(t.deps, { ...buy('BTCUSDT', '0.02'), side: 'Sell', reduceOnly: true });
    // Denied only for having no position to reduce (nothing has filled), not by an exposure limit.
    expect(r.kind === 'denied' ? r.reasons.map((x) => x.check) : r.kind).not.toContain('max-gross-exposure');
  });
});
