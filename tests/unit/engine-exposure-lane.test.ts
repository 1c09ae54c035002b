// The exposure lane: a process's exposure-adding decisions run one at a time, and a view read before this
// process's latest writes is brought up to date with exactly the orders those writes added.
import { describe, expect, it } from 'vitest';
import type { InFlightRow } from '../../src/db/repos/account-state.js';
import { dec } from '../../src/domain/decimal.js';
import { ExposureLane } from '../../src/engine/exposure-lane.js';

const row = (intentId: number): InFlightRow => ({
  intentId,
  category: 'linear',
  symbol: 'BTCUSDT',
  side: 'Buy',
  qty: dec('0.01'),
  price: dec('50000'),
});
const view = (exposureVersion: number, inFlight: InFlightRow[] = []) => ({
  exposureVersion,
  inFlight,
  other: 'kept',
});

describe('ExposureLane', () => {
  it('adds the orders written since a view was read, and moves its version to the newest', () => {
    const lane = new ExposureLane();
    lane.wrote(7, row(1));
    lane.wrote(8, row(2));
    lane.wrote(9, row(3));
    const old = view(8, [row(0)]);
    const caught = lane.catchUp(old);
    expect(caught.exposureVersion).toBe(10);
    expect(caught.inFlight.map((r) => r.intentId)).toEqual([0, 2, 3]);
    expect(caught.other).toBe('kept');
    expect(old.inFlight).toHaveLength(1); // the shared view itself is not changed
  });

  it('leaves alone a view that is current, newer, or older than what it remembers', () => {
    const lane = new ExposureLane();
    lane.wrote(7, row(1));
    for (const v of [view(8), view(12), view(6)]) expect(lane.catchUp(v)).toBe(v);
  });

  it("another process's write breaks the chain: a view from before it is not caught up", () => {
    const lane = new ExposureLane();
    lane.wrote(7, row(1)); // 7 → 8 by us
    lane.wrote(9, row(2)); // 8 → 9 by someone else, then 9 → 10 by us
    const before = view(8);
    expect(lane.catchUp(before)).toBe(before); // the guard refuses it; the account is read again
    expect(lane.catchUp(view(9)).inFlight.map((r) => r.intentId)).toEqual([2]);
  });

  it('runs one decision at a time, in the order asked, and goes on after one fails', async () => {
    const lane = new ExposureLane();
    const log: string[] = [];
    const step = (name: string, fail = false) =>
      lane.run(async () => {
        log.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`${name} out`);
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([step('a'), step('b', true), step('c')]);
    expect(log).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
