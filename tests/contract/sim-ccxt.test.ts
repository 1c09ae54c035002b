// An independent client against the simulator: ccxt (its own Bybit V5 signing, parsing and start-up calls,
// written by people who never saw this simulator) loads markets, reads market data and the balance, and
// creates, amends, cancels and queries orders, executions and positions. Every call must succeed.
import { bybit } from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';

let sim: SimHandle;
let ex: bybit;

beforeAll(async () => {
  sim = await startSim({ speed: 0, balance: '100000USDT,1BTC' });
  sim.market.setPrice('BTCUSDT', '65000');
  ex = new bybit({ apiKey: 'sim-key', secret: 'sim-secret', timeout: 5000, enableRateLimit: false });
  const url = sim.restUrl;
  ex.urls['api'] = { spot: url, futures: url, v2: url, public: url, private: url };
  await ex.loadMarkets();
});

afterAll(async () => {
  await sim.close();
});

/** ccxt types ids as optional; an order the venue accepted always has one. */
function idOf(o: { id?: string | undefined }): string {
  if (!o.id) throw new Error('order without an id');
  return o.id;
}

const PERP = 'BTC/USDT:USDT';
const SPOT = 'BTC/USDT';

describe('ccxt drives the simulator', () => {
  it('loads the markets with Bybit filters', () => {
    const perp = ex.market(PERP);
    expect(perp).toMatchObject({ linear: true, settle: 'USDT', id: 'BTCUSDT' });
    expect(perp.precision.price).toBe(0.1);
    expect(perp.precision.amount).toBe(0.001);
    expect(perp.limits.amount?.min).toBe(0.001);
    expect(ex.market(SPOT)).toMatchObject({ spot: true, id: 'BTCUSDT' });
  });

  it('market data: ticker, order book, candles, public trades', async () => {
    const t = await ex.fetchTicker(PERP);
    expect(t.last).toBe(65000);
    expect(t.bid).toBeLessThan(65000);
    const book = await ex.fetchOrderBook(PERP, 50);
    expect(book.asks.length).toBe(50);
    expect(book.asks[0]?.[0]).toBe(t.ask);
    const candles = await ex.fetchOHLCV(PERP, '1m', undefined, 5);
    expect(candles).toHaveLength(5);
    const trades = await ex.fetchTrades(PERP, undefined, 3);
    expect(trades.at(-1)?.price).toBe(65000);
  });

  it('balance', async () => {
    const b = await ex.fetchBalance();
    expect(b['USDT']?.total).toBe(100000);
    expect(b['BTC']?.total).toBe(1);
  });

  it('orders: create, amend, query, cancel; executions and positions', async () => {
    const resting = await ex.createOrder(PERP, 'limit', 'buy', 0.01, 60000, { clientOrderId: 'ccxt-rest-1' });
    const restingId = idOf(resting);
    const amended = await ex.editOrder(restingId, PERP, 'limit', 'buy', 0.02, 60500);
    expect(amended.id).toBe(restingId);
    const open = await ex.fetchOpenOrders(PERP);
    expect(open.map((o) => [o.id, o.price, o.amount, o.status, o.clientOrderId])).toEqual([
      [restingId, 60500, 0.02, 'open', 'ccxt-rest-1'],
    ]);
    await ex.cancelOrder(restingId, PERP);
    const gone = await ex.fetchOrder(restingId, PERP, { acknowledged: true });
    expect(gone.status).toBe('canceled');

    const market = await ex.createOrder(PERP, 'market', 'buy', 0.005);
    const filled = await ex.fetchOrder(idOf(market), PERP, { acknowledged: true });
    expect(filled).toMatchObject({ status: 'closed', filled: 0.005, type: 'market' });
    const mine = await ex.fetchMyTrades(PERP);
    const fills = mine.filter((f) => f.order === market.id);
    expect(fills.reduce((s, f) => s + (f.amount ?? 0), 0)).toBeCloseTo(0.005, 9);
    for (const f of fills) expect(f.fee?.cost).toBeGreaterThan(0);
    const positions = await ex.fetchPositions([PERP]);
    const p = positions.find((x) => x.symbol === PERP);
    expect(p).toMatchObject({ side: 'long', contracts: 0.005 });

    const spotBuy = await ex.createOrder(SPOT, 'limit', 'buy', 0.001, 64000);
    const spotOpen = await ex.fetchOpenOrders(SPOT);
    expect(spotOpen.map((o) => o.id)).toContain(spotBuy.id);
    await ex.cancelOrder(idOf(spotBuy), SPOT);
  });
});
