// Both export formats over the fixed fill history, compared line by line with hand-written CSV.
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { buildTradesReport, exportTrades, type TradesReport } from '../../src/reports/index.js';
import { HISTORY, coinsOf } from '../fixtures/reports-history.js';

function report(): TradesReport {
  const r = buildTradesReport(HISTORY, coinsOf);
  if (!r.ok) throw new Error(r.error);
  return r.report;
}

const COLS = [
  'type',
  'date',
  'symbol',
  'direction',
  'qty',
  'open_date',
  'open_price',
  'close_price',
  'cost_basis',
  'proceeds',
  'realized_pnl',
  'open_fee',
  'open_fee_currency',
  'close_fee',
  'close_fee_currency',
  'amount',
  'currency',
  'exec_id',
];
const d = (h: number): string => `2026-01-01 ${String(h).padStart(2, '0')}:00:00 UTC`;
const row = (v: Record<string, string>): string => COLS.map((c) => v[c] ?? '').join(',');

describe('csv export', () => {
  it('prints every lot, perp open/close and funding row, then totals per currency', () => {
    const lines = exportTrades(report(), 'csv').trimEnd().split('\n');
    expect(lines).toEqual([
      COLS.join(','),
      row({
        type: 'lot',
        date: d(3),
        symbol: 'BTCUSDT',
        direction: 'long',
        qty: '0.6',
        open_date: d(1),
        open_price: '100',
        close_price: '120',
        cost_basis: '60',
        proceeds: '72',
        realized_pnl: '12',
        open_fee: '0.000600600600600601',
        open_fee_currency: 'BTC',
        close_fee: '0.072',
        close_fee_currency: 'USDT',
        currency: 'USDT',
        exec_id: 's1>s3',
      }),
      row({
        type: 'lot',
        date: d(4),
        symbol: 'BTCUSDT',
        direction: 'long',
        qty: '0.399',
        open_date: d(1),
        open_price: '100',
        close_price: '90',
        cost_basis: '39.9',
        proceeds: '35.91',
        realized_pnl: '-3.99',
        open_fee: '0.000399399399399399',
        open_fee_currency: 'BTC',
        close_fee: '0.03591',
        close_fee_currency: 'USDT',
        currency: 'USDT',
        exec_id: 's1>s4',
      }),
      row({
        type: 'lot',
        date: d(4),
        symbol: 'BTCUSDT',
        direction: 'long',
        qty: '0.5',
        open_date: d(2),
        open_price: '110',
        close_price: '90',
        cost_basis: '55',
        proceeds: '45',
        realized_pnl: '-10',
        open_fee: '0.055',
        open_fee_currency: 'USDT',
        close_fee: '0.045',
        close_fee_currency: 'USDT',
        currency: 'USDT',
        exec_id: 's2>s4',
      }),
      row({
        type: 'open',
        date: d(10),
        symbol: 'ETHUSDT',
        direction: 'long',
        qty: '2',
        open_date: d(10),
        open_price: '1000',
        open_fee: '1.1',
        open_fee_currency: 'USDT',
        currency: 'USDT',
        exec_id: 'p1',
      }),
      row({
        type: 'open',
        date: d(11),
        symbol: 'ETHUSDT',
        direction: 'long',
        qty: '1',
        open_date: d(11),
        open_price: '1300',
        open_fee: '0.715',
        open_fee_currency: 'USDT',
        currency: 'USDT',
        exec_id: 'p2',
      }),
      row({
        type: 'funding',
        date: d(12),
        symbol: 'ETHUSDT',
        amount: '-0.5',
        currency: 'USDT',
        exec_id: 'f1',
      }),
      row({
        type: 'close',
        date: d(13),
        symbol: 'ETHUSDT',
        direction: 'long',
        qty: '1',
        open_price: '1100',
        close_price: '1200',
        realized_pnl: '100',
        close_fee: '0.66',
        close_fee_currency: 'USDT',
        currency: 'USDT',
        exec_id: 'p3',
      }),
      row({
        type: 'funding',
        date: d(14),
        symbol: 'ETHUSDT',
        amount: '0.3',
        currency: 'USDT',
        exec_id: 'f2',
      }),
      row({
        type: 'close',
        date: d(15),
        symbol: 'ETHUSDT',
        direction: 'long',
        qty: '2',
        open_price: '1100',
        close_price: '1000',
        realized_pnl: '-200',
        close_fee: '1.1',
        close_fee_currency: 'USDT',
        currency: 'USDT',
        exec_id: 'p4',
      }),
      row({
        type: 'open',
        date: d(15),
        symbol: 'ETHUSDT',
        direction: 'short',
        qty: '3',
        open_date: d(15),
        open_price: '1000',
        open_fee: '1.65',
        open_fee_currency: 'USDT',
        currency: 'USDT',
        exec_id: 'p4',
      }),
      row({
        type: 'close',
        date: d(16),
        symbol: 'ETHUSDT',
        direction: 'short',
        qty: '3',
        open_price: '1000',
        close_price: '900',
        realized_pnl: '300',
        close_fee: '1.485',
        close_fee_currency: 'USDT',
        currency: 'USDT',
        exec_id: 'p5',
      }),
      row({
        type: 'funding',
        date: d(17),
        symbol: 'ETHUSDT',
        amount: '-0.2',
        currency: 'USDT',
        exec_id: 'f3',
      }),
      row({ type: 'total-realized-pnl', realized_pnl: '198.01', currency: 'USDT' }),
      row({ type: 'total-fees', amount: '0.001', currency: 'BTC' }),
      row({ type: 'total-fees', amount: '6.91791', currency: 'USDT' }),
      row({ type: 'total-funding', amount: '-0.4', currency: 'USDT' }),
    ]);
  });
});

