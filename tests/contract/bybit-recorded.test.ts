// The adapter's parsers on real Bybit V5 payloads (tests/fixtures/bybit-recorded, provenance in each file),
// "" vs "0" vs absent on every optional field, the linear fee currency, and the simulator printing at least
// every field the recordings carry.
import { readFileSync } from 'node:fs';
import { RestClientV5 } from 'bybit-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { dec } from '../../src/domain/decimal.js';
import type { Fill } from '../../src/domain/fill.js';
import { applyFill, emptyPosition, type Position } from '../../src/domain/position.js';
import {
  linearSettleCoin,
  toBalance,
  toFillReport,
  toOrderReport,
  toPositionReport,
} from '../../src/exchange/bybit/map.js';
import type { FillReport } from '../../src/exchange/port.js';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';

type Row = Record<string, unknown>;

function recorded(name: string): Row {
  const file = JSON.parse(readFileSync(`tests/fixtures/bybit-recorded/${name}`, 'utf8')) as {
    provenance: string;
    payload: Row;
  };
  expect(file.provenance).toMatch(/commit [0-9a-f]{40}/);
  return file.payload;
}

/** The first row of a `result.list` (REST, with or without the envelope) or a WS frame's `data`. */
function firstRow(payload: Row): Row {
  const result = (payload.result ?? payload) as Row;
  const list = (result.list ?? payload.data) as Row[];
  const row = list[0];
  if (!row) throw new Error('empty list');
  return row;
}

describe('executions', () => {
  it('a linear execution with feeCurrency "" books its fee in the settle coin (USDC perp)', () => {
    const f = toFillReport('linear', firstRow(recorded('docs-execution-list-linear-ethperp.json')));
    expect(f).toMatchObject({ symbol: 'ETHPERP', feeCurrency: 'USDC', side: 'buy', isMaker: false });
    expect(f.fee.toFixed()).toBe('0.071409');
    expect(f.price.toFixed()).toBe('1190.15');
    expect(f.ts).toBe(1672282722429);
    expect(f.seq).toBe(4688002127);
  });

  it('a linear execution without the field at all is in USDT for a USDT perpetual', () => {
    const f = toFillReport('linear', firstRow(recorded('testnet-execution-list-linear.json')));
    expect(f).toMatchObject({ symbol: 'BTCUSDT', feeCurrency: 'USDT', side: 'sell', execType: 'Trade' });
    expect(f.fee.toFixed()).toBe('0.1609008');
  });

  it('a WS execution frame names USDT and keeps it', () => {
    const frame = recorded('ws-execution-linear-market.json');
    const f = toFillReport('spot', firstRow(frame));
    expect(f).toMatchObject({ category: 'linear', feeCurrency: 'USDT', orderLinkId: 'test-order-link-001' });
    expect(f.qty.toFixed()).toBe('0.5');
  });

  it('"", absent and "USDT" fee currencies on a linear row all read as USDT; spot keeps what it says', () => {
    const base = firstRow(recorded('testnet-execution-list-linear.json'));
    const { feeCurrency: _drop, ...absent } = { ...base, feeCurrency: 'x' };
    for (const row of [{ ...base, feeCurrency: '' }, absent, { ...base, feeCurrency: 'USDT' }])
      expect(toFillReport('linear', row).feeCurrency).toBe('USDT');
    expect(toFillReport('spot', { ...base, feeCurrency: 'BTC' }).feeCurrency).toBe('BTC');
    expect(toFillReport('spot', { ...base, feeCurrency: '' }).feeCurrency).toBe('');
    expect(toFillReport('linear', { ...base, execFee: '' }).fee.toFixed()).toBe('0');
    expect(['BTCUSDT', 'BTCUSDT-26DEC25', 'ETHPERP', 'BTC-26DEC25', 'BTCUSDC'].map(linearSettleCoin)).toEqual(
      ['USDT', 'USDT', 'USDC', 'USDC', 'USDC'],
    );
  });
});

