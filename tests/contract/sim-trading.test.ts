// Order types and accounting the simulator must get right beyond the basics: spot coins and fees,
// time-in-force rules, reduce-only, conditional orders, TP/SL on create and cancel-all (real SDK, REST only).
import { RestClientV5 } from 'bybit-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';

let sim: SimHandle;
let rest: RestClientV5;

beforeEach(async () => {
  sim = await startSim({ speed: 0 });
  sim.market.setPrice('BTCUSDT', '65000');
  rest = new RestClientV5({ key: 'sim-key', secret: 'sim-secret', baseUrl: sim.restUrl }, { timeout: 5000 });
});

afterEach(async () => {
  await sim.close();
});

const linear = { category: 'linear', symbol: 'BTCUSDT' } as const;
const spot = { category: 'spot', symbol: 'BTCUSDT' } as const;

async function coin(name: string) {
  const w = await rest.getWalletBalance({ accountType: 'UNIFIED', coin: name });
  return w.result.list[0]?.coin.find((c) => c.coin === name);
}

describe('spot', () => {
  it('a market buy is sized in USDT and pays its fee in BTC; a sell pays in USDT', async () => {
    const buy = await rest.submitOrder({ ...spot, side: 'Buy', orderType: 'Market', qty: '1000' });
    expect(buy.retCode).toBe(0);
    // The buy walks the book: one execution per level, each paying its fee in BTC.
    const xs = (await rest.getExecutionList({ ...spot, orderId: buy.result.orderId })).result.list;
    expect(xs.length).toBeGreaterThan(0);
    let qty = dec('0');
    let fee = dec('0');
    let value = dec('0');
    for (const x of xs) {
      expect(x.feeCurrency).toBe('BTC');
      expect(dec(x.execQty).mod('0.000001').isZero()).toBe(true);
      expect(x.execFee).toBe(dec(x.execQty).mul('0.001').toFixed());
      qty = qty.add(x.execQty);
      fee = fee.add(x.execFee);
      value = value.add(x.execValue);
    }
    expect(value.lte('1000')).toBe(true);
    const btc = qty.sub(fee);
    expect((await coin('BTC'))?.walletBalance).toBe(btc.toFixed());
    expect((await coin('USDT'))?.walletBalance).toBe(dec('100000').sub(value).toFixed());

    // The fee leaves dust below the 0.000001 base step: only whole steps can be sold.
    const sellable = btc.div('0.000001').floor().mul('0.000001');
    const offStep = await rest.submitOrder({
      ...spot,
      side: 'Sell',
      orderType: 'Market',
      qty: btc.toFixed(),
    });
    expect(offStep.retCode).toBe(170137);
    const sell = await rest.submitOrder({
      ...spot,
      side: 'Sell',
      orderType: 'Market',
      qty: sellable.toFixed(),
    });
    expect(sell.retCode).toBe(0);
    const ys = (await rest.getExecutionList({ ...spot, orderId: sell.result.orderId })).result.list;
    expect(ys.length).toBeGreaterThan(0);
    for (const y of ys) {
      expect(y.feeCurrency).toBe('USDT');
      expect(y.execFee).toBe(dec(y.execValue).mul('0.001').toFixed());
    }
    expect((await coin('BTC'))?.walletBalance).toBe(btc.sub(sellable).toFixed());
  });

  it('locks USDT under a resting limit buy and refuses what it cannot pay (170131)', async () => {
    const ack = await rest.submitOrder({
      ...spot,
      side: 'Buy',
      orderType: 'Limit',
      qty: '1',
      price: '60000',
    });
    expect((await coin('USDT'))?.locked).toBe('60000');
    const tooMuch = await rest.submitOrder({
      ...spot,
      side: 'Buy',
      orderType: 'Limit',
      qty: '1',
      price: '60000',
    });
    expect(tooMuch.retCode).toBe(170131);
    await rest.cancelOrder({ ...spot, orderId: ack.result.orderId });
    expect((await coin('USDT'))?.locked).toBe('0');
    expect((await rest.submitOrder({ ...spot, side: 'Sell', orderType: 'Market', qty: '0.1' })).retCode).toBe(
      170131,
    );
  });
});

describe('pushed candles', () => {
  it('a pushed bar walks open -> low -> high -> close: its low fills a resting buy at the limit, as maker', async () => {
    const ack = await rest.submitOrder({
      ...linear,
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.01',
      price: '64000',
    });
    sim.market.pushCandle('BTCUSDT', {
      open: '65000',
      high: '65200',
      low: '63900',
      close: '65100',
      volume: '12',
    });
    expect(sim.market.lastPrice('BTCUSDT')).toBe('65100');
    const [x] = (await rest.getExecutionList({ ...linear, orderId: ack.result.orderId })).result.list;
    expect(x).toMatchObject({ execPrice: '64000', isMaker: true });
    const bars = (await rest.getKline({ ...linear, interval: '1', limit: 1 })).result.list;
    expect(bars[0]?.slice(1, 6)).toEqual(['65000', '65200', '63900', '65100', '12']);
  });
});

