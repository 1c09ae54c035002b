// Property: no generated sequence of intents produces an approved order that breaks a configured limit.
// Each approved order is filled at its decision price and the account revalued at the marks; then
// per-symbol notional, gross exposure, leverage and open positions are within the limits, or (for
// orders that only reduce) exposure did not grow. Approved quantities always pass the instrument filters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, ZERO, type Decimal } from '../../src/domain/decimal.js';
import { isOnStep, type Instrument } from '../../src/domain/instrument.js';
import { applyFill, emptyPosition, type Position } from '../../src/domain/position.js';
import { signedQty, type Side } from '../../src/domain/side.js';
import { parseConfig } from '../../src/platform/config.js';
import type { PortfolioView } from '../../src/portfolio/types.js';
import { buildPortfolioView, positionOf } from '../../src/portfolio/view.js';
import { evaluateRisk } from '../../src/risk/evaluate.js';
import { limitsFromConfig } from '../../src/risk/limits.js';
import type { InFlightOrder, OrderProposal, RiskLimits } from '../../src/risk/types.js';

const T0 = Date.UTC(2024, 0, 5, 12, 0, 0);

function instrument(
  symbol: string,
  category: Instrument['category'],
  [tick, step, min, minNotional]: [string, string, string, string],
): Instrument {
  return {
    symbol,
    category,
    baseCoin: symbol.replace(/USDT$/, ''),
    quoteCoin: 'USDT',
    tickSize: dec(tick),
    qtyStep: dec(step),
    minOrderQty: dec(min),
    maxOrderQty: dec('1190'),
    maxMarketOrderQty: dec('119'),
    minNotional: dec(minNotional),
    maxLeverage: dec('100'),
  };
}
// Bybit-shaped filters: linear BTCUSDT as in CONTRACT.md; ETH linear and SOL spot with Bybit's usual steps.
const INSTRUMENTS = [
  { inst: instrument('BTCUSDT', 'linear', ['0.1', '0.001', '0.001', '5']), mark: [20_000, 100_000] },
  { inst: instrument('ETHUSDT', 'linear', ['0.01', '0.01', '0.01', '5']), mark: [1_000, 5_000] },
  { inst: instrument('SOLUSDT', 'spot', ['0.01', '0.001', '0.001', '1']), mark: [10, 300] },
] as const;

const LOTS: Record<string, string> = { BTCUSDT: '0.001', ETHUSDT: '0.02', SOLUSDT: '0.4' };

interface Account {
  cash: Decimal;
  positions: Position[];
  marks: Map<string, Decimal>;
}

const d = (n: number, dp = 0): Decimal => dec(String(n)).div(10 ** dp);

function viewOf(a: Account): PortfolioView {
  return buildPortfolioView({
    balances: [{ coin: 'USDT', walletBalance: a.cash }],
    positions: a.positions,
    marks: a.marks,
    closedTrades: [],
    peakEquity: a.cash,
    now: T0,
  });
}

function positionIndex(a: Account, inst: Instrument): number {
  const i = a.positions.findIndex((p) => p.symbol === inst.symbol && p.category === inst.category);
  if (i >= 0) return i;
  a.positions.push(emptyPosition(inst));
  return a.positions.length - 1;
}

/** Fill at the decision price, no fee: spot pays or receives cash, linear books realized PnL. */
function fill(a: Account, inst: Instrument, side: Side, qty: Decimal, price: Decimal, seq: number): void {
  const i = positionIndex(a, inst);
  const before = a.positions[i] ?? emptyPosition(inst);
  const r = applyFill(before, {
    tradeId: `f${seq}`,
    orderLinkId: null,
    symbol: inst.symbol,
    side,
    qty,
    price,
    fee: ZERO,
    feeCurrency: 'USDT',
    ts: T0,
  });
  if (!r.ok) throw new Error(`an approved order could not be filled: ${r.error.message}`);
  a.positions[i] = r.position;
  a.cash =
    inst.category === 'spot'
      ? a.cash.minus(signedQty(side, qty).mul(price))
      : a.cash.plus(r.position.realizedPnl.minus(before.realizedPnl));
}