describe('koinly export', () => {
  it("uses Koinly's universal layout: spot trades, perp PnL as realized gain, fees and funding as rows", () => {
    const lines = exportTrades(report(), 'koinly').trimEnd().split('\n');
    expect(lines).toEqual([
      'Date,Sent Amount,Sent Currency,Received Amount,Received Currency,Fee Amount,Fee Currency,Net Worth Amount,Net Worth Currency,Label,Description,TxHash',
      `${d(1)},100,USDT,1,BTC,0.001,BTC,,,,BTCUSDT spot buy 1 @ 100,s1`,
      `${d(2)},55,USDT,0.5,BTC,0.055,USDT,,,,BTCUSDT spot buy 0.5 @ 110,s2`,
      `${d(3)},0.6,BTC,72,USDT,0.072,USDT,,,,BTCUSDT spot sell 0.6 @ 120,s3`,
      `${d(4)},0.899,BTC,80.91,USDT,0.08091,USDT,,,,BTCUSDT spot sell 0.899 @ 90,s4`,
      `${d(10)},1.1,USDT,,,,,,,cost,ETHUSDT long open fee,p1:open-fee`,
      `${d(11)},0.715,USDT,,,,,,,cost,ETHUSDT long open fee,p2:open-fee`,
      `${d(12)},0.5,USDT,,,,,,,cost,ETHUSDT funding paid,f1`,
      `${d(13)},,,100,USDT,,,,,realized gain,ETHUSDT long close 1 @ 1200 (entry 1100),p3:pnl`,
      `${d(13)},0.66,USDT,,,,,,,cost,ETHUSDT long close fee,p3:close-fee`,
      `${d(14)},,,0.3,USDT,,,,,income,ETHUSDT funding received,f2`,
      `${d(15)},200,USDT,,,,,,,realized gain,ETHUSDT long close 2 @ 1000 (entry 1100),p4:pnl`,
      `${d(15)},1.1,USDT,,,,,,,cost,ETHUSDT long close fee,p4:close-fee`,
      `${d(15)},1.65,USDT,,,,,,,cost,ETHUSDT short open fee,p4:open-fee`,
      `${d(16)},,,300,USDT,,,,,realized gain,ETHUSDT short close 3 @ 900 (entry 1000),p5:pnl`,
      `${d(16)},1.485,USDT,,,,,,,cost,ETHUSDT short close fee,p5:close-fee`,
      `${d(17)},0.2,USDT,,,,,,,cost,ETHUSDT funding paid,f3`,
    ]);
  });

  it('prints tiny amounts as plain decimals, never with an exponent', () => {
    const tiny = { ...HISTORY[0]!, qty: HISTORY[0]!.qty.div('1e12'), fee: dec('0') };
    const r = buildTradesReport([tiny], coinsOf);
    if (!r.ok) throw new Error(r.error);
    const out = exportTrades(r.report, 'koinly');
    expect(out).toContain(',0.0000000001,USDT,0.000000000001,BTC,');
    expect(out).not.toMatch(/\de[+-]?\d/i);
  });
});
