// Property: the export's realized PnL equals the portfolio fold's realizedPnl over the same fills —
// always for perps (per reduction), and for spot once the FIFO book is flat (all lots closed).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, type Decimal } from '../../src/domain/decimal.js';
import { reportFill } from '../fixtures/reports-history.js';
import type { Fill } from '../../src/domain/fill.js';
import { foldPosition, type PositionInstrument } from '../../src/domain/position.js';
import { buildTradesReport, exportTrades, type ReportFill } from '../../src/reports/index.js';

const PERP: PositionInstrument = {
  category: 'linear',
  symbol: 'SOLUSDT',
  baseCoin: 'SOL',
  quoteCoin: 'USDT',
};
const SPOT: PositionInstrument = { category: 'spot', symbol: 'SOLUSDT', baseCoin: 'SOL', quoteCoin: 'USDT' };

const qtyArb = fc.constantFrom('0.001', '0.1', '0.37', '1', '2.5', '7', '13.333');
const priceArb = fc.constantFrom('0.5', '99.99', '101.3', '150', '3333.33', '17.1');

function row(
  inst: PositionInstrument,
  i: number,
  side: 'Buy' | 'Sell',
  qty: string,
  price: string,
  fee: string,
  feeCcy: string,
): ReportFill {
  return reportFill(`x${i}`, inst, side, qty, price, fee, feeCcy, 1_700_000_000_000 + i * 1000);
}

function toFill(r: ReportFill): Fill {
  return {
    tradeId: r.execId,
    orderLinkId: null,
    symbol: r.symbol,
    side: r.side === 'Buy' ? 'Buy' : 'Sell',
    qty: r.qty,
    price: r.price,
    fee: r.fee,
    feeCurrency: r.feeCurrency,
    ts: r.execTime,
  };
}

function exportedPnl(fills: readonly ReportFill[], inst: PositionInstrument): Decimal {
  const r = buildTradesReport(fills, () => inst);
  if (!r.ok) throw new Error(r.error);
  // Read it back from the csv text too: what the user gets must carry the same digits.
  const total = exportTrades(r.report, 'csv')
    .split('\n')
    .find((l) => l.startsWith('total-realized-pnl,'));
  const fromText = total?.split(',')[10] ?? '0';
  expect(fromText).toBe((r.report.totals.realizedPnl.get('USDT') ?? dec('0')).toFixed());
  return r.report.rows.reduce((s, x) => (x.kind === 'funding' ? s : s.plus(x.realizedPnl)), dec('0'));
}

function foldPnl(fills: readonly ReportFill[], inst: PositionInstrument): Decimal {
  const f = foldPosition(inst, fills.map(toFill));
  if (!f.ok) throw new Error(f.error.message);
  return f.position.realizedPnl;
}

describe('export realized PnL = portfolio realized PnL', () => {
  it('perps: for any sequence of fills, flips included', () => {
    const step = fc.record({
      side: fc.constantFrom('Buy' as const, 'Sell' as const),
      qty: qtyArb,
      price: priceArb,
      fee: fc.constantFrom('0', '0.01', '-0.002', '1.337'),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const fills = steps.map((s, i) => row(PERP, i, s.side, s.qty, s.price, s.fee, 'USDT'));
        expect(exportedPnl(fills, PERP).toFixed()).toBe(foldPnl(fills, PERP).toFixed());
      }),
      { numRuns: 300 },
    );
  });

  it('spot: for any buys and partial sells that end flat, base-coin fees included', () => {
    const step = fc.record({
      buy: fc.boolean(),
      qty: qtyArb,
      price: priceArb,
      baseFee: fc.boolean(),
      frac: fc.constantFrom('0.1', '0.5', '0.25', '1'),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), priceArb, (steps, lastPrice) => {
        const fills: ReportFill[] = [];
        let held = dec('0');
        for (const s of steps) {
          const i = fills.length;
          if (s.buy || held.isZero()) {
            const fee = s.baseFee ? dec(s.qty).mul('0.001') : dec('0.05');
            fills.push(row(SPOT, i, 'Buy', s.qty, s.price, fee.toFixed(), s.baseFee ? 'SOL' : 'USDT'));
            held = held.plus(dec(s.qty)).minus(s.baseFee ? fee : dec('0'));
          } else {
            const qty = held.mul(s.frac).toDecimalPlaces(6, 1);
            if (qty.isZero()) continue;
            fills.push(row(SPOT, i, 'Sell', qty.toFixed(), s.price, '0.01', 'USDT'));
            held = held.minus(qty);
          }
        }
        if (held.gt(0))
          fills.push(row(SPOT, fills.length, 'Sell', held.toFixed(), lastPrice, '0.02', 'USDT'));
        expect(exportedPnl(fills, SPOT).toFixed()).toBe(foldPnl(fills, SPOT).toFixed());
      }),
      { numRuns: 300 },
    );
  });
});