describe('a linear round trip books the same PnL whatever the fee currency field says', () => {
  const inst = { symbol: 'BTCUSDT', category: 'linear', baseCoin: 'BTC', quoteCoin: 'USDT' } as const;
  const template = firstRow(recorded('testnet-execution-list-linear.json'));
  const exec = (id: string, side: 'Buy' | 'Sell', price: string, fee: string, feeCurrency: string): Row => ({
    ...template,
    execId: id,
    side,
    execPrice: price,
    execQty: '0.013',
    execFee: fee,
    feeCurrency,
  });
  const toFill = (f: FillReport): Fill => ({
    tradeId: f.execId,
    orderLinkId: f.orderLinkId || null,
    symbol: f.symbol,
    side: f.side === 'buy' ? 'Buy' : 'Sell',
    qty: f.qty,
    price: f.price,
    fee: f.fee,
    feeCurrency: f.feeCurrency,
    ts: f.ts,
  });
  const fold = (fills: Fill[]): Position => {
    let pos = emptyPosition(inst);
    for (const fill of fills) {
      const r = applyFill(pos, fill);
      if (!r.ok) throw new Error(r.error.message);
      pos = r.position;
    }
    return pos;
  };
  const roundTrip = (cur: string): Position =>
    fold(
      [exec('a', 'Buy', '65012.3', '0.46483795', cur), exec('b', 'Sell', '65987.1', '0.47180777', cur)].map(
        (row) => toFill(toFillReport('linear', row)),
      ),
    );

  it('feeCurrency "" equals "USDT" to the last decimal', () => {
    const empty = roundTrip('');
    const usdt = roundTrip('USDT');
    const gross = dec('65987.1').sub('65012.3').mul('0.013');
    const expected = gross.sub('0.46483795').sub('0.47180777');
    expect(usdt.netRealizedPnl.toFixed()).toBe(expected.toFixed());
    expect(empty.netRealizedPnl.toFixed()).toBe(usdt.netRealizedPnl.toFixed());
    expect(empty.fees.toFixed()).toBe(usdt.fees.toFixed());
    expect(empty.otherFees.size).toBe(0);
  });

  it('without the adapter reading "" as the settle coin, the position would lose the fees', () => {
    // What domain/position.ts does with the raw wire value: a fee in an unknown coin is not in net PnL.
    const raw = fold(
      [exec('a', 'Buy', '65012.3', '0.46483795', ''), exec('b', 'Sell', '65987.1', '0.47180777', '')]
        .map((row) => toFill(toFillReport('linear', row)))
        .map((f) => ({ ...f, feeCurrency: '' })),
    );
    expect(raw.netRealizedPnl.toFixed()).toBe(dec('65987.1').sub('65012.3').mul('0.013').toFixed());
    expect(raw.netRealizedPnl.eq(roundTrip('').netRealizedPnl)).toBe(false);
  });
});

describe('orders, positions, wallet', () => {
  it('a spot order: "" take-profit/stop-loss and "0.00" trigger are unset; "0.00" average with no fill is none', () => {
    const o = toOrderReport('linear', firstRow(recorded('testnet-open-orders-spot.json')));
    expect(o).toMatchObject({ status: 'new', type: 'limit', side: 'buy', timeInForce: 'gtc', reason: '' });
    expect(o.takeProfit).toBeNull();
    expect(o.stopLoss).toBeNull();
    expect(o.triggerPrice).toBeNull();
    expect(o.avgPrice).toBeNull();
    expect(o.price?.toFixed()).toBe('10000');
    expect(o.leavesQty.toFixed()).toBe('0.01');
    expect(o.filledQty.isZero()).toBe(true);
  });

  it('"", "0" and absent optional prices on an order all mean unset; a value is kept', () => {
    const row = firstRow(recorded('testnet-open-orders-spot.json'));
    for (const v of ['', '0', '0.00', undefined]) {
      const o = toOrderReport('spot', { ...row, takeProfit: v, stopLoss: v, triggerPrice: v });
      expect([o.takeProfit, o.stopLoss, o.triggerPrice]).toEqual([null, null, null]);
    }
    expect(toOrderReport('spot', { ...row, takeProfit: '31000' }).takeProfit?.toFixed()).toBe('31000');
  });

  it('a flat position with "" liqPrice, positionValue and unrealisedPnl', () => {
    const p = toPositionReport('linear', firstRow(recorded('testnet-position-flat.json')), 0);
    expect(p).toMatchObject({ side: 'flat', symbol: 'BTCUSDT', positionIdx: 0, updatedAt: 1691735404177 });
    expect(p.liqPrice).toBeNull();
    expect(p.takeProfit).toBeNull();
    expect(p.stopLoss).toBeNull();
    expect(p.unrealisedPnl.toFixed()).toBe('0');
    expect(p.cumRealisedPnl.toFixed()).toBe('-1618.71655122');
    expect(p.markPrice?.toFixed()).toBe('43577.97');
  });

  it('a UNIFIED wallet with BTC and USDT', () => {
    const b = toBalance((recorded('testnet-wallet-balance-btc-usdt.json').list as Row[])[0]);
    expect(b.accountType).toBe('UNIFIED');
    expect(b.totalAvailableBalance.toFixed()).toBe('30587.3509045');
    expect(b.coins.map((c) => [c.coin, c.walletBalance.toFixed()])).toEqual([
      ['BTC', '1.258926'],
      ['USDT', '1012.35705796'],
    ]);
  });
});

