// The trades report over a fixed fill history, against values computed by hand (see the comments).
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { buildTradesReport, matchSpotLots, type TradesReport } from '../../src/reports/index.js';
import { BTC_SPOT, HISTORY, at, coinsOf } from '../fixtures/reports-history.js';

function build(period = {}): TradesReport {
  const r = buildTradesReport(HISTORY, coinsOf, period);
  if (!r.ok) throw new Error(r.error);
  return r.report;
}

/** A row's fields as plain strings, so expectations read like the export. */
function plain(o: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [
      k,
      v === null ? '' : typeof v === 'object' ? String(v.toFixed()) : String(v),
    ]),
  );
}

describe('spot FIFO lots', () => {
  it('matches sells against the oldest buys, sharing each fee by quantity in its own currency', () => {
    const lots = build().rows.filter((r) => r.kind === 'lot');
    // s1 buys 1 BTC paying 0.001 BTC: the lot holds 0.999 BTC costing 99.9.
    // s3 sells 0.6 from it: cost 60, proceeds 72, PnL 12; buy-fee share 0.001 × 0.6/0.999 to 18 places.
    // s4 sells 0.899: the rest of s1 (0.399: cost 39.9, proceeds 35.91, PnL −3.99, fee share the remainder
    // 0.001 − 0.000600600600600601) and all of s2 (0.5: cost 55, proceeds 45, PnL −10); its 0.08091 USDT
    // fee is 0.09/BTC: 0.03591 and 0.045.
    expect(lots.map(plain)).toEqual([
      {
        kind: 'lot',
        symbol: 'BTCUSDT',
        baseCoin: 'BTC',
        quoteCoin: 'USDT',
        qty: '0.6',
        openTime: String(at(1)),
        openPrice: '100',
        openExecId: 's1',
        closeTime: String(at(3)),
        closePrice: '120',
        closeExecId: 's3',
        costBasis: '60',
        proceeds: '72',
        realizedPnl: '12',
        openFee: '0.000600600600600601',
        openFeeCurrency: 'BTC',
        closeFee: '0.072',
        closeFeeCurrency: 'USDT',
      },
      {
        kind: 'lot',
        symbol: 'BTCUSDT',
        baseCoin: 'BTC',
        quoteCoin: 'USDT',
        qty: '0.399',
        openTime: String(at(1)),
        openPrice: '100',
        openExecId: 's1',
        closeTime: String(at(4)),
        closePrice: '90',
        closeExecId: 's4',
        costBasis: '39.9',
        proceeds: '35.91',
        realizedPnl: '-3.99',
        openFee: '0.000399399399399399',
        openFeeCurrency: 'BTC',
        closeFee: '0.03591',
        closeFeeCurrency: 'USDT',
      },
      {
        kind: 'lot',
        symbol: 'BTCUSDT',
        baseCoin: 'BTC',
        quoteCoin: 'USDT',
        qty: '0.5',
        openTime: String(at(2)),
        openPrice: '110',
        openExecId: 's2',
        closeTime: String(at(4)),
        closePrice: '90',
        closeExecId: 's4',
        costBasis: '55',
        proceeds: '45',
        realizedPnl: '-10',
        openFee: '0.055',
        openFeeCurrency: 'USDT',
        closeFee: '0.045',
        closeFeeCurrency: 'USDT',
      },
    ]);
  });

  it('refuses to sell more than the lots hold, naming the fill', () => {
    const sell = { ...HISTORY[2]!, qty: dec('1.6') };
    const r = matchSpotLots(BTC_SPOT, [HISTORY[0]!, HISTORY[1]!, sell]);
    expect(r).toEqual({ ok: false, error: 'BTCUSDT: fill s3 sells 1.6 BTC but only 1.499 is held' });
  });
});

describe('perp reductions and funding', () => {
  it('realizes at the average entry, splits a flip into a close and an open, keeps funding apart', () => {
    const rows = build().rows.filter((r) => r.kind !== 'lot');
    // p1+p2: long 3 at (2000 + 1300)/3 = 1100. p3 closes 1 at 1200: +100. p4 sells 5 at 1000: closes the
    // remaining 2 (−200) and opens short 3 at 1000; its 2.75 fee splits 2/5 and 3/5. p5 buys back 3 at
    // 900: +300. Funding: paid 0.5, received 0.3, paid 0.2.
    const brief = rows.map((r) =>
      r.kind === 'funding'
        ? ['funding', r.execId, r.amount.toFixed(), r.currency]
        : [
            r.kind,
            r.execId,
            r.direction,
            r.qty.toFixed(),
            r.entryPrice.toFixed(),
            r.exitPrice?.toFixed() ?? '',
            r.realizedPnl.toFixed(),
            r.fee.toFixed(),
            r.feeCurrency,
          ],
    );
    expect(brief).toEqual([
      ['open', 'p1', 'long', '2', '1000', '', '0', '1.1', 'USDT'],
      ['open', 'p2', 'long', '1', '1300', '', '0', '0.715', 'USDT'],
      ['funding', 'f1', '-0.5', 'USDT'],
      ['close', 'p3', 'long', '1', '1100', '1200', '100', '0.66', 'USDT'],
      ['funding', 'f2', '0.3', 'USDT'],
      ['close', 'p4', 'long', '2', '1100', '1000', '-200', '1.1', 'USDT'],
      ['open', 'p4', 'short', '3', '1000', '', '0', '1.65', 'USDT'],
      ['close', 'p5', 'short', '3', '1000', '900', '300', '1.485', 'USDT'],
      ['funding', 'f3', '-0.2', 'USDT'],
    ]);
  });
});

describe('totals', () => {
  it('equal the hand sums: PnL 12 − 3.99 − 10 + 100 − 200 + 300, fees per currency, net funding', () => {
    const { totals } = build();
    const flat = (m: ReadonlyMap<string, { toFixed(): string }>) =>
      Object.fromEntries([...m].map(([k, v]) => [k, v.toFixed()]));
    expect(flat(totals.realizedPnl)).toEqual({ USDT: '198.01' });
    // USDT: 0.055 + 0.072 + 0.08091 + 1.1 + 0.715 + 0.66 + 2.75 + 1.485
    expect(flat(totals.fees)).toEqual({ BTC: '0.001', USDT: '6.91791' });
    expect(flat(totals.funding)).toEqual({ USDT: '-0.4' });
  });

  it('keep only what happened inside the period, with lots opened before it', () => {
    // [03:30, 15:00): the s4 lots (−13.99), p3 (+100); p4 at 15:00 is outside (the end is exclusive).
    const r = build({ from: at(3.5), to: at(15) });
    expect(r.rows.map((x) => x.kind)).toEqual(['lot', 'lot', 'open', 'open', 'funding', 'close', 'funding']);
    expect(r.totals.realizedPnl.get('USDT')?.toFixed()).toBe('86.01');
    expect(r.totals.funding.get('USDT')?.toFixed()).toBe('-0.2');
  });

  it('names a symbol whose coins are unknown instead of guessing', () => {
    const r = buildTradesReport([{ ...HISTORY[0]!, symbol: 'XYZ' }], coinsOf);
    expect(r).toEqual({ ok: false, error: 'spot XYZ: base and quote coin unknown' });
  });
});
