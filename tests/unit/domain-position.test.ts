// Positions folded from fills: averaging, realized PnL on reduce/close/flip, fees, funding, spot holdings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, type Decimal } from '../../src/domain/decimal.js';
import type { Fill } from '../../src/domain/fill.js';
import { fundingFromBybitExecFee } from '../../src/domain/fill.js';
import type { Side } from '../../src/domain/side.js';
import {
  applyFunding,
  foldPosition,
  unrealizedPnl,
  type Position,
  type PositionInstrument,
} from '../../src/domain/position.js';

const LINEAR: PositionInstrument = {
  symbol: 'BTCUSDT',
  category: 'linear',
  baseCoin: 'BTC',
  quoteCoin: 'USDT',
};
const SPOT: PositionInstrument = { symbol: 'BTCUSDT', category: 'spot', baseCoin: 'BTC', quoteCoin: 'USDT' };

let seq = 0;
function f(side: Side, qty: string, price: string, fee = '0', feeCurrency = 'USDT'): Fill {
  seq += 1;
  return {
    tradeId: `e${seq}`,
    orderLinkId: null,
    symbol: 'BTCUSDT',
    side,
    qty: dec(qty),
    price: dec(price),
    fee: dec(fee),
    feeCurrency,
    ts: seq,
  };
}

function fold(inst: PositionInstrument, fills: readonly Fill[]): Position {
  const r = foldPosition(inst, fills);
  if (!r.ok) throw new Error(`fill ${r.index}: ${r.error.message}`);
  return r.position;
}

const s = (d: Decimal | null): string | null => (d === null ? null : d.toFixed());

describe('hand-computed positions', () => {
  it('averages a long, realizes at the average on reduce and close, and subtracts taker fees', () => {
    // Fees at Bybit's 0.055 % taker rate.
    const buys = [f('Buy', '0.010', '60000', '0.33'), f('Buy', '0.020', '61500', '0.6765')];
    const opened = fold(LINEAR, buys);
    expect(s(opened.size)).toBe('0.03');
    expect(s(opened.avgEntryPrice)).toBe('61000');
    expect(s(unrealizedPnl(opened, dec('62000')))).toBe('30');

    const reduced = fold(LINEAR, [...buys, f('Sell', '0.015', '62000', '0.5115')]);
    expect(s(reduced.size)).toBe('0.015');
    expect(s(reduced.avgEntryPrice)).toBe('61000');
    expect(s(reduced.realizedPnl)).toBe('15');

    const closed = fold(LINEAR, [
      ...buys,
      f('Sell', '0.015', '62000', '0.5115'),
      f('Sell', '0.015', '60000', '0.495'),
    ]);
    expect(s(closed.size)).toBe('0');
    expect(closed.avgEntryPrice).toBeNull();
    expect(s(closed.realizedPnl)).toBe('0');
    expect(s(closed.fees)).toBe('2.013');
    expect(s(closed.netRealizedPnl)).toBe('-2.013');
    expect(s(unrealizedPnl(closed, dec('70000')))).toBe('0');
  });

  it('flips through zero: the closing part realizes at the old average, the rest opens at the fill price', () => {
    const flipped = fold(LINEAR, [f('Buy', '1', '100'), f('Sell', '3', '110')]);
    expect(s(flipped.size)).toBe('-2');
    expect(s(flipped.avgEntryPrice)).toBe('110');
    expect(s(flipped.realizedPnl)).toBe('10');
    expect(s(unrealizedPnl(flipped, dec('100')))).toBe('20');
    const back = fold(LINEAR, [f('Buy', '1', '100'), f('Sell', '3', '110'), f('Buy', '2', '105')]);
    expect(s(back.size)).toBe('0');
    expect(s(back.realizedPnl)).toBe('20');
  });

  it('realizes a short covered lower as profit', () => {
    const p = fold(LINEAR, [f('Sell', '0.5', '2000'), f('Buy', '0.2', '1900')]);
    expect(s(p.size)).toBe('-0.3');
    expect(s(p.realizedPnl)).toBe('20');
    expect(s(p.avgEntryPrice)).toBe('2000');
  });

  it('keeps a non-terminating average to 18 places', () => {
    const p = fold(LINEAR, [f('Buy', '1', '100'), f('Buy', '2', '101')]);
    expect(s(p.avgEntryPrice)).toBe('100.666666666666666667');
  });

  it('a round trip with a non-terminating average realizes exactly exits minus entries, like the exchange', () => {
    // avg entry = 324.601 / 0.007 = 46371.571428…; a partial exit then the rest.
    const p = fold(LINEAR, [
      f('Buy', '0.003', '46319'),
      f('Buy', '0.004', '46411'),
      f('Sell', '0.002', '46500'),
      f('Sell', '0.005', '46400'),
    ]);
    expect(s(p.size)).toBe('0');
    expect(s(p.realizedPnl)).toBe('0.399');
  });

  it('books funding from Bybit execFee (positive = paid) into net PnL only', () => {
    const p = fold(LINEAR, [f('Buy', '0.093', '80000', '4.092')]);
    const paid = applyFunding(p, fundingFromBybitExecFee('fund-1', 'BTCUSDT', dec('0.7506234'), 10));
    if (!paid.ok) throw new Error(paid.error.message);
    expect(s(paid.position.funding)).toBe('-0.7506234');
    expect(s(paid.position.netRealizedPnl)).toBe('-4.8426234');
    expect(s(paid.position.size)).toBe('0.093');
  });

  it('spot: a buy fee taken in BTC shrinks the holding; selling more than is held is refused', () => {
    const buy = f('Buy', '0.005', '50000', '0.000005', 'BTC');
    const held = fold(SPOT, [buy]);
    expect(s(held.size)).toBe('0.004995');
    expect(s(held.avgEntryPrice)).toBe('50000');
    expect(s(held.fees)).toBe('0.25');

    const oversell = foldPosition(SPOT, [buy, f('Sell', '0.005', '52000')]);
    expect(oversell).toMatchObject({ ok: false, index: 1, error: { kind: 'InsufficientHoldings' } });

    const sold = fold(SPOT, [buy, f('Sell', '0.004995', '52000', '0.25974')]);
    expect(s(sold.size)).toBe('0');
    expect(s(sold.realizedPnl)).toBe('9.99');
    // Cash check: paid 250 USDT, received 259.74 − 0.25974.
    expect(s(sold.netRealizedPnl)).toBe('9.48026');
  });

  it('refuses a fill for another symbol', () => {
    const r = foldPosition(LINEAR, [{ ...f('Buy', '1', '1'), symbol: 'ETHUSDT' }]);
    expect(r).toMatchObject({ ok: false, error: { kind: 'SymbolMismatch' } });
  });
});

