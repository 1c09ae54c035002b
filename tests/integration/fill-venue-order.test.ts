// Fills folded in venue order whatever order they arrive in (stream, REST pull, reconciliation, several
// processes): on real Postgres, a position and its round-trip results equal the in-order fold exactly.
import { asc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFill, recordFunding, getPosition } from '../../src/db/repos/positions.js';
import { fills } from '../../src/db/schema/index.js';
import { dec } from '../../src/domain/decimal.js';
import type { Fill } from '../../src/domain/fill.js';
import type { PositionInstrument } from '../../src/domain/position.js';
import type { Side } from '../../src/domain/side.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';

const T0 = Date.UTC(2026, 5, 1, 12);

interface VenueFill {
  readonly fill: Fill;
  readonly seq: number;
}

function perp(symbol: string): PositionInstrument {
  return { category: 'linear', symbol, baseCoin: symbol.replace(/USDT$/, ''), quoteCoin: 'USDT' };
}

function fill(
  symbol: string,
  n: number,
  side: Side,
  qty: string,
  price: string,
  fee: string,
  ts: number,
): Fill {
  return {
    tradeId: `${symbol}-${n}`,
    orderLinkId: null,
    symbol,
    side,
    qty: dec(qty),
    price: dec(price),
    fee: dec(fee),
    feeCurrency: 'USDT',
    ts,
  };
}

async function store(db: TestDb, inst: PositionInstrument, v: VenueFill): Promise<string> {
  const r = await db.db.transaction((tx) =>
    recordFill(tx, inst, v.fill, {
      orderId: null,
      category: inst.category,
      execType: 'Trade',
      strategyInstanceId: null,
      seq: v.seq,
    }),
  );
  return r.kind;
}

/** What a user sees of a position and its closed round trips. */
async function books(db: TestDb, inst: PositionInstrument) {
  const p = await getPosition(db.db, inst.category, inst.symbol);
  const rows = await db.db
    .select()
    .from(fills)
    .where(eq(fills.symbol, inst.symbol))
    .orderBy(asc(fills.execTime), asc(fills.execSeq));
  return {
    size: p?.size.toFixed(),
    avgEntry: p?.avgEntry.toFixed(),
    costBasis: p?.costBasis.toFixed(),
    realizedPnl: p?.realizedPnl.toFixed(),
    fees: p?.fees.toFixed(),
    funding: p?.funding.toFixed(),
    fillCount: p?.fillCount,
    tradeBase: p?.tradeBase.toFixed(),
    markPrice: p?.markPrice?.toFixed(),
    tradePnl: rows.map((r) => r.tradePnl?.toFixed() ?? null),
  };
}

