// A strategy's auto-approved order leaves from the tick itself: intent, decision and order are one
// statement, then one request — no submit job between them. What may go wrong after that statement (a
// crash, a kill switch thrown in between, two ticks of one instance) must still end in one order or none.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { getIntent, stuckIntents } from '../../src/db/repos/intents.js';
import { keyResult, submitOrderKey } from '../../src/db/repos/idempotency.js';
import { getOrderByLinkId } from '../../src/db/repos/orders.js';
import { writeProposal } from '../../src/db/repos/proposals.js';
import { syncStrategyInstances } from '../../src/db/repos/strategies.js';
import { rows } from '../../src/db/rows.js';
import { leaseAndRead, releaseTickLease } from '../../src/db/repos/tick-leases.js';
import { setTradingState } from '../../src/db/repos/trading-state.js';
import { makeIntentId } from '../../src/domain/ids.js';
import { submitIntent } from '../../src/engine/order-service.js';
import { loadProposalContext } from '../../src/engine/judge.js';
import { proposeIntent } from '../../src/engine/pipeline.js';
import { reconcile, STUCK_AFTER_MS } from '../../src/engine/reconcile.js';
import { processTick } from '../../src/engine/tick.js';
import { parseConfig } from '../../src/platform/config.js';
import type { OrderProposal } from '../../src/risk/types.js';
import { marketBuy, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { writeUnsentOrder } from '../helpers/unsent-order.js';

const buy = (qty: string): OrderProposal => marketBuy('BTCUSDT', qty);

describe('orders sent by the proposing tick', () => {
  let t: TestEngine;
  const queued: number[] = [];
  beforeAll(async () => {
    t = await startTestEngine({ inlineSubmit: false });
    t.sim.market.setPrice('BTCUSDT', '50000');
    // Record what would have gone to the submit queue instead of running it.
    t.deps.enqueueSubmit = async (id) => void queued.push(id);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('writes intent and order in one statement and places the order without a submit job', async () => {
    queued.length = 0;
    const r = await proposeIntent(t.deps, buy('0.002'), { sendNow: true, requestedBy: 'strategy:test' });
    expect(r.kind).toBe('submitted');
    if (r.kind !== 'submitted') return;
    expect(queued).toEqual([]);
    const atVenue = t.sim.state.orders().filter((o) => o.orderLinkId === r.orderLinkId);
    expect(atVenue.map((o) => [o.side, o.qty, o.orderStatus])).toEqual([['Buy', '0.002', 'Filled']]);
    expect((await getIntent(t.deps.db, r.intentId))?.status).toBe('done');
    expect((await getOrderByLinkId(t.deps.db, r.orderLinkId))?.status).toBe('Filled');
    // The submit's key was claimed by the same statement: a submit job for it changes nothing.
    expect(await keyResult(t.deps.db, submitOrderKey(r.orderLinkId))).toEqual({ intentId: r.intentId });
    expect((await submitIntent(t.deps, r.intentId)).kind).toBe('skipped');
    expect(t.sim.state.orders().filter((o) => o.orderLinkId === r.orderLinkId)).toHaveLength(1);
  });

  it('with no room under the venue rate limit, the order goes through the submit queue instead', async () => {
    queued.length = 0;
    // Bybit allows ten linear creates a second: spend them.
    const stamp = Date.now().toString(36);
    for (let i = 0; i < 10; i++) {
      await t.exchange.placeOrder({
        category: 'linear',
        symbol: 'BTCUSDT',
        side: i % 2 ? 'sell' : 'buy',
        type: 'market',
        qty: dec('0.001'),
        orderLinkId: `cap-${stamp}-${i}`,
      });
    }
    expect(t.exchange.placeCapacity('linear')).toBe(0);
    const r = await proposeIntent(t.deps, buy('0.001'), { sendNow: true });
    expect(r.kind).toBe('submitted');
    if (r.kind !== 'submitted') return;
    expect(queued).toEqual([r.intentId]);
    expect(await getOrderByLinkId(t.deps.db, r.orderLinkId)).toBeNull();
    expect((await getIntent(t.deps.db, r.intentId))?.status).toBe('approved');
    // The job sends it once the allowance is back.
    expect((await submitIntent(t.deps, r.intentId)).kind).toBe('placed');
    expect(t.sim.state.orders().filter((o) => o.orderLinkId === r.orderLinkId)).toHaveLength(1);
  });

  it('an intent written with its order by a process that then died is sent once, by lookup-first jobs', async () => {
    // The statement commits; the process dies before its request leaves.
    const { written, link } = await writeUnsentOrder(t.deps.db, { seed: 7, qty: '0.001' });
    expect(written?.intent.status).toBe('submitted');
    expect(written?.order?.status).toBe('Submitted');
    const id = written?.intent.id ?? -1;
    // Reconcile's sweep finds it once it has sat still past the stuck interval, and queues its job.
    queued.length = 0;
    const later = { ...t.deps, clock: { now: () => Date.now() + STUCK_AFTER_MS + 1_000 } };
    expect((await stuckIntents(t.deps.db, later.clock.now() - STUCK_AFTER_MS)).map((i) => i.id)).toContain(
      id,
    );
    await reconcile(later);
    expect(queued).toContain(id);
    // Two copies of that job at once: the venue sees one order.
    const results = await Promise.all([submitIntent(t.deps, id), submitIntent(t.deps, id)]);
    expect(results.map((x) => x.kind)).toContain('placed');
    expect(t.sim.state.orders().filter((o) => o.orderLinkId === link)).toHaveLength(1);
    expect((await getIntent(t.deps.db, id))?.status).toBe('done');
  });

  it('a kill switch thrown between the decision and the statement stops the order', async () => {
    queued.length = 0;
    const ctx = await loadProposalContext(t.deps, 'linear', 'BTCUSDT');
    expect(ctx.state.state).toBe('ACTIVE');
    await setTradingState(t.deps.db, 'HALTED', 'test kill', 'admin');
    try {
      const before = t.sim.state.orders().length;
      const r = await proposeIntent(t.deps, buy('0.001'), { sendNow: true }, ctx);
      expect(r.kind).toBe('submitted');
      if (r.kind !== 'submitted') return;
      // Risk judged a stale ACTIVE, but the statement read HALTED: no order, the job decides instead.
      expect(await getOrderByLinkId(t.deps.db, r.orderLinkId)).toBeNull();
      expect(queued).toEqual([r.intentId]);
      const job = await submitIntent(t.deps, r.intentId);
      expect(job).toEqual({ kind: 'denied', reason: expect.stringContaining('HALTED') });
      expect(t.sim.state.orders().length).toBe(before);
      expect((await getIntent(t.deps.db, r.intentId))?.status).toBe('failed');
    } finally {
      await setTradingState(t.deps.db, 'ACTIVE', 'test over', 'admin');
    }
  });

  it('two ticks of one instance never overlap: the second waits until the first has finished', async () => {
    const cfg = parseConfig({
      strategies: [
        {
          id: 'lease-test',
          strategy: 'sma-cross',
          symbol: 'BTCUSDT',
          category: 'linear',
          interval: '1',
          params: { fast: 2, slow: 5 },
        },
      ],
    });
    await syncStrategyInstances(t.deps.db, cfg.strategies);
    expect(await leaseAndRead(t.deps.db, 'lease-test', 'first')).not.toBeNull();
    expect(await leaseAndRead(t.deps.db, 'lease-test', 'second')).toBeNull();
    await expect(processTick(t.deps, 'lease-test')).rejects.toThrow(/still acting on an earlier candle/);
    const closed = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    await expect(processTick(t.deps, 'lease-test', closed)).rejects.toThrow(
      /still acting on an earlier candle/,
    );
    // Only the holder gives the lease back; then the next tick acts, and lets go of it when done.
    await releaseTickLease(t.deps.db, 'lease-test', 'second');
    expect(await leaseAndRead(t.deps.db, 'lease-test', 'third')).toBeNull();
    await releaseTickLease(t.deps.db, 'lease-test', 'first');
    const next = await processTick(t.deps, 'lease-test', closed);
    expect(next.kind).not.toBe('skipped');
    expect(await leaseAndRead(t.deps.db, 'lease-test', 'fourth')).not.toBeNull();
    await releaseTickLease(t.deps.db, 'lease-test', 'fourth');
    // Two copies of the next candle's tick at once: one decides, the other waits or finds it done.
    const both = await Promise.allSettled([
      processTick(t.deps, 'lease-test', closed + 60_000),
      processTick(t.deps, 'lease-test', closed + 60_000),
    ]);
    const decided = both.filter((r) => r.status === 'fulfilled' && r.value.kind !== 'skipped');
    expect(decided.length).toBeLessThanOrEqual(1);
    for (const r of both) {
      if (r.status === 'rejected') expect(String(r.reason)).toMatch(/still acting on an earlier candle/);
    }
  });

  it('a lease given back while the next tick takes it: that tick still sees what the last one wrote', async () => {
    const cfg = parseConfig({
      strategies: [
        { id: 'race-test', strategy: 'sma-cross', symbol: 'ETHUSDT', category: 'linear', interval: '1' },
      ],
    });
    await syncStrategyInstances(t.deps.db, cfg.strategies);
    expect(await leaseAndRead(t.deps.db, 'race-test', 'previous')).not.toBeNull();
    let taking: ReturnType<typeof leaseAndRead> | undefined;
    // The previous tick's last transaction: it writes an intent and gives the lease back. The next tick's
    // statement starts before that commits (its snapshot cannot see the intent) and waits on the lease row.
    await t.deps.db.transaction(async (tx) => {
      await releaseTickLease(tx, 'race-test', 'previous');
      taking = leaseAndRead(t.deps.db, 'race-test', 'next');
      await new Promise((r) => setTimeout(r, 150));
      await writeProposal(
        tx,
        {
          ref: makeIntentId(Date.now(), new Uint8Array(8).fill(9)),
          source: 'strategy',
          strategyInstanceId: 'race-test',
          candleTime: 0,
          category: 'linear',
          symbol: 'ETHUSDT',
          side: 'Buy',
          orderType: 'Market',
          qty: dec('0.05'),
          reduceOnly: false,
          status: 'approved',
        },
        { outcome: 'approved', qty: dec('0.05'), price: dec('3000'), notional: dec('150'), reasons: [] },
      );
    });
    const got = await taking;
    expect(got?.read?.inst.id).toBe('race-test');
    expect(got?.read?.holding.pending.toFixed()).toBe('0.05');
    await releaseTickLease(t.deps.db, 'race-test', 'next');
  });

  it('a lease left by a tick that died is taken over once it has run out', async () => {
    // Unlogged: taking a lease on every acting tick costs no WAL flush.
    const [rel] = rows<{ p: string }>(
      await t.deps.db.execute(sql`select relpersistence as p from pg_class where relname = 'tick_leases'`),
    );
    expect(rel?.p).toBe('u');
    expect(await leaseAndRead(t.deps.db, 'dead-tick', 'dead')).not.toBeNull();
    expect(await leaseAndRead(t.deps.db, 'dead-tick', 'next')).toBeNull();
    await t.deps.db.execute(
      sql`update tick_leases set until = now() - interval '1 second' where instance_id = 'dead-tick'`,
    );
    expect(await leaseAndRead(t.deps.db, 'dead-tick', 'next')).not.toBeNull();
    // The dead holder's late release does not free the new holder's lease.
    await releaseTickLease(t.deps.db, 'dead-tick', 'dead');
    expect(await leaseAndRead(t.deps.db, 'dead-tick', 'third')).toBeNull();
  });
});