// Generators: quantities in 0.001 steps, prices in 0.1 ticks, fees in 1e-8 units.
const qtyUnits = fc.integer({ min: 1, max: 5_000 });
const priceTenths = fc.integer({ min: 10_000, max: 1_000_000 });
const feeUnits = fc.integer({ min: -50_000, max: 5_000_000 });
const Q = (u: number | bigint): string => `${u}e-3`;
const P = (t: number): string => `${t}e-1`;
const FEE = (u: number | bigint): string => `${u}e-8`;

const fillArb = (side?: Side): fc.Arbitrary<Fill> =>
  fc
    .record({
      side: side ? fc.constant(side) : fc.constantFrom<Side>('Buy', 'Sell'),
      q: qtyUnits,
      p: priceTenths,
      fee: feeUnits,
    })
    .map(({ side: sd, q, p, fee }) => f(sd, Q(q), P(p), FEE(fee)));

/** Split a fill into `parts` partial fills at its price whose quantities and fees sum to the original's. */
function split(fill: Fill, cuts: readonly number[]): Fill[] {
  const qUnits = BigInt(fill.qty.mul(1000).toFixed());
  const feeU = BigInt(fill.fee.mul(1e8).toFixed());
  const points = [...new Set(cuts.map((c) => BigInt(c) % qUnits).filter((c) => c > 0n))].sort((a, b) =>
    a < b ? -1 : 1,
  );
  const bounds = [0n, ...points, qUnits];
  const out: Fill[] = [];
  let feeLeft = feeU;
  for (let i = 1; i < bounds.length; i += 1) {
    const part = (bounds[i] ?? 0n) - (bounds[i - 1] ?? 0n);
    const last = i === bounds.length - 1;
    const partFee = last ? feeLeft : (feeU * part) / qUnits;
    feeLeft -= partFee;
    out.push({ ...fill, tradeId: `${fill.tradeId}.${i}`, qty: dec(Q(part)), fee: dec(FEE(partFee)) });
  }
  return out;
}

function sameBooks(a: Position, b: Position): void {
  expect(s(a.size)).toBe(s(b.size));
  expect(s(a.avgEntryPrice)).toBe(s(b.avgEntryPrice));
  expect(s(a.realizedPnl)).toBe(s(b.realizedPnl));
  expect(s(a.fees)).toBe(s(b.fees));
  expect(s(a.netRealizedPnl)).toBe(s(b.netRealizedPnl));
}

