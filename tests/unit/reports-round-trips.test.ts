// Round trips for the trade list: direction, quantity, average entry and exit by hand over the fixed
// history; their PnL and close times equal the portfolio's closed-trade fold for any fill sequence; and
// several periods computed in one pass equal each period computed on its own.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, toPlain } from '../../src/domain/decimal.js';
import type { Fill } from '../../src/domain/fill.js';
import type { PositionInstrument } from '../../src/domain/position.js';
import { closedTradesFromFills } from '../../src/portfolio/trades.js';
import { fillFromStored } from '../../src/domain/fill.js';
import {
  periodReport,
  periodReports,
  periodsBetween,
  roundTrips,
  type PeriodReport,
  type ReportFill,
} from '../../src/reports/index.js';
import { BTC_SPOT, ETH_PERP, HISTORY, T0, at, coinsOf } from '../fixtures/reports-history.js';

function domain(fills: readonly ReportFill[]): Fill[] {
  return fills.flatMap((f) => {
    const d = f.execType === 'Trade' ? fillFromStored(f) : null;
    return d ? [d] : [];
  });
}

function trips(inst: PositionInstrument) {
  const r = roundTrips(inst, domain(HISTORY.filter((f) => f.symbol === inst.symbol)));
  if (!r.ok) throw new Error(r.error);
  return r.trades.map((t) => ({
    ...t,
    qty: toPlain(t.qty),
    entryPrice: t.entryPrice.toDecimalPlaces(8).toFixed(),
    exitPrice: t.exitPrice.toDecimalPlaces(8).toFixed(),
    pnl: toPlain(t.pnl),
  }));
}

describe('roundTrips', () => {
  it('spot: one long over partial fills, the BTC fee shrinking the holding', () => {
    // s1 buys 1 − 0.001 BTC fee = 0.999 @ 100, s2 0.5 @ 110 → 1.499 held for 154.9; sold 0.6 @ 120 and
    // 0.899 @ 90 = 152.91. Entry 154.9 / 1.499, exit 152.91 / 1.499; net −1.99 − 0.1 (the BTC fee at 100)
    // − 0.055 − 0.072 − 0.08091 = −2.29791.
    expect(trips(BTC_SPOT)).toEqual([
      {
        symbol: 'BTCUSDT',
        direction: 'long',
        qty: '1.499',
        entryPrice: '103.33555704',
        exitPrice: '102.00800534',
        openedAt: at(1),
        closedAt: at(4),
        pnl: '-2.29791',
        closingIndex: 3,
      },
    ]);
  });

  it('perp: a long closed by the flip, then the short it opened', () => {
    // Long 3 @ 1100 (2 @ 1000 + 1 @ 1300); closed 1 @ 1200 and 2 @ 1000 → exit 3200 / 3. The flip opens
    // short 3 @ 1000, covered @ 900.
    expect(trips(ETH_PERP)).toEqual([
      {
        symbol: 'ETHUSDT',
        direction: 'long',
        qty: '3',
        entryPrice: '1100',
        exitPrice: '1066.66666667',
        openedAt: at(10),
        closedAt: at(15),
        pnl: '-105.225',
        closingIndex: 3,
      },
      {
        symbol: 'ETHUSDT',
        direction: 'short',
        qty: '3',
        entryPrice: '1000',
        exitPrice: '900',
        openedAt: at(15),
        closedAt: at(16),
        pnl: '298.515',
        closingIndex: 4,
      },
    ]);
  });

  it('has the PnL and close time of the portfolio fold for any perp or spot sequence', () => {
    const step = fc.record({
      side: fc.constantFrom('Buy' as const, 'Sell' as const),
      qty: fc.constantFrom('0.1', '0.37', '1', '2.5', '7'),
      price: fc.constantFrom('99.99', '101.3', '150', '17.1'),
      fee: fc.constantFrom('0', '0.01', '0.003'),
      baseFee: fc.boolean(),
    });
    let compared = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 10, maxLength: 30 }), fc.boolean(), (steps, spot) => {
        const inst: PositionInstrument = spot ? BTC_SPOT : ETH_PERP;
        let held = dec('0');
        const fills: Fill[] = [];
        for (const [i, s] of steps.entries()) {
          const feeCurrency = spot && s.baseFee && s.side === 'Buy' ? 'BTC' : 'USDT';
          const qty = spot && s.side === 'Sell' ? dec(s.qty).toDecimalPlaces(3).clamp(0, held) : dec(s.qty);
          if (qty.isZero()) continue;
          fills.push({
            tradeId: `t${i}`,
            orderLinkId: null,
            symbol: inst.symbol,
            side: s.side,
            qty,
            price: dec(s.price),
            fee: dec(s.fee),
            feeCurrency,
            ts: T0 + i * 1000,
          });
          if (spot)
            held =
              s.side === 'Buy' ? held.plus(qty).minus(feeCurrency === 'BTC' ? s.fee : 0) : held.minus(qty);
        }
        const ours = roundTrips(inst, fills);
        const theirs = closedTradesFromFills(inst, fills);
        expect(ours.ok).toBe(theirs.ok);
        if (!ours.ok || !theirs.ok) return;
        compared += ours.trades.length;
        expect(ours.trades.map((t) => [t.closedAt, toPlain(t.pnl)])).toEqual(
          theirs.trades.map((t) => [t.closedAt, toPlain(t.pnl)]),
        );
      }),
      { numRuns: 300, seed: 11 },
    );
    // Not vacuous: the sequences close plenty of trades.
    expect(compared).toBeGreaterThan(400);
  });
});

describe('periodReports', () => {
  it('gives each period what periodReport gives it alone', () => {
    const days = periodsBetween(T0 - 86_400_000, T0 + 2 * 86_400_000, 'day');
    const hours = [0, 3, 12, 15, 16, 24].map((h, i, a) => ({ from: at(h), to: at(a[i + 1] ?? 30) }));
    const opts = [...days.map((d) => ({ from: d.start, to: d.end })), ...hours];
    const many = periodReports(HISTORY, [], coinsOf, opts);
    if (!many.ok) throw new Error(many.error);
    const view = (r: PeriodReport) => ({
      realized: [...r.overall.realizedPnl].map(([k, v]) => [k, toPlain(v)]),
      fees: [...r.overall.fees].map(([k, v]) => [k, toPlain(v)]),
      funding: [...r.overall.funding].map(([k, v]) => [k, toPlain(v)]),
      trades: r.trades.map((t) => [t.symbol, t.closedAt, toPlain(t.pnl)]),
    });
    for (const [i, o] of opts.entries()) {
      const one = periodReport(HISTORY, [], coinsOf, o);
      if (!one.ok) throw new Error(one.error);
      const r = many.reports[i];
      expect(r && view(r)).toEqual(view(one.report));
    }
    // The 2026-01-01 day holds the three trades (see reports-periods.test.ts).
    expect(many.reports[1]?.trades.map((t) => toPlain(t.pnl))).toEqual(['-2.29791', '-105.225', '298.515']);
  });
});
