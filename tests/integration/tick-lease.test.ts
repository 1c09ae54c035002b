// The tick lease on both databases bosun runs on: while one tick holds an instance no other tick of it
// acts; giving it back with the candle advance lets the next one in, and a candle is processed once.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../src/db/client.js';
import { advanceCandle, syncStrategyInstances } from '../../src/db/repos/strategies.js';
import { loadAccountState } from '../../src/db/repos/account-state.js';
import { leaseAndRead, leaseAndReadWithAccount, releaseTickLease } from '../../src/db/repos/tick-leases.js';
import { parseConfig } from '../../src/platform/config.js';
import { freshPgDb, freshPgliteDb } from '../helpers/db.js';

const CANDLE = Date.UTC(2026, 5, 1, 12, 0);

describe.each([
  ['Postgres', freshPgDb],
  ['embedded PGlite', freshPgliteDb],
] as const)('the tick lease on %s', (_name, open) => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await open();
    const config = parseConfig({
      strategies: [{ id: 'lease-a', strategy: 'sma-cross', symbol: 'BTCUSDT', interval: '1' }],
    });
    await syncStrategyInstances(h.db, config.strategies);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('admits one holder at a time and reads the instance with it; the advance gives it back once', async () => {
    const first = await leaseAndRead(h.db, 'lease-a', 'holder-1');
    expect(first?.read?.inst).toMatchObject({ id: 'lease-a', symbol: 'BTCUSDT', lastCandleTime: null });
    expect(first?.read?.holding.held.toFixed()).toBe('0');
    expect(first?.read?.holding.pending.toFixed()).toBe('0');
    // A second tick of the same instance is turned away while the first holds it.
    expect(await leaseAndRead(h.db, 'lease-a', 'holder-2')).toBeNull();

    expect(await advanceCandle(h.db, 'lease-a', CANDLE, 'holder-1')).toBe(true);
    const second = await leaseAndRead(h.db, 'lease-a', 'holder-2');
    expect(second?.read?.inst.lastCandleTime).toBe(CANDLE);
    // The same candle again is not processed twice, and the lease still goes back.
    expect(await advanceCandle(h.db, 'lease-a', CANDLE, 'holder-2')).toBe(false);
    expect((await leaseAndRead(h.db, 'lease-a', 'holder-3'))?.read?.inst.id).toBe('lease-a');
    await releaseTickLease(h.db, 'lease-a', 'holder-3');
  });

  it('reads the account beside the lease as a read of its own does, taken or not', async () => {
    const at = { dayStart: Date.UTC(2026, 5, 1), now: CANDLE };
    await h.db.execute(
      sql`insert into balances (coin, wallet_balance, available, equity) values ('USDT', '1234.5', '1000', '1234.5')`,
    );
    const alone = await loadAccountState(h.db, at.dayStart, at.now);
    expect(alone.balances.map((b) => [b.coin, b.walletBalance.toFixed()])).toEqual([['USDT', '1234.5']]);
    const taken = await leaseAndReadWithAccount(h.db, 'lease-a', 'holder-4', at);
    expect(taken.leased?.read?.inst.id).toBe('lease-a');
    expect(taken.account).toEqual(alone);
    // Turned away from the lease, the tick still gets the account for the series' shared context.
    const refused = await leaseAndReadWithAccount(h.db, 'lease-a', 'holder-5', at);
    expect(refused.leased).toBeNull();
    expect(refused.account).toEqual(alone);
    await releaseTickLease(h.db, 'lease-a', 'holder-4');
  });

  it('leases an instance that does not exist and reads nothing for it', async () => {
    expect(await leaseAndRead(h.db, 'nobody', 'holder-1')).toEqual({ read: null });
  });
});
