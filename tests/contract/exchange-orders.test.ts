// Contract: order entry and order/fill reports through the ExchangePort (bybit adapter → simulator).
import { orderLinkIdFor } from '../../src/domain/ids.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { InvalidOrderError } from '../../src/exchange/bybit/index.js';
import type { ExchangePort } from '../../src/exchange/port.js';
import type { SimHandle } from '../../src/exchange/sim/index.js';
import { startSimExchange, type SimExchange } from '../helpers/sim-exchange.js';

let sim: SimHandle;
let ex: ExchangePort;
let n = 0;
const linkId = () => orderLinkIdFor(`orders${++n}`, 1);
const PRICE = '60000';

let env: SimExchange;

beforeAll(async () => {
  env = await startSimExchange();
  ({ sim, ex } = env);
});
afterAll(async () => {
  await env.close();
});
beforeEach(async () => {
  sim.market.setPrice('BTCUSDT', PRICE);
  await ex.cancelAllOrders({ category: 'linear' });
});

const simOrders = (id: string) => sim.state.orders().filter((o) => o.orderLinkId === id);

describe('ExchangePort orders (bybit adapter → simulator)', () => {
  it('places a limit order rounded through the instrument and reports it open', async () => {
    const id = linkId();
    const placed = await ex.placeOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: dec('0.0129'),
      price: dec('50000.37'),
      orderLinkId: id,
    });
    expect(placed).toMatchObject({ orderLinkId: id, status: 'new', side: 'buy', type: 'limit' });
    // What reached the venue: qty down to the step, buy price down to the tick, as strings.
    expect(simOrders(id)).toHaveLength(1);
    expect(simOrders(id)[0]).toMatchObject({ qty: '0.012', price: '50000.3' });
    const open = await ex.openOrders({ category: 'linear', symbol: 'BTCUSDT' });
    expect(open.map((o) => o.orderLinkId)).toContain(id);
    const found = await ex.orderByLinkId('linear', 'BTCUSDT', id);
    expect(found?.orderId).toBe(placed.orderId);
    expect(found?.price?.toFixed()).toBe('50000.3');
    expect(found?.qty.toFixed()).toBe('0.012');
  });

  it('amends price and quantity, then cancels; history shows the cancelled order', async () => {
    const id = linkId();
    await ex.placeOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: dec('0.01'),
      price: dec('50000'),
      orderLinkId: id,
    });
    await ex.amendOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      orderLinkId: id,
      price: dec('51000.04'),
      qty: dec('0.02'),
    });
    const amended = await ex.orderByLinkId('linear', 'BTCUSDT', id);
    expect(amended?.price?.toFixed()).toBe('51000');
    expect(amended?.qty.toFixed()).toBe('0.02');
    const ref = await ex.cancelOrder({ category: 'linear', symbol: 'BTCUSDT', orderLinkId: id });
    expect(ref.orderLinkId).toBe(id);
    expect((await ex.openOrders({ category: 'linear' })).map((o) => o.orderLinkId)).not.toContain(id);
    const history = await ex.orderHistory({ category: 'linear', symbol: 'BTCUSDT' });
    expect(history.find((o) => o.orderLinkId === id)?.status).toBe('cancelled');
  });

  it('cancels all open orders of a category', async () => {
    const ids = [linkId(), linkId()];
    for (const id of ids) {
      await ex.placeOrder({
        category: 'linear',
        symbol: 'BTCUSDT',
        side: 'sell',
        type: 'limit',
        qty: dec('0.01'),
        price: dec('70000'),
        orderLinkId: id,
      });
    }
    const refs = await ex.cancelAllOrders({ category: 'linear' });
    expect(refs.map((r) => r.orderLinkId).sort()).toEqual([...ids].sort());
    expect(await ex.openOrders({ category: 'linear' })).toEqual([]);
  });

  it('fills a market order: fill reports, order report and a long position', async () => {
    const id = linkId();
    await ex.placeOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: dec('0.01'),
      orderLinkId: id,
    });
    const fills = await ex.executions({ category: 'linear', symbol: 'BTCUSDT', orderLinkId: id });
    expect(fills.reduce((s, f) => s.add(f.qty), dec('0')).toFixed()).toBe('0.01');
    expect(fills[0]!.side).toBe('buy');
    expect(fills[0]!.fee.gt(0)).toBe(true);
    const order = await ex.orderByLinkId('linear', 'BTCUSDT', id);
    expect(order?.status).toBe('filled');
    expect(order?.avgPrice?.gt(0)).toBe(true);
    const pos = (await ex.positions({ symbol: 'BTCUSDT' }))[0]!;
    expect(pos.side).toBe('long');
    expect(pos.size.gte(dec('0.01'))).toBe(true);
    await ex.placeOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'sell',
      type: 'market',
      qty: pos.size,
      reduceOnly: true,
      orderLinkId: linkId(),
    });
    expect((await ex.positions({ symbol: 'BTCUSDT' }))[0]!.side).toBe('flat');
  });

  it('is idempotent on orderLinkId: a second placement returns the first order', async () => {
    const id = linkId();
    const req = {
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: dec('0.01'),
      price: dec('50000'),
      orderLinkId: id,
    } as const;
    const first = await ex.placeOrder(req);
    const second = await ex.placeOrder(req);
    expect(second.orderId).toBe(first.orderId);
    expect(simOrders(id)).toHaveLength(1);
  });

  it('refuses an order that cannot be made valid, and sends nothing', async () => {
    const before = sim.state.orders().length;
    const attempt = ex.placeOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: dec('0.001'),
      price: dec('1000'),
      orderLinkId: linkId(),
    });
    await expect(attempt).rejects.toBeInstanceOf(InvalidOrderError);
    await expect(attempt).rejects.toThrow(/below the minimum 5/);
    expect(sim.state.orders()).toHaveLength(before);
  });

  it('places a conditional (stop-entry) order that waits untriggered, then triggers and fills', async () => {
    const id = linkId();
    const placed = await ex.placeOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: dec('0.01'),
      triggerPrice: dec('61000.06'),
      orderLinkId: id,
    });
    expect(placed.triggerPrice?.toFixed()).toBe('61000.1');
    expect((await ex.orderByLinkId('linear', 'BTCUSDT', id))?.status).toBe('untriggered');
    sim.market.setPrice('BTCUSDT', '61200');
    expect((await ex.orderByLinkId('linear', 'BTCUSDT', id))?.status).toBe('filled');
    const pos = (await ex.positions({ symbol: 'BTCUSDT' }))[0]!;
    await ex.placeOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'sell',
      type: 'market',
      qty: pos.size,
      reduceOnly: true,
      orderLinkId: linkId(),
    });
  });

  it('answers null for an orderLinkId the venue never saw', async () => {
    expect(await ex.orderByLinkId('linear', 'BTCUSDT', 'never-placed')).toBeNull();
  });

  it('trades spot too: a market buy sized in base coin', async () => {
    const id = linkId();
    await ex.placeOrder({
      category: 'spot',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: dec('0.01'),
      orderLinkId: id,
    });
    const [o] = simOrders(id);
    expect(o).toMatchObject({ category: 'spot', orderStatus: 'Filled', cumExecQty: '0.01' });
    const fills = await ex.executions({ category: 'spot', orderLinkId: id });
    expect(fills.map((f) => f.qty.toFixed())).toEqual(['0.01']);
  });
});
