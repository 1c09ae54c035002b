// An order whose row was committed but which the venue has never seen (its process died before the
// request left, or the request was lost) is sent again under its orderLinkId — but only after risk has
// judged it again at today's market, and never once it is too old to be the trade that was decided.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getIntent, stuckIntents } from '../../src/db/repos/intents.js';
import { getOrderByLinkId } from '../../src/db/repos/orders.js';
import { setTradingState } from '../../src/db/repos/trading-state.js';
import { rows } from '../../src/db/rows.js';
import { submitIntent } from '../../src/engine/order-service.js';
import { reconcile, STUCK_AFTER_MS } from '../../src/engine/reconcile.js';
import { RESEND_MAX_AGE_MS, UNSEEN_GRACE_MS } from '../../src/engine/resend.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { writeUnsentOrder } from '../helpers/unsent-order.js';

const CONFIG = { approvals: { mode: 'auto' }, risk: { maxNotionalPerSymbol: '100' } };

describe('an order the exchange has never seen', () => {
  let t: TestEngine;
  const queued: number[] = [];
  let seq = 0;
  beforeAll(async () => {
    t = await startTestEngine({ inlineSubmit: false, config: CONFIG });
    t.deps.enqueueSubmit = async (id) => void queued.push(id);
  });
  beforeEach(() => {
    t.sim.market.setPrice('BTCUSDT', '50000');
    queued.length = 0;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** What a process leaves that committed its proposal and order, then died before the request: `ageMs` ago. */
  async function unsent(qty: string, ageMs: number) {
    const { written, link } = await writeUnsentOrder(t.deps.db, { seed: ++seq, qty });
    const id = written?.intent.id;
    if (id === undefined || written?.order?.status !== 'Submitted') throw new Error('setup: no unsent order');
    const secs = Math.round(ageMs / 1000);
    await t.deps.db.execute(
      sql`update orders set created_at = created_at - make_interval(secs => ${secs}) where order_link_id = ${link}`,
    );
    return { id, link };
  }
  const atVenue = (link: string) => t.sim.state.orders().filter((o) => o.orderLinkId === link);
  async function decisions(id: number) {
    return rows<{ outcome: string; note: string | null; reasons: string }>(
      await t.deps.db.execute(
        sql`select outcome, inputs->>'note' as note, reasons::text from risk_decisions where intent_id = ${id} order by id`,
      ),
    );
  }

  it('is judged again and sent once; reconcile no longer calls it absent past the minute', async () => {
    // 90 s old: past the old one-minute grace, when reconcile used to fail it outright.
    const o = await unsent('0.001', 90_000);
    const later = { ...t.deps, clock: { now: () => Date.now() + STUCK_AFTER_MS + 1_000 } };
    const report = await reconcile(later);
    expect(report.neverPlaced).not.toContain(o.link);
    expect((await getIntent(t.deps.db, o.id))?.status).toBe('submitted');
    expect(queued).toContain(o.id);
    const r = await submitIntent(t.deps, o.id);
    expect(r.kind).toBe('placed');
    expect(atVenue(o.link).map((v) => [v.side, v.qty, v.orderStatus])).toEqual([['Buy', '0.001', 'Filled']]);
    expect((await getIntent(t.deps.db, o.id))?.status).toBe('done');
    const d = await decisions(o.id);
    expect(d.map((x) => x.outcome)).toEqual(['approved', 'approved']);
    expect(d[1]?.note).toMatch(
      /judged again before sending: the exchange had not seen the order 9\d s after/,
    );
    // The intent was touched by the re-judging: the stuck sweep does not pick it up again at once.
    expect((await stuckIntents(t.deps.db, Date.now() - STUCK_AFTER_MS)).map((i) => i.id)).not.toContain(o.id);
  });

  it('is not sent when risk now denies it, and the operator is told why', async () => {
    const o = await unsent('0.001', 20_000);
    // Decided at 50 000 (notional 50, under the limit of 100); the price has tripled since.
    t.sim.market.setPrice('BTCUSDT', '150000');
    const before = t.notifier.sent.length;
    const r = await submitIntent(t.deps, o.id);
    expect(r).toEqual({ kind: 'denied', reason: expect.stringMatching(/^not sent again: .*notional/) });
    expect(atVenue(o.link)).toEqual([]);
    const intent = await getIntent(t.deps.db, o.id);
    expect(intent?.status).toBe('failed');
    expect(intent?.reason).toMatch(/notional/);
    expect((await getOrderByLinkId(t.deps.db, o.link))?.status).toBe('Rejected');
    expect((await decisions(o.id)).map((x) => x.outcome)).toEqual(['approved', 'denied']);
    const told = t.notifier.sent.slice(before).filter((n) => n.kind === 'risk-denial');
    expect(told).toHaveLength(1);
    // A later copy of the job changes nothing.
    expect((await submitIntent(t.deps, o.id)).kind).toBe('skipped');
    expect(atVenue(o.link)).toEqual([]);
  });

  it('is not sent under a kill switch thrown since it was decided', async () => {
    const o = await unsent('0.001', 5_000);
    await setTradingState(t.deps.db, 'HALTED', 'test kill', 'admin');
    try {
      const r = await submitIntent(t.deps, o.id);
      expect(r).toEqual({ kind: 'denied', reason: expect.stringContaining('HALTED') });
      expect(atVenue(o.link)).toEqual([]);
      expect((await getIntent(t.deps.db, o.id))?.status).toBe('failed');
    } finally {
      await setTradingState(t.deps.db, 'ACTIVE', 'test over', 'admin');
    }
  });

  it('is never sent once too old; it is failed, with that reason, once no request can still be on its way', async () => {
    // Too old to send, but within the grace after the limit: left alone by the job and by reconcile.
    const waiting = await unsent('0.001', RESEND_MAX_AGE_MS + 20_000);
    expect((await submitIntent(t.deps, waiting.id)).kind).toBe('skipped');
    expect((await reconcile(t.deps)).neverPlaced).not.toContain(waiting.link);
    expect((await getIntent(t.deps.db, waiting.id))?.status).toBe('submitted');
    // A minute on, reconcile proves it absent.
    const later = { ...t.deps, clock: { now: () => Date.now() + UNSEEN_GRACE_MS } };
    expect((await reconcile(later)).neverPlaced).toContain(waiting.link);
    const failed = await getIntent(t.deps.db, waiting.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.reason).toMatch(/never reached the exchange within 5 minutes/);
    expect(t.notifier.sent.at(-1)).toMatchObject({ kind: 'reconciliation-drift' });

    // Past both: the job itself fails it and says so.
    const old = await unsent('0.001', RESEND_MAX_AGE_MS + UNSEEN_GRACE_MS + 10_000);
    const r = await submitIntent(t.deps, old.id);
    expect(r).toEqual({ kind: 'denied', reason: expect.stringMatching(/never reached the exchange within/) });
    expect(t.notifier.sent.at(-1)).toMatchObject({ kind: 'order-failed', intentId: old.id });
    expect((await getIntent(t.deps.db, old.id))?.status).toBe('failed');
    expect([...atVenue(waiting.link), ...atVenue(old.link)]).toEqual([]);
  });
});
