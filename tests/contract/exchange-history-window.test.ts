// Bybit answers history queries for at most 7 days; the adapter asks a longer span window by window, so a
// query since three weeks ago still returns today's fills and orders (one each, no duplicates).
import { RestClientV5 } from 'bybit-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyWindows } from '../../src/exchange/bybit/order-queries.js';
import { startSimExchange, type SimExchange } from '../helpers/sim-exchange.js';

const DAY = 86_400_000;
let se: SimExchange;

beforeAll(async () => {
  se = await startSimExchange();
  se.sim.market.setPrice('BTCUSDT', '65000');
  const rest = new RestClientV5({ key: 'sim-key', secret: 'sim-secret', baseUrl: se.sim.restUrl });
  const ack = await rest.submitOrder({
    category: 'linear',
    symbol: 'BTCUSDT',
    side: 'Buy',
    orderType: 'Market',
    qty: '0.001',
  });
  expect(ack.retCode).toBe(0);
});

afterAll(async () => {
  await se.close();
});

describe('history windows', () => {
  it('splits a span into 7-day windows, newest first, and leaves id lookups alone', () => {
    const now = 100 * DAY;
    expect(historyWindows({ category: 'linear', startTime: now - 20 * DAY }, now)).toEqual([
      { startTime: now - 7 * DAY, endTime: now },
      { startTime: now - 14 * DAY, endTime: now - 7 * DAY },
      { startTime: now - 20 * DAY, endTime: now - 14 * DAY },
    ]);
    expect(historyWindows({ category: 'linear' }, now)).toEqual([{}]);
    expect(historyWindows({ category: 'linear', orderLinkId: 'x', startTime: 1 }, now)).toEqual([
      { startTime: 1 },
    ]);
  });

  it('executions and order history since three weeks ago', async () => {
    const since = Date.now() - 21 * DAY;
    const fills = await se.ex.executions({ category: 'linear', symbol: 'BTCUSDT', startTime: since });
    expect(fills.length).toBeGreaterThan(0);
    expect(new Set(fills.map((f) => f.execId)).size).toBe(fills.length);
    const orders = await se.ex.orderHistory({ category: 'linear', symbol: 'BTCUSDT', startTime: since });
    expect(orders).toHaveLength(1);
    expect(orders[0]?.status).toBe('filled');
  });
});