const limitsArb: fc.Arbitrary<RiskLimits> = fc
  .record({
    // Sometimes effectively unlimited, so the other limits get to be the binding one.
    perSymbol: fc.oneof(fc.integer({ min: 1_000, max: 100_000 }), fc.constant(1e9)),
    gross: fc.oneof(fc.integer({ min: 1_000, max: 200_000 }), fc.constant(1e9)),
    leverage: fc.integer({ min: 10, max: 100 }),
    open: fc.integer({ min: 0, max: 3 }),
    band: fc.integer({ min: 2, max: 5 }),
  })
  .map((l) =>
    limitsFromConfig(parseConfig({}).risk, {
      maxNotionalPerSymbol: String(l.perSymbol),
      maxGrossExposure: String(l.gross),
      maxLeverage: d(l.leverage, 1).toFixed(),
      maxOpenPositions: String(l.open),
      priceBandPct: String(l.band),
    }),
  );

const accountArb = fc
  .record({
    cash: fc.integer({ min: 1_000, max: 100_000 }),
    marks: fc.tuple(...INSTRUMENTS.map(({ mark }) => fc.integer({ min: mark[0] * 10, max: mark[1] * 10 }))),
    sizes: fc.tuple(
      fc.integer({ min: -300, max: 300 }),
      fc.integer({ min: -300, max: 300 }),
      fc.integer({ min: 0, max: 10_000 }),
    ),
    entryBps: fc.integer({ min: -1_000, max: 1_000 }),
  })
  .map(({ cash, marks, sizes, entryBps }): Account => {
    const a: Account = { cash: dec(String(cash)), positions: [], marks: new Map() };
    INSTRUMENTS.forEach(({ inst }, i) => {
      const mark = d(marks[i] ?? 0, 1);
      a.marks.set(inst.symbol, mark);
      const size = d(sizes[i] ?? 0).mul(inst.qtyStep);
      if (size.isZero()) return;
      const entry = mark.mul(d(10_000 + entryBps, 4));
      fill(a, inst, size.isPositive() ? 'Buy' : 'Sell', size.abs(), entry, -i);
      if (inst.category === 'spot') a.cash = a.cash.plus(size.mul(entry)); // started with the coins, not bought them
    });
    return a;
  });

// A quantity is drawn in lots of about 60 USDT at typical prices, so it means the same for every instrument.
// An edge draw sizes the order to use up the room left under one limit, give or take half a percent,
// so approvals right at the boundary are common.
type Edge = { edge: 'symbol' | 'gross' | 'leverage'; jitterBps: number };
type SizeDraw = { lots: number } | Edge | Pick<OrderProposal, 'notional' | 'sizing'>;
const sizingArb: fc.Arbitrary<SizeDraw> = fc.oneof(
  fc.integer({ min: 0, max: 1_000 }).map((lots): SizeDraw => ({ lots })),
  fc.record<Edge>({
    edge: fc.constantFrom('symbol', 'gross', 'leverage'),
    jitterBps: fc.integer({ min: -50, max: 50 }),
  }),
  fc.integer({ min: 1, max: 30_000 }).map((n): SizeDraw => ({ notional: dec(String(n)) })),
  fc
    .integer({ min: 1, max: 20_000 })
    .map((n): SizeDraw => ({ sizing: { mode: 'fixed-notional', notional: dec(String(n)) } })),
  fc
    .tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 100 }))
    .map(([r, s]): SizeDraw => ({ sizing: { mode: 'risk-fraction', riskPct: d(r, 2), stopPct: d(s, 1) } })),
);

const intentArb = fc.record({
  which: fc.integer({ min: 0, max: INSTRUMENTS.length - 1 }),
  side: fc.constantFrom<Side>('Buy', 'Sell'),
  orderType: fc.constantFrom<'Market' | 'Limit'>('Market', 'Limit'),
  size: sizingArb,
  reduceOnly: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  source: fc.constantFrom<OrderProposal['source']>('strategy', 'manual', 'close'),
  limitBps: fc.integer({ min: -300, max: 300 }),
  lastBps: fc.integer({ min: -150, max: 150 }),
  markMoveBps: fc.integer({ min: -200, max: 200 }),
});

