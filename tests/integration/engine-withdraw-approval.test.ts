// A strategy that turns while its last entry still waits for an operator: the waiting entry is withdrawn
// (approving it now would trade against the signal) and no exit is sent for a position that never opened.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvals } from '../../src/db/schema/index.js';
import { processTick } from '../../src/engine/tick.js';
import { renderApproval } from '../../src/chat/core/approval-view.js';
import { approvalDetail } from '../../src/db/repos/views.js';
import { dec } from '../../src/domain/decimal.js';
import type { TestEngine } from '../helpers/engine.js';
import { startTurner, TURNER_WARMUP, type Turner } from '../helpers/turner.js';

describe('an entry waiting for approval when the strategy turns', () => {
  let t: TestEngine;
  let bar: Turner['bar'];
  let ofInstance: Turner['intents'];

  beforeAll(async () => {
    // One clock for all: the simulator's server and the engine both read market time, moved by the bars.
    ({ t, bar, intents: ofInstance } = await startTurner());
  });
  afterAll(async () => {
    await t?.close();
  });

  it('withdraws the waiting short when SMA(2) crosses back above SMA(4), then asks for the long', async () => {
    for (const close of TURNER_WARMUP) bar(close);
    bar(49_000); // SMA(2) 49,700 < SMA(4) 49,975: crosses below
    const first = await processTick(t.deps, 'turner');
    expect(first.kind).toBe('acted');
    const [short] = await ofInstance();
    expect([short?.leg, short?.side, short?.status, short?.reason]).toEqual([
      'entry',
      'Sell',
      'awaiting-approval',
      null,
    ]);

    bar(52_000); // SMA(2) 50,500 > SMA(4) 50,225: crosses above
    const second = await processTick(t.deps, 'turner');
    expect(second.kind).toBe('acted');
    const all = await ofInstance();
    // No exit leg: nothing was ever filled, so there is nothing to close (and no denial to alarm anyone).
    expect(all.map((i) => [i.leg, i.side, i.status])).toEqual([
      ['entry', 'Sell', 'expired'],
      ['entry', 'Buy', 'awaiting-approval'],
    ]);
    expect(all[0]?.reason).toMatch(/^withdrawn: turner signalled long/);
    const [old] = await t.deps.db
      .select()
      .from(approvals)
      .where(and(eq(approvals.intentId, short?.id ?? -1)));
    expect([old?.status, old?.decidedBy]).toEqual(['expired', 'strategy:turner']);
    // The operators' copies of the old request are updated through the usual approval-decided alert.
    expect(t.notifier.sent).toContainEqual(
      expect.objectContaining({
        kind: 'approval-decided',
        intentId: short?.id,
        outcome: 'expired',
        by: 'strategy:turner',
      }),
    );
    expect(t.notifier.sent.filter((e) => e.kind === 'risk-denial')).toEqual([]);
    // What the operators' message turns into: withdrawn, by whom and why — not "expired without votes".
    const detail = await approvalDetail(t.deps.db, old?.id ?? -1);
    if (!detail) throw new Error('no approval detail');
    const ctx = { equity: null, positionSize: dec('0'), grossExposure: dec('0'), now: t.sim.market.time() };
    const shown = renderApproval(detail, ctx);
    expect(shown.title).toBe('Approval #1: SELL BTCUSDT: WITHDRAWN');
    expect(shown.blocks.at(-1)).toEqual({
      kind: 'note',
      text: expect.stringMatching(
        /^Withdrawn by turner at .+ UTC: the strategy signalled the other way before it was approved; not traded\.$/,
      ),
    });
  });
});