describe('time in force and reduce-only', () => {
  it('cancels a PostOnly order that would take, and an IOC limit that cannot fill', async () => {
    const po = await rest.submitOrder({
      ...linear,
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.01',
      price: '65100',
      timeInForce: 'PostOnly',
    });
    expect(po.retCode).toBe(0);
    const [o] = (await rest.getActiveOrders({ ...linear, orderId: po.result.orderId })).result.list;
    expect(o).toMatchObject({ orderStatus: 'Cancelled', rejectReason: 'EC_PostOnlyWillTakeLiquidity' });
    const ioc = await rest.submitOrder({
      ...linear,
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.01',
      price: '64000',
      timeInForce: 'IOC',
    });
    const [i] = (await rest.getActiveOrders({ ...linear, orderId: ioc.result.orderId })).result.list;
    expect(i?.orderStatus).toBe('Cancelled');
    const fok = await rest.submitOrder({
      ...linear,
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.01',
      price: '65100',
      timeInForce: 'FOK',
    });
    const [f] = (await rest.getActiveOrders({ ...linear, orderId: fok.result.orderId })).result.list;
    expect(f?.orderStatus).toBe('Filled');
  });

  it('refuses reduce-only without a position (110017) and caps it at the position size', async () => {
    const none = await rest.submitOrder({
      ...linear,
      side: 'Sell',
      orderType: 'Market',
      qty: '0.01',
      reduceOnly: true,
    });
    expect(none.retCode).toBe(110017);
    await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '0.01' });
    const close = await rest.submitOrder({
      ...linear,
      side: 'Sell',
      orderType: 'Market',
      qty: '0.05',
      reduceOnly: true,
    });
    expect(close.retCode).toBe(0);
    const [x] = (await rest.getExecutionList({ ...linear, orderId: close.result.orderId })).result.list;
    expect(x).toMatchObject({ execQty: '0.01', closedSize: '0.01' });
    expect((await rest.getPositionInfo({ ...linear })).result.list[0]?.size).toBe('0');
  });
});

describe('conditional orders and TP/SL', () => {
  it('keeps a stop order Untriggered until the price rises through its trigger', async () => {
    const ack = await rest.submitOrder({
      ...linear,
      side: 'Buy',
      orderType: 'Market',
      qty: '0.01',
      triggerPrice: '66000',
      triggerDirection: 1,
    });
    const status = async () =>
      (await rest.getActiveOrders({ ...linear, orderId: ack.result.orderId })).result.list[0]?.orderStatus;
    expect(await status()).toBe('Untriggered');
    sim.market.setPrice('BTCUSDT', '65900');
    expect(await status()).toBe('Untriggered');
    sim.market.setPrice('BTCUSDT', '66010');
    expect(await status()).toBe('Filled');
  });

  it('a take-profit sent with the order lands on the position and closes it at the level', async () => {
    await rest.submitOrder({
      ...linear,
      side: 'Buy',
      orderType: 'Market',
      qty: '0.01',
      takeProfit: '66000',
      stopLoss: '60000',
    });
    const pos = (await rest.getPositionInfo({ ...linear })).result.list[0];
    expect(pos).toMatchObject({ size: '0.01', takeProfit: '66000', stopLoss: '60000' });
    const wrong = await rest.submitOrder({
      ...linear,
      side: 'Buy',
      orderType: 'Market',
      qty: '0.01',
      takeProfit: '64000',
    });
    expect(wrong.retCode).toBe(10001);
    sim.market.setPrice('BTCUSDT', '66050');
    expect((await rest.getPositionInfo({ ...linear })).result.list[0]?.size).toBe('0');
    const tp = sim.state.orders().find((o) => o.stopOrderType === 'TakeProfit');
    expect(tp).toMatchObject({ side: 'Sell', orderStatus: 'Filled', qty: '0.01' });
  });

  it('cancel-all cancels every open order of the symbol and says which', async () => {
    for (const price of ['60000', '61000', '62000']) {
      await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Limit', qty: '0.01', price });
    }
    const all = await rest.cancelAllOrders({ ...linear });
    expect(all.retCode).toBe(0);
    expect(all.result.list).toHaveLength(3);
    expect((await rest.getActiveOrders({ ...linear })).result.list).toEqual([]);
    const wallet = await coin('USDT');
    expect(wallet?.totalOrderIM).toBe('0');
  });
});
