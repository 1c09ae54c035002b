// Stored round-trip results (fills.trade_pnl) on real Postgres: recordFill stores exactly what the pure fold
// over every fill computes, and risk's figures from the recent results (as the engine reads them) match.
import { asc, isNotNull, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAccountState } from '../../src/db/repos/account-state.js';
import { recordFill } from '../../src/db/repos/positions.js';
import { fills } from '../../src/db/schema/index.js';
import { dec, ZERO } from '../../src/domain/decimal.js';
import type { Fill } from '../../src/domain/fill.js';
import {
  applyFill,
  emptyPosition,
  type Position,
  type PositionInstrument,
} from '../../src/domain/position.js';
import type { Side } from '../../src/domain/side.js';
import { buildPortfolioView, closedTradesFromFills, DAY_MS, utcDayStart } from '../../src/portfolio/index.js';
import type { ClosedTrade } from '../../src/portfolio/types.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';

const PERP: PositionInstrument = {
  category: 'linear',
  symbol: 'ETHUSDT',
  baseCoin: 'ETH',
  quoteCoin: 'USDT',
};
const SPOT: PositionInstrument = { category: 'spot', symbol: 'BTCUSDT', baseCoin: 'BTC', quoteCoin: 'USDT' };
const HOUR = 3_600_000;
/** 22:00 UTC: five or more fills at least 30 minutes apart always cross midnight. */
const T0 = Date.UTC(2026, 2, 1, 22);
const MICRO = (u: number): string => `${u}e-6`;
const HALF = 500_000;

interface Step {
  kind: 'add' | 'reduce' | 'close' | 'flip';
  leg: number;
  side: Side;
  lots: number;
  pct: number;
  priceTenths: number;
  feeUnits: number;
  baseFee: boolean;
  gapMin: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom<Step['kind']>('add', 'reduce', 'close', 'flip'),
  leg: fc.nat(1),
  side: fc.constantFrom<Side>('Buy', 'Sell'),
  lots: fc.integer({ min: 1, max: 20 }),
  pct: fc.integer({ min: 1, max: 99 }),
  priceTenths: fc.integer({ min: 1_000, max: 3_000 }),
  feeUnits: fc.integer({ min: -50, max: 500 }),
  baseFee: fc.boolean(),
  gapMin: fc.integer({ min: 30, max: 150 }),
});

/** Steps → fills that are valid by construction: perps reduce, close and flip; spot never sells more than held. */
function toFills(
  insts: readonly PositionInstrument[],
  steps: readonly Step[],
): Array<[PositionInstrument, Fill]> {
  const pos = new Map<string, Position>(insts.map((i) => [i.symbol, emptyPosition(i)]));
  let ts = T0;
  return steps.map((s, n) => {
    const inst = insts[s.leg % insts.length] ?? PERP;
    const p = pos.get(inst.symbol) ?? emptyPosition(inst);
    const held = Number(p.size.abs().mul(1e6).toFixed(0));
    const spot = inst.category === 'spot';
    const open = held === 0 || s.kind === 'add';
    // Reduce, close and flip trade against the position; an open or add goes with it (spot: always a buy).
    const long = p.size.isPositive();
    let side: Side = long ? 'Sell' : 'Buy';
    if (open) side = spot ? 'Buy' : held === 0 ? s.side : long ? 'Buy' : 'Sell';
    // Lots of 0.5 and (for an even pct) reductions in half lots: closing an odd number of half units at an
    // 18-place average is where the closed cost ends in a 5 at the 19th place, the rounding edge.
    const cut = Math.floor((held * s.pct) / 100);
    const micro = open
      ? s.lots * HALF
      : s.kind === 'reduce'
        ? Math.max(1, s.pct % 2 === 0 && cut >= HALF ? cut - (cut % HALF) : cut)
        : s.kind === 'flip' && !spot
          ? held + s.lots * HALF
          : held;
    // A spot buy may pay its fee in the coin bought (under 100e-6 of ≥ 0.5), which shrinks the holding.
    const inBase = spot && side === 'Buy' && s.baseFee;
    ts += s.gapMin * 60_000;
    const fill: Fill = {
      tradeId: `x-${n}`,
      orderLinkId: null,
      symbol: inst.symbol,
      side,
      qty: dec(MICRO(micro)),
      price: dec(`${s.priceTenths}e-1`),
      fee: dec(inBase ? MICRO(Math.abs(s.feeUnits) % 100) : `${s.feeUnits}e-4`),
      feeCurrency: inBase ? inst.baseCoin : inst.quoteCoin,
      ts,
    };
    const r = applyFill(p, fill);
    if (!r.ok) throw new Error(`generator made an invalid fill: ${r.error.message}`);
    pos.set(inst.symbol, r.position);
    return [inst, fill];
  });
}

