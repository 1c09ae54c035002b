// The exposure clock on both databases bosun runs on: a decision that adds exposure is written only if
// the clock still holds what the decision read; a stale one writes nothing and asks to be decided again.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../src/db/client.js';
import { loadAccountState } from '../../src/db/repos/account-state.js';
import { ExposureChanged, writeProposal } from '../../src/db/repos/proposals.js';
import { intents } from '../../src/db/schema/index.js';
import { dec } from '../../src/domain/decimal.js';
import { makeIntentId } from '../../src/domain/ids.js';
import { freshPgDb, freshPgliteDb } from '../helpers/db.js';

const T = Date.UTC(2026, 5, 1);

function proposal(db: DbHandle['db'], version: number, n: number) {
  const ref = makeIntentId(T + n, new Uint8Array(8).fill(n));
  return writeProposal(
    db,
    {
      ref,
      source: 'strategy',
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Buy',
      orderType: 'Market',
      qty: dec('0.01'),
      reduceOnly: false,
      status: 'approved',
    },
    { outcome: 'approved', qty: dec('0.01'), price: dec('50000'), notional: dec('500'), reasons: [] },
    undefined,
    undefined,
    { exposureVersion: version },
  );
}

describe.each([
  ['Postgres', freshPgDb],
  ['embedded PGlite', freshPgliteDb],
] as const)('the exposure clock on %s', (_name, open) => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await open();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('writes a decision made on the current clock, refuses one made before it moved, and counts what is on the way', async () => {
    const before = await loadAccountState(h.db, T, T);
    expect(before.inFlight).toEqual([]);
    expect((await proposal(h.db, before.exposureVersion, 1))?.intent.status).toBe('approved');
    // A second decision made on the same (now stale) read is refused, and nothing of it is stored.
    await expect(proposal(h.db, before.exposureVersion, 2)).rejects.toBeInstanceOf(ExposureChanged);
    const stored = await h.db.select().from(intents).where(eq(intents.symbol, 'BTCUSDT'));
    expect(stored).toHaveLength(1);
    const after = await loadAccountState(h.db, T, T);
    expect(after.exposureVersion).toBe(before.exposureVersion + 1);
    expect(after.inFlight.map((o) => [o.symbol, o.side, o.qty.toFixed(), o.price.toFixed()])).toEqual([
      ['BTCUSDT', 'Buy', '0.01', '50000'],
    ]);
    // Decided again on the fresh read, it goes through.
    expect((await proposal(h.db, after.exposureVersion, 2))?.intent.status).toBe('approved');
    expect((await loadAccountState(h.db, T, T)).exposureVersion).toBe(after.exposureVersion + 1);
  });
});