describe('fills folded in venue order', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await freshPgDb();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('a reversal whose entry fill arrives before its exit fill books the exit at the exit price', async () => {
    const inst = perp('REVUSDT');
    // Long 2 @ 100; the exit sells 2 @ 110 and, in the same millisecond, the entry sells 2 @ 105.
    const open = { fill: fill('REVUSDT', 1, 'Buy', '2', '100', '0.1', T0), seq: 1 };
    const exit = { fill: fill('REVUSDT', 2, 'Sell', '2', '110', '0.1', T0 + 60_000), seq: 2 };
    const entry = { fill: fill('REVUSDT', 3, 'Sell', '2', '105', '0.1', T0 + 60_000), seq: 3 };
    expect(await store(db, inst, open)).toBe('recorded');
    expect(await store(db, inst, entry)).toBe('recorded');
    expect(await store(db, inst, exit)).toBe('recorded');
    const b = await books(db, inst);
    // In order: the exit realizes (110 − 100) × 2 = 20 and closes the trade; the short is open at 105.
    expect([b.size, b.avgEntry, b.realizedPnl, b.fees]).toEqual(['-2', '105', '20', '0.3']);
    expect(b.tradePnl).toEqual([null, '19.8', null]);
    expect(b.markPrice).toBe('105');
  });

  it('a spot sell that arrives before its buy is folded once the buy arrives', async () => {
    const inst: PositionInstrument = {
      category: 'spot',
      symbol: 'SPOTUSDT',
      baseCoin: 'SPOT',
      quoteCoin: 'USDT',
    };
    const buy = { fill: fill('SPOTUSDT', 1, 'Buy', '1', '50', '0', T0), seq: 1 };
    const sell = { fill: fill('SPOTUSDT', 2, 'Sell', '1', '55', '0', T0 + 1000), seq: 2 };
    expect(await store(db, inst, sell)).toBe('error');
    expect((await books(db, inst)).size).toBe('0');
    expect(await store(db, inst, buy)).toBe('recorded');
    const b = await books(db, inst);
    expect([b.size, b.realizedPnl, b.fillCount]).toEqual(['0', '5', 2]);
  });

  it('funding booked between a fill and a late earlier fill stays booked', async () => {
    const inst = perp('FUNDUSDT');
    const a = { fill: fill('FUNDUSDT', 1, 'Buy', '1', '100', '0', T0), seq: 1 };
    const b = { fill: fill('FUNDUSDT', 2, 'Buy', '1', '120', '0', T0 + 2000), seq: 3 };
    const c = { fill: fill('FUNDUSDT', 3, 'Sell', '1', '130', '0', T0 + 1000), seq: 2 };
    await store(db, inst, a);
    await store(db, inst, b);
    await db.db.transaction((tx) =>
      recordFunding(tx, inst, { id: 'FUNDUSDT-f', symbol: 'FUNDUSDT', amount: dec('-0.25'), ts: T0 + 3000 }),
    );
    expect(await store(db, inst, c)).toBe('recorded');
    const got = await books(db, inst);
    // In order: buy 100, sell 130 (+30, flat), buy 120.
    expect([got.size, got.avgEntry, got.realizedPnl, got.funding]).toEqual(['1', '120', '30', '-0.25']);
  });

  it('two first fills of a new symbol stored at once are both folded', async () => {
    const inst = perp('RACEUSDT');
    const a = { fill: fill('RACEUSDT', 1, 'Buy', '1', '100', '0', T0), seq: 1 };
    const b = { fill: fill('RACEUSDT', 2, 'Buy', '3', '200', '0', T0 + 1), seq: 2 };
    expect(await Promise.all([store(db, inst, a), store(db, inst, b)])).toEqual(['recorded', 'recorded']);
    const got = await books(db, inst);
    expect([got.size, got.avgEntry, got.fillCount]).toEqual(['4', '175', 2]);
  });

  it('any arrival order gives the books of the venue order, to the last digit', async () => {
    let run = 0;
    const step = fc.record({
      side: fc.constantFrom<Side>('Buy', 'Sell'),
      lots: fc.integer({ min: 1, max: 9 }),
      tenths: fc.integer({ min: 900, max: 1100 }),
      fee: fc.integer({ min: -3, max: 40 }),
      sameMs: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 2, maxLength: 7 }),
        fc.array(fc.nat(1_000), { minLength: 7, maxLength: 7 }),
        async (steps, shuffleKeys) => {
          run += 1;
          const make = (symbol: string): VenueFill[] => {
            let ts = T0;
            return steps.map((s, i) => {
              if (!s.sameMs) ts += 1000;
              return {
                fill: fill(symbol, i, s.side, `${s.lots}e-3`, `${s.tenths}e-1`, `${s.fee}e-4`, ts),
                seq: i + 1,
              };
            });
          };
          const inOrder = perp(`IN${run}USDT`);
          const shuffled = perp(`SH${run}USDT`);
          for (const v of make(inOrder.symbol)) expect(await store(db, inOrder, v)).toBe('recorded');
          const arrivals = make(shuffled.symbol)
            .map((v, i) => ({ v, k: shuffleKeys[i] ?? 0 }))
            .sort((x, y) => x.k - y.k)
            .map((x) => x.v);
          for (const v of arrivals) expect(await store(db, shuffled, v)).toBe('recorded');
          expect(await books(db, shuffled)).toEqual(await books(db, inOrder));
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);
});
