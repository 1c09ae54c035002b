// Instrument rounding: makeQty and roundPrice against Bybit's published filters and generated ones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, type Decimal } from '../../src/domain/decimal.js';
import { isOnStep, makeQty, roundPrice, type Instrument } from '../../src/domain/instrument.js';

function inst(
  symbol: string,
  category: Instrument['category'],
  f: { tick: string; step: string; min: string; max: string; maxMkt: string; minNotional: string },
): Instrument {
  const [baseCoin, quoteCoin] = [symbol.replace(/USDT$/, ''), 'USDT'];
  return {
    symbol,
    category,
    baseCoin,
    quoteCoin,
    tickSize: dec(f.tick),
    qtyStep: dec(f.step),
    minOrderQty: dec(f.min),
    maxOrderQty: dec(f.max),
    maxMarketOrderQty: dec(f.maxMkt),
    minNotional: dec(f.minNotional),
    maxLeverage: dec('100'),
  };
}

// Bybit instruments-info filters: BTCUSDT linear's are fixed by CONTRACT.md; the others follow Bybit's
// tick/step/minimum shapes (max quantities are representative, not copied from a live response).
const BTC_LINEAR = inst('BTCUSDT', 'linear', {
  tick: '0.10',
  step: '0.001',
  min: '0.001',
  max: '1190',
  maxMkt: '119',
  minNotional: '5',
});
const ETH_LINEAR = inst('ETHUSDT', 'linear', {
  tick: '0.01',
  step: '0.01',
  min: '0.01',
  max: '7240',
  maxMkt: '724',
  minNotional: '5',
});
const DOGE_LINEAR = inst('DOGEUSDT', 'linear', {
  tick: '0.00001',
  step: '1',
  min: '1',
  max: '19000000',
  maxMkt: '1900000',
  minNotional: '5',
});
// Spot: basePrecision is the step, minOrderAmt (quote) the checked minimum.
const BTC_SPOT = inst('BTCUSDT', 'spot', {
  tick: '0.01',
  step: '0.000001',
  min: '0.000001',
  max: '71.73956243',
  maxMkt: '71.73956243',
  minNotional: '1',
});
const ETH_SPOT = inst('ETHUSDT', 'spot', {
  tick: '0.01',
  step: '0.00001',
  min: '0.00001',
  max: '1229.2336343',
  maxMkt: '1229.2336343',
  minNotional: '1',
});
const REAL = [BTC_LINEAR, ETH_LINEAR, DOGE_LINEAR, BTC_SPOT, ETH_SPOT];

/** A decimal from an integer mantissa and a scale, e.g. (12345, 3) → 12.345. */
const decOf = (mantissa: bigint | number, scale: number): Decimal => dec(`${mantissa}e-${scale}`);

/** Steps like Bybit's: 10^-k and 5·10^-k. */
const stepArb = fc
  .record({ k: fc.integer({ min: 0, max: 8 }), five: fc.boolean() })
  .map(({ k, five }) => (five ? decOf(5, k + 1) : decOf(1, k)));

const generatedArb = fc
  .record({ step: stepArb, tick: stepArb, minSteps: fc.integer({ min: 1, max: 20 }) })
  .map(({ step, tick, minSteps }) =>
    inst('GENUSDT', 'linear', {
      tick: tick.toFixed(),
      step: step.toFixed(),
      min: step.mul(minSteps).toFixed(),
      max: '1000000000',
      maxMkt: '1000000000',
      minNotional: '0',
    }),
  );

const instrumentArb = fc.oneof(fc.constantFrom(...REAL), generatedArb);
/** Positive quantities with up to 12 decimals, spanning dust to large orders. */
const qtyArb = fc
  .record({ m: fc.bigInt({ min: 1n, max: 10n ** 15n }), s: fc.integer({ min: 0, max: 12 }) })
  .map(({ m, s }) => decOf(m, s));
const priceArb = fc
  .record({ m: fc.bigInt({ min: 1n, max: 10n ** 12n }), s: fc.integer({ min: 0, max: 8 }) })
  .map(({ m, s }) => decOf(m, s));