const scenario = fc.record({
  insts: fc.constantFrom([PERP], [SPOT], [PERP, SPOT]),
  steps: fc.array(stepArb, { minLength: 5, maxLength: 16 }),
});

const meta = (inst: PositionInstrument) =>
  ({ orderId: null, category: inst.category, execType: 'Trade', strategyInstanceId: null }) as const;
const key = (t: ClosedTrade): string => `${t.symbol}@${t.closedAt}:${t.pnl.toFixed()}`;
const riskFigures = (closedTrades: readonly ClosedTrade[], now: number) => {
  const v = buildPortfolioView({
    balances: [],
    positions: [],
    marks: new Map(),
    closedTrades,
    peakEquity: ZERO,
    now,
  });
  return { today: v.realizedPnlToday.toFixed(), losses: v.consecutiveLosses, lastLossAt: v.lastLossAt };
};

describe('stored round-trip results', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await freshPgDb();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('recordFill stores what closedTradesFromFills computes; risk figures from recent results match the full fold', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ insts, steps }) => {
        await db.db.execute(sql`truncate table fills, positions restart identity`);
        const seq = toFills(insts, steps);
        for (const [inst, f] of seq) {
          const r = await db.db.transaction((tx) => recordFill(tx, inst, f, meta(inst)));
          expect(r.kind).toBe('recorded');
        }
        const full = insts
          .flatMap((inst) => {
            const r = closedTradesFromFills(
              inst,
              seq.filter(([i]) => i === inst).map(([, f]) => f),
            );
            if (!r.ok) throw new Error(r.error.message);
            return r.trades;
          })
          .sort((a, b) => a.closedAt - b.closedAt);
        const stored = await db.db
          .select({ symbol: fills.symbol, closedAt: fills.execTime, pnl: fills.tradePnl })
          .from(fills)
          .where(isNotNull(fills.tradePnl))
          .orderBy(asc(fills.execTime), asc(fills.id));
        expect(stored.map((t) => key({ ...t, pnl: t.pnl ?? ZERO }))).toEqual(full.map(key));

        const times = seq.map(([, f]) => f.ts);
        const midnight = utcDayStart(T0) + DAY_MS;
        const last = times[times.length - 1] ?? T0;
        for (const now of [...times, midnight - 1, midnight, T0, last + 2 * DAY_MS]) {
          const want = { now, ...riskFigures(full, now) };
          // The engine's portfolio view reads the results inside its one-statement account read.
          const account = await loadAccountState(db.db, utcDayStart(now), now);
          expect({ now, ...riskFigures(account.trades, now) }).toEqual(want);
        }
      }),
      // Shrinking a failure can take long; stop it in time to print the counterexample found so far.
      { numRuns: 40, interruptAfterTimeLimit: 20_000 },
    );
  });

  it('a break-even trade closed after a partial close at an 18-place average is stored as 0, not a loss', async () => {
    await db.db.execute(sql`truncate table fills, positions restart identity`);
    // Buy 1 @ 100 and 2 @ 100.1: cost 300.2, average 300.2 / 3 = 100.066666666666666667 (18 places).
    // Sell 0.5 @ 100: closed cost 0.5 × 100.066666666666666667 = 50.0333333333333333335 (a 5 in the 19th place).
    // Sell 2.5 @ 100.08: exits 50 + 250.2 = 300.2 = the entry cost, no fees: the trade's result is exactly 0.
    const legs: Array<[Side, string, string]> = [
      ['Buy', '1', '100'],
      ['Buy', '2', '100.1'],
      ['Sell', '0.5', '100'],
      ['Sell', '2.5', '100.08'],
    ];
    for (const [n, [side, qty, price]] of legs.entries()) {
      const f = {
        tradeId: `t-${n}`,
        orderLinkId: null,
        symbol: PERP.symbol,
        side,
        qty: dec(qty),
        price: dec(price),
        fee: ZERO,
        feeCurrency: 'USDT',
        ts: T0 + n * HOUR,
      };
      const r = await db.db.transaction((tx) => recordFill(tx, PERP, f, meta(PERP)));
      expect(r.kind).toBe('recorded');
    }
    const stored = await db.db.select({ pnl: fills.tradePnl }).from(fills).where(isNotNull(fills.tradePnl));
    expect(stored.map((r) => r.pnl?.toFixed())).toEqual(['0']);
    const now = T0 + 3 * HOUR;
    const { trades } = await loadAccountState(db.db, utcDayStart(now), now);
    expect(riskFigures(trades, now)).toEqual({ today: '0', losses: 0, lastLossAt: null });
  });
});