function sizeFor(draw: SizeDraw, inst: Instrument, view: PortfolioView, limits: RiskLimits) {
  if ('lots' in draw) return { qty: dec(LOTS[inst.symbol] ?? '0').mul(draw.lots) };
  if (!('edge' in draw)) return draw;
  const room =
    draw.edge === 'symbol'
      ? limits.maxNotionalPerSymbol.minus(view.symbolNotional.get(inst.symbol) ?? ZERO)
      : draw.edge === 'gross'
        ? limits.maxGrossExposure.minus(view.grossExposure)
        : limits.maxLeverage.mul(view.equity).minus(view.grossExposure);
  const notional = room.mul(d(10_000 + draw.jitterBps, 4));
  return { notional: notional.gt(ZERO) ? notional : dec('100') };
}

describe('property: approved orders never break a limit', () => {
  it('holds over random sequences of intents, accounts and limits', () => {
    let seq = 0;
    const seen = { denied: 0, entries: 0, reductions: 0 };
    fc.assert(
      fc.property(
        accountArb,
        limitsArb,
        fc.array(intentArb, { minLength: 1, maxLength: 8 }),
        (generated, limits, intents) => {
          // fast-check may replay a generated value while shrinking: work on a copy.
          const account: Account = {
            cash: generated.cash,
            positions: [...generated.positions],
            marks: new Map(generated.marks),
          };
          for (const it of intents) {
            const { inst } = INSTRUMENTS[it.which] ?? INSTRUMENTS[0];
            const mark = (account.marks.get(inst.symbol) ?? ZERO).mul(d(10_000 + it.markMoveBps, 4));
            account.marks.set(inst.symbol, mark);
            const before = viewOf(account);
            const proposal: OrderProposal = {
              symbol: inst.symbol,
              category: inst.category,
              side: it.side,
              orderType: it.orderType,
              reduceOnly: it.reduceOnly,
              source: it.source,
              ...sizeFor(it.size, inst, before, limits),
              ...(it.orderType === 'Limit' ? { limitPrice: mark.mul(d(10_000 + it.limitBps, 4)) } : {}),
            };
            const decision = evaluateRisk({
              proposal,
              instrument: inst,
              portfolio: before,
              market: { lastPrice: mark.mul(d(10_000 + it.lastBps, 4)), markPrice: mark, dataTs: T0 },
              limits,
              tradingState: 'ACTIVE',
              now: T0,
            });
            if (!decision.approved) {
              expect(decision.reasons.length).toBeGreaterThan(0);
              seen.denied += 1;
              continue;
            }
            expect(decision.checks.some((c) => c.outcome !== 'pass')).toBe(false);
            const { qty, price } = decision;
            const max = it.orderType === 'Market' ? inst.maxMarketOrderQty : inst.maxOrderQty;
            expect(isOnStep(qty, inst.qtyStep) && qty.gte(inst.minOrderQty) && qty.lte(max)).toBe(true);
            // A limit price is sent, so it is on the tick; a market order's price is only the reference.
            if (it.orderType === 'Limit') expect(isOnStep(price, inst.tickSize)).toBe(true);
            if (!it.reduceOnly) expect(qty.mul(price).gte(inst.minNotional)).toBe(true);

            const sizeBefore = positionOf(before, inst.symbol, inst.category)?.size ?? ZERO;
            seq += 1;
            fill(account, inst, it.side, qty, price, seq);
            const after = viewOf(account);
            const sizeAfter = positionOf(after, inst.symbol, inst.category)?.size ?? ZERO;
            const reduced =
              !sizeBefore.isZero() &&
              sizeAfter.abs().lte(sizeBefore.abs()) &&
              (sizeAfter.isZero() || sizeAfter.isPositive() === sizeBefore.isPositive());
            if (inst.category === 'spot') expect(sizeAfter.gte(ZERO)).toBe(true);
            if (it.reduceOnly) expect(reduced).toBe(true);
            seen[reduced ? 'reductions' : 'entries'] += 1;
            if (reduced) {
              expect(after.grossExposure.lte(before.grossExposure)).toBe(true);
              continue;
            }
            expect(after.symbolNotional.get(inst.symbol)?.lte(limits.maxNotionalPerSymbol)).toBe(true);
            expect(after.grossExposure.lte(limits.maxGrossExposure)).toBe(true);
            expect(after.leverage !== null && after.leverage.lte(limits.maxLeverage)).toBe(true);
            if (sizeBefore.isZero())
              expect(after.openPositionCount).toBeLessThanOrEqual(limits.maxOpenPositions);
          }
        },
      ),
      { numRuns: 300 },
    );
    // The property is only worth something if both kinds of order were approved many times.
    expect(seen.entries).toBeGreaterThan(100);
    expect(seen.reductions).toBeGreaterThan(50);
  });
});