describe('makeQty', () => {
  it('returns a quantity on the step, at or above the minimum, never above the request and within one step of it', () => {
    fc.assert(
      fc.property(instrumentArb, qtyArb, (i, q) => {
        const r = makeQty(i, q);
        // Independent oracle: whole steps that fit in the request.
        const expected = q.divToInt(i.qtyStep).mul(i.qtyStep);
        if (expected.lt(i.minOrderQty) || expected.isZero()) {
          expect(r).toMatchObject({ ok: false, problem: { kind: 'below-min-qty' } });
          return;
        }
        if (expected.gt(i.maxOrderQty)) {
          expect(r).toMatchObject({ ok: false, problem: { kind: 'above-max-qty' } });
          return;
        }
        if (!r.ok) throw new Error(`refused ${q.toFixed()} on ${i.symbol}: ${r.problem.message}`);
        expect(r.qty.eq(expected)).toBe(true);
        expect(isOnStep(r.qty, i.qtyStep)).toBe(true);
        expect(r.qty.gte(i.minOrderQty)).toBe(true);
        expect(r.qty.lte(q)).toBe(true);
        expect(q.minus(r.qty).lt(i.qtyStep)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a positive quantity that would round to zero, never sending dust as nothing', () => {
    fc.assert(
      fc.property(instrumentArb, fc.integer({ min: 1, max: 999 }), (i, perMille) => {
        const dust = i.qtyStep.mul(perMille).div(1000);
        expect(dust.gt(0)).toBe(true);
        expect(makeQty(i, dust)).toMatchObject({ ok: false, problem: { kind: 'below-min-qty' } });
      }),
    );
  });

  it('refuses zero and negative quantities', () => {
    for (const q of ['0', '-0.001', '-5']) {
      expect(makeQty(BTC_LINEAR, dec(q))).toMatchObject({ ok: false, problem: { kind: 'non-positive' } });
    }
  });

  it('rounds BTCUSDT linear requests down to 0.001 BTC', () => {
    expect(makeQty(BTC_LINEAR, dec('0.0015'))).toMatchObject({ ok: true, qty: dec('0.001') });
    expect(makeQty(BTC_LINEAR, dec('0.123456789'))).toMatchObject({ ok: true, qty: dec('0.123') });
    expect(makeQty(BTC_LINEAR, dec('0.0009'))).toMatchObject({
      ok: false,
      problem: { kind: 'below-min-qty' },
    });
  });

  it('enforces the minimum notional (5 USDT linear, 1 USDT spot) when a price is given', () => {
    const small = makeQty(BTC_LINEAR, dec('0.001'), { price: dec('4000') });
    expect(small).toMatchObject({ ok: false, problem: { kind: 'below-min-notional' } });
    expect(makeQty(BTC_LINEAR, dec('0.001'), { price: dec('65000') })).toMatchObject({ ok: true });
    expect(makeQty(BTC_SPOT, dec('0.00001'), { price: dec('60000') })).toMatchObject({
      ok: false,
      problem: { kind: 'below-min-notional' },
    });
    expect(makeQty(BTC_SPOT, dec('0.0000205'), { price: dec('60000') })).toMatchObject({
      ok: true,
      qty: dec('0.00002'),
    });
  });

  it('caps market orders at maxMktOrderQty but lets limit orders go to maxOrderQty', () => {
    expect(makeQty(BTC_LINEAR, dec('200'), { market: true })).toMatchObject({
      ok: false,
      problem: { kind: 'above-max-qty' },
    });
    expect(makeQty(BTC_LINEAR, dec('200'))).toMatchObject({ ok: true, qty: dec('200') });
  });

  it('handles whole-unit steps (DOGEUSDT) and spot base precision', () => {
    expect(makeQty(DOGE_LINEAR, dec('1234.99'))).toMatchObject({ ok: true, qty: dec('1234') });
    expect(makeQty(DOGE_LINEAR, dec('0.99'))).toMatchObject({
      ok: false,
      problem: { kind: 'below-min-qty' },
    });
    expect(makeQty(ETH_SPOT, dec('0.123456789'))).toMatchObject({ ok: true, qty: dec('0.12345') });
  });
});

describe('roundPrice', () => {
  it('rounds down to at most the price and up to at least it, both on tick and within one tick', () => {
    fc.assert(
      fc.property(instrumentArb, priceArb, (i, p) => {
        const down = roundPrice(i, p, 'down');
        const up = roundPrice(i, p, 'up');
        const nearest = roundPrice(i, p, 'nearest');
        for (const r of [down, up, nearest]) expect(isOnStep(r, i.tickSize)).toBe(true);
        expect(down.lte(p)).toBe(true);
        expect(up.gte(p)).toBe(true);
        expect(p.minus(down).lt(i.tickSize)).toBe(true);
        expect(up.minus(p).lt(i.tickSize)).toBe(true);
        expect(nearest.eq(down) || nearest.eq(up)).toBe(true);
        expect(nearest.minus(p).abs().lte(i.tickSize.div(2))).toBe(true);
        if (isOnStep(p, i.tickSize)) expect(down.eq(p) && up.eq(p)).toBe(true);
        else expect(up.minus(down).eq(i.tickSize)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps BTCUSDT linear prices on the 0.10 tick', () => {
    expect(roundPrice(BTC_LINEAR, dec('65000.07'), 'down').eq(dec('65000.0'))).toBe(true);
    expect(roundPrice(BTC_LINEAR, dec('65000.07'), 'up').eq(dec('65000.1'))).toBe(true);
    expect(roundPrice(BTC_LINEAR, dec('65000.05'), 'nearest').eq(dec('65000.1'))).toBe(true);
    expect(roundPrice(ETH_LINEAR, dec('3456.789'), 'down').toFixed()).toBe('3456.78');
  });
});