describe('position properties', () => {
  it('ends with the same size, entry and realized PnL for any order of the same-side fills', () => {
    const scenario = fc
      .record({
        side: fc.constantFrom<Side>('Buy', 'Sell'),
        closePct: fc.integer({ min: 1, max: 100 }),
        exit: priceTenths,
      })
      .chain(({ side, closePct, exit }) =>
        fc.array(fillArb(side), { minLength: 1, maxLength: 12 }).chain((opening) =>
          fc.record({
            side: fc.constant(side),
            closePct: fc.constant(closePct),
            exit: fc.constant(exit),
            opening: fc.constant(opening),
            permuted: fc.shuffledSubarray(opening, { minLength: opening.length, maxLength: opening.length }),
          }),
        ),
      );
    fc.assert(
      fc.property(scenario, ({ side, closePct, exit, opening, permuted }) => {
        const total = opening.reduce((acc, x) => acc.plus(x.qty), dec('0'));
        const closeQty = total.mul(closePct).div(100).toDecimalPlaces(3, 1);
        const closing = closeQty.isZero()
          ? []
          : [f(side === 'Buy' ? 'Sell' : 'Buy', closeQty.toFixed(), P(exit))];
        sameBooks(fold(LINEAR, [...opening, ...closing]), fold(LINEAR, [...permuted, ...closing]));
      }),
    );
  });

  it('ends with the same books when any fill is split into partial fills (linear, including flips)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ fill: fillArb(), cuts: fc.array(fc.nat(), { maxLength: 4 }) }), {
          minLength: 1,
          maxLength: 10,
        }),
        (items) => {
          const whole = items.map((i) => i.fill);
          const parts = items.flatMap((i) => split(i.fill, i.cuts));
          sameBooks(fold(LINEAR, whole), fold(LINEAR, parts));
        },
      ),
    );
  });

  it('realizes a flip exactly as a close followed by a fresh open at the fill price', () => {
    fc.assert(
      fc.property(qtyUnits, qtyUnits, priceTenths, priceTenths, (held, extra, entry, exit) => {
        const flip = fold(LINEAR, [f('Buy', Q(held), P(entry)), f('Sell', Q(held + extra), P(exit))]);
        const twoStep = fold(LINEAR, [
          f('Buy', Q(held), P(entry)),
          f('Sell', Q(held), P(exit)),
          f('Sell', Q(extra), P(exit)),
        ]);
        expect(s(flip.realizedPnl)).toBe(dec(P(exit)).minus(P(entry)).mul(Q(held)).toFixed());
        expect(s(flip.size)).toBe(dec(Q(extra)).neg().toFixed());
        expect(s(flip.avgEntryPrice)).toBe(dec(P(exit)).toFixed());
        sameBooks(flip, twoStep);
      }),
    );
  });

  it('nets fees and funding out of realized PnL, and a full round trip realizes the cash flow', () => {
    fc.assert(
      fc.property(
        fc.array(fillArb(), { minLength: 1, maxLength: 15 }),
        priceTenths,
        fc.integer(),
        (fills, exit, funding) => {
          const open = fold(LINEAR, fills);
          const closing = open.size.isZero()
            ? []
            : [f(open.size.isPositive() ? 'Sell' : 'Buy', open.size.abs().toFixed(), P(exit))];
          const all = [...fills, ...closing];
          const flat = fold(LINEAR, all);
          const funded = applyFunding(flat, { id: 'x', symbol: 'BTCUSDT', amount: dec(FEE(funding)), ts: 0 });
          if (!funded.ok) throw new Error(funded.error.message);
          const fees = all.reduce((acc, x) => acc.plus(x.fee), dec('0'));
          expect(s(flat.size)).toBe('0');
          expect(s(flat.fees)).toBe(fees.toFixed());
          expect(s(funded.position.netRealizedPnl)).toBe(
            flat.realizedPnl.minus(fees).plus(FEE(funding)).toFixed(),
          );
          // Cash: Σ sells − Σ buys. Only the 18-place entry average can leave a residue (< 1e-18 per unit traded).
          const cash = all.reduce(
            (acc, x) => acc.plus(x.qty.mul(x.price).mul(x.side === 'Sell' ? 1 : -1)),
            dec('0'),
          );
          const traded = all.reduce((acc, x) => acc.plus(x.qty), dec('0'));
          expect(flat.realizedPnl.minus(cash).abs().lte(traded.mul('1e-18'))).toBe(true);
        },
      ),
    );
  });

  it('spot never goes below zero: any sell beyond holdings is an error, anything else folds', () => {
    fc.assert(
      fc.property(fc.array(fillArb(), { minLength: 1, maxLength: 15 }), (fills) => {
        let held = dec('0');
        let firstBad = -1;
        fills.forEach((x, i) => {
          if (firstBad >= 0) return;
          const next = held.plus(x.side === 'Buy' ? x.qty : x.qty.neg());
          if (next.isNegative()) firstBad = i;
          else held = next;
        });
        const r = foldPosition(SPOT, fills);
        if (firstBad >= 0)
          expect(r).toMatchObject({ ok: false, index: firstBad, error: { kind: 'InsufficientHoldings' } });
        else expect(r.ok && r.position.size.eq(held)).toBe(true);
      }),
    );
  });
});