/**
 * The largest notional a position can reach as the orders on the way fill: all the buys, or all the
 * sells (a side with none is no outcome), each valued at the higher of the mark and those orders' prices.
 */
function worstFill(size: Decimal, orders: readonly InFlightOrder[], mark: Decimal): Decimal {
  let worst = ZERO;
  for (const side of ['Buy', 'Sell'] as const) {
    const mine = orders.filter((o) => o.side === side);
    if (mine.length === 0) continue;
    const qty = mine.reduce((q, o) => q.plus(o.qty), ZERO);
    const price = mine.reduce((p, o) => (o.price.gt(p) ? o.price : p), mark);
    const n = size.plus(signedQty(side, qty)).abs().mul(price);
    if (n.gt(worst)) worst = n;
  }
  return worst;
}

describe('property: orders approved while others are on the way never break a limit together', () => {
  it('holds whichever of the orders on the way fill', () => {
    let approvedWhileOthersPending = 0;
    fc.assert(
      fc.property(
        accountArb,
        limitsArb,
        fc.array(intentArb, { minLength: 2, maxLength: 8 }),
        (generated, limits, draws) => {
          const view = viewOf(generated);
          const inFlight: InFlightOrder[] = [];
          for (const it of draws) {
            const { inst } = INSTRUMENTS[it.which] ?? INSTRUMENTS[0];
            const mark = generated.marks.get(inst.symbol) ?? ZERO;
            const proposal: OrderProposal = {
              symbol: inst.symbol,
              category: inst.category,
              side: it.side,
              orderType: it.orderType,
              reduceOnly: false,
              source: 'strategy',
              ...sizeFor(it.size, inst, view, limits),
              ...(it.orderType === 'Limit' ? { limitPrice: mark.mul(d(10_000 + it.limitBps, 4)) } : {}),
            };
            const decision = evaluateRisk({
              proposal,
              instrument: inst,
              portfolio: view,
              market: { lastPrice: mark.mul(d(10_000 + it.lastBps, 4)), markPrice: mark, dataTs: T0 },
              limits,
              tradingState: 'ACTIVE',
              now: T0,
              inFlight,
            });
            if (!decision.approved) continue;
            const held = positionOf(view, inst.symbol, inst.category)?.size ?? ZERO;
            const after = held.plus(signedQty(it.side, decision.qty));
            // An order that only shrinks the position is allowed past the limits, and is not on the way.
            if (!held.isZero() && after.abs().lte(held.abs()) && after.isPositive() === held.isPositive())
              continue;
            if (inFlight.length > 0) approvedWhileOthersPending += 1;
            inFlight.push({
              category: inst.category,
              symbol: inst.symbol,
              side: it.side,
              qty: decision.qty,
              price: decision.price,
            });
          }
          // Nothing has filled yet. Whichever side of each symbol's orders fills, the symbol stays within its
          // limit; the account's worst case (each symbol at the larger of where it is and where its orders
          // can take it) stays within the gross limit, or where it already was when it started above it.
          let gross = ZERO;
          for (const { inst } of INSTRUMENTS) {
            const mark = generated.marks.get(inst.symbol) ?? ZERO;
            const now = (positionOf(view, inst.symbol, inst.category)?.size ?? ZERO).abs().mul(mark);
            const mine = inFlight.filter((o) => o.symbol === inst.symbol);
            const fill = worstFill(positionOf(view, inst.symbol, inst.category)?.size ?? ZERO, mine, mark);
            if (mine.length > 0) expect(fill.lte(limits.maxNotionalPerSymbol)).toBe(true);
            gross = gross.plus(fill.gt(now) ? fill : now);
          }
          const allowed = limits.maxGrossExposure.gt(view.grossExposure)
            ? limits.maxGrossExposure
            : view.grossExposure;
          if (inFlight.length > 0) expect(gross.lte(allowed)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
    expect(approvedWhileOthersPending).toBeGreaterThan(100);
  });
});