describe('the simulator prints every field the recordings carry', () => {
  let sim: SimHandle;
  let rest: RestClientV5;
  beforeAll(async () => {
    sim = await startSim({ speed: 0, balance: '100000USDT,1BTC' });
    sim.market.setPrice('BTCUSDT', '65000');
    rest = new RestClientV5(
      { key: 'sim-key', secret: 'sim-secret', baseUrl: sim.restUrl },
      { timeout: 5000 },
    );
  });
  afterAll(async () => {
    await sim.close();
  });

  const missing = (want: Row, have: Row | undefined): string[] =>
    Object.keys(want).filter((k) => !(k in (have ?? {})));

  it('executions, orders, positions, wallet and recent trades', async () => {
    const m = await rest.submitOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Buy',
      orderType: 'Market',
      qty: '0.001',
    });
    await rest.submitOrder({
      category: 'spot',
      symbol: 'BTCUSDT',
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.01',
      price: '64000',
    });
    const x = (await rest.getExecutionList({ category: 'linear', orderId: m.result.orderId })).result
      .list[0] as unknown as Row;
    for (const f of ['docs-execution-list-linear-ethperp.json', 'testnet-execution-list-linear.json'])
      expect(missing(firstRow(recorded(f)), x)).toEqual([]);
    expect(x.indexPrice).toBe('');
    const o = (await rest.getActiveOrders({ category: 'spot', symbol: 'BTCUSDT' })).result
      .list[0] as unknown as Row;
    expect(missing(firstRow(recorded('testnet-open-orders-spot.json')), o)).toEqual([]);
    expect([o.takeProfit, o.stopLoss]).toEqual(['', '']);
    const flat = (await rest.getPositionInfo({ category: 'linear', symbol: 'ETHUSDT' })).result
      .list[0] as unknown as Row;
    expect(missing(firstRow(recorded('testnet-position-flat.json')), flat)).toEqual([]);
    expect([flat.liqPrice, flat.bustPrice, flat.takeProfit, flat.stopLoss]).toEqual(['', '', '', '']);
    const w = (await rest.getWalletBalance({ accountType: 'UNIFIED' })).result.list[0] as unknown as Row;
    const rw = (recorded('testnet-wallet-balance-btc-usdt.json').list as Row[])[0] as Row;
    expect(missing(rw, w)).toEqual([]);
    const coins = w.coin as Row[];
    expect(missing((rw.coin as Row[])[0] as Row, coins[0])).toEqual([]);
    const t = await fetch(`${sim.restUrl}/v5/market/recent-trade?category=linear&symbol=BTCUSDT&limit=1`);
    const trade = ((await t.json()) as { result: { list: Row[] } }).result.list[0];
    expect(missing(firstRow(recorded('testnet-recent-trade-linear.json')), trade)).toEqual([]);
  });

  it('publicTrade frames', async () => {
    const ws = new WebSocket(`${sim.wsUrl}/v5/public/linear`);
    await new Promise((r) => ws.once('open', r));
    const frames: Row[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Row));
    ws.send(JSON.stringify({ op: 'subscribe', args: ['publicTrade.BTCUSDT'], req_id: 't' }));
    await waitFor(() => frames.some((f) => f.op === 'subscribe'));
    sim.market.setPrice('BTCUSDT', '65001.5');
    await waitFor(() => frames.some((f) => f.topic === 'publicTrade.BTCUSDT'));
    ws.close();
    const frame = frames.find((f) => f.topic === 'publicTrade.BTCUSDT') as Row;
    const want = recorded('docs-ws-public-trade.json');
    expect(missing(want, frame)).toEqual([]);
    const row = firstRow(frame);
    expect(missing(firstRow(want), row)).toEqual([]);
    expect(row).toMatchObject({ s: 'BTCUSDT', p: '65001.5', S: 'Buy', L: 'PlusTick', BT: false });
  });
});

async function waitFor(ok: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
