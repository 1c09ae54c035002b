// An operator approves a strategy's waiting entry at the moment the strategy turns: the entry is no longer
// waiting, so it is not withdrawn; it goes out, and the strategy's exit and new entry follow it in that
// order — whatever order the workers happen to run the submit jobs in. Before, the exit could reach the
// venue first (reduce-only against nothing) and the late entry left a position nobody asked for.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPositions } from '../../src/db/repos/positions.js';
import { approvals } from '../../src/db/schema/index.js';
import { castVote } from '../../src/engine/approvals.js';
import { RetryLater } from '../../src/engine/exchange-errors.js';
import { submitIntent } from '../../src/engine/order-service.js';
import { processTick } from '../../src/engine/tick.js';
import type { ExchangePort } from '../../src/exchange/port.js';
import { ZERO } from '../../src/domain/decimal.js';
import type { TestEngine } from '../helpers/engine.js';
import { startTurner, TURNER_WARMUP, type Turner } from '../helpers/turner.js';

describe('a waiting entry approved while its strategy turns', () => {
  let t: TestEngine;
  const queued: number[] = [];
  let bar: Turner['bar'];
  let ofInstance: Turner['intents'];

  beforeAll(async () => {
    // Each bar moves market time by two minutes: the approvals must outlive a bar.
    ({ t, bar, intents: ofInstance } = await startTurner({ mode: 'manual', ttlSeconds: 600 }));
    // The orders queue, as the test drains it below.
    t.deps.enqueueSubmit = async (intentId) => {
      queued.push(intentId);
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  /**
   * Run the queued submit jobs newest first (workers take jobs concurrently, so any order can happen); a
   * job that must wait is retried once the others have run, as BullMQ's backoff would.
   */
  async function drainNewestFirst(): Promise<string[]> {
    const waits: string[] = [];
    for (let round = 0; queued.length > 0 && round < 20; round++) {
      const later: number[] = [];
      while (queued.length > 0) {
        const id = queued.pop() as number;
        try {
          await submitIntent(t.deps, id);
        } catch (e) {
          if (!(e instanceof RetryLater)) throw e;
          waits.push(e.message);
          later.push(id);
        }
      }
      queued.push(...later);
    }
    return waits;
  }

  it('sends the approved short, then its exit, then the long: the venue ends long the new entry', async () => {
    for (const close of TURNER_WARMUP) bar(close);
    bar(49_000); // SMA(2) crosses below SMA(4): a short entry, waiting for approval
    expect((await processTick(t.deps, 'turner')).kind).toBe('acted');
    const [short] = await ofInstance();
    const [ask] = await t.deps.db
      .select()
      .from(approvals)
      .where(eq(approvals.intentId, short?.id ?? -1));
    expect([short?.side, short?.status, ask?.status]).toEqual(['Sell', 'awaiting-approval', 'pending']);

    bar(52_000); // crosses back above: the strategy turns long
    // The operator's press lands while the tick is reading the market, after it read the holding.
    let pressed = false;
    const klines: ExchangePort['klines'] = async (q) => {
      if (!pressed) {
        pressed = true;
        const vote = await castVote(t.deps, ask?.id ?? -1, { platform: 'telegram', userId: '42' }, 'approve');
        expect(vote.kind).toBe('approved');
      }
      return t.deps.exchange.klines(q);
    };
    const exchange = new Proxy(t.deps.exchange, {
      get(target, prop) {
        if (prop === 'klines') return klines;
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    expect((await processTick({ ...t.deps, exchange }, 'turner')).kind).toBe('acted');
    expect(pressed).toBe(true);

    const decided = await ofInstance();
    expect(decided.map((i) => [i.leg, i.side, i.reduceOnly, i.status])).toEqual([
      ['entry', 'Sell', false, 'approved'], // approved, so not withdrawn
      ['exit', 'Buy', true, 'approved'], // closes the short once it is filled; a reduction needs no vote
      ['entry', 'Buy', false, 'awaiting-approval'],
    ]);
    // Only the short is queued: the exit waits for it.
    expect(queued).toEqual([short?.id]);
    const first = await drainNewestFirst();
    expect((await ofInstance()).map((i) => i.status)).toEqual(['done', 'done', 'awaiting-approval']);

    const [, , long] = decided;
    const [askLong] = await t.deps.db
      .select()
      .from(approvals)
      .where(eq(approvals.intentId, long?.id ?? -1));
    const vote = await castVote(t.deps, askLong?.id ?? -1, { platform: 'telegram', userId: '42' }, 'approve');
    expect(vote.kind).toBe('approved');
    const waits = [...first, ...(await drainNewestFirst())];
    const done = await ofInstance();
    expect(done.map((i) => [i.leg, i.side, i.status])).toEqual([
      ['entry', 'Sell', 'done'],
      ['exit', 'Buy', 'done'],
      ['entry', 'Buy', 'done'],
    ]);
    expect(waits).toEqual([]); // each was released when the one before it finished, not by a retry
    // The venue holds exactly the strategy's new long, and our books say the same.
    const entered = done[2]?.qty ?? ZERO;
    const venue = await t.exchange.positions();
    const btc = venue.find((p) => p.symbol === 'BTCUSDT');
    expect([btc?.side, btc?.size.toFixed()]).toEqual(['long', entered.toFixed()]);
    const ours = (await listPositions(t.deps.db)).find((p) => p.symbol === 'BTCUSDT');
    expect(ours?.size.toFixed()).toBe(entered.toFixed());
  });
});
