// Contract: streams through the ExchangePort — public kline/ticker, private order/execution/position/wallet,
// resync after a reconnect, and the client rebuild after a private auth failure (bybit adapter → simulator).
import { orderLinkIdFor } from '../../src/domain/ids.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import type {
  Balance,
  ExchangePort,
  FillReport,
  KlineUpdate,
  OrderReport,
  PositionReport,
  ResyncReport,
  StreamStatus,
  Ticker,
} from '../../src/exchange/port.js';
import { type SimHandle, startSim } from '../../src/exchange/sim/index.js';
import { adapterFor } from '../helpers/sim-exchange.js';

let sim: SimHandle;
const opened: ExchangePort[] = [];

function adapter(): ExchangePort {
  const ex = adapterFor(sim, { ws: { reconnectTimeoutMs: 100, rebuildBaseMs: 100 } });
  opened.push(ex);
  return ex;
}

/** Resolves when `pred` holds, polling; fails the test after `ms`. */
async function until(pred: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let n = 0;
const id = () => orderLinkIdFor(`streams${++n}`, 1);

beforeAll(async () => {
  sim = await startSim({ port: 0, speed: 0 });
  sim.market.setPrice('BTCUSDT', '60000');
});
// Each test owns the simulator's sockets: faults like "next auth fails" must not hit another test's client.
afterEach(async () => {
  sim.faults.clear();
  await Promise.all(opened.splice(0).map((e) => e.close()));
});
afterAll(async () => {
  await sim.close();
});

describe('public streams', () => {
  it('delivers tickers and klines as the price moves', async () => {
    const ex = adapter();
    const ticks: Ticker[] = [];
    const bars: KlineUpdate[] = [];
    await ex.subscribeTicker({ category: 'linear', symbol: 'BTCUSDT' }, (t) => ticks.push(t));
    await ex.subscribeKlines({ category: 'linear', symbol: 'BTCUSDT', interval: '1' }, (k) => bars.push(k));
    sim.market.setPrice('BTCUSDT', '60123.4');
    await until(
      () => ticks.some((t) => t.lastPrice.eq('60123.4')) && bars.some((b) => b.close.eq('60123.4')),
    );
    const bar = bars.at(-1)!;
    expect(bar).toMatchObject({ category: 'linear', symbol: 'BTCUSDT', interval: '1' });
    expect(bar.high.gte(bar.close)).toBe(true);
  });

  it('stops delivering after unsubscribe', async () => {
    const ex = adapter();
    const ticks: Ticker[] = [];
    const off = await ex.subscribeTicker({ category: 'spot', symbol: 'ETHUSDT' }, (t) => ticks.push(t));
    sim.market.setPrice('ETHUSDT', '3001');
    await until(() => ticks.some((t) => t.lastPrice.eq('3001')));
    off();
    const seen = ticks.length;
    sim.market.setPrice('ETHUSDT', '3002');
    await new Promise((r) => setTimeout(r, 300));
    expect(ticks.length).toBe(seen);
  });
});

describe('private streams', () => {
  it('reports order, execution, position and wallet changes of a fill', async () => {
    const ex = adapter();
    const orders: OrderReport[] = [];
    const fills: FillReport[] = [];
    const positions: PositionReport[] = [];
    const wallets: Balance[] = [];
    await ex.subscribeOrders((o) => orders.push(o));
    await ex.subscribeExecutions((f) => fills.push(f));
    await ex.subscribePositions((p) => positions.push(p));
    await ex.subscribeWallet((b) => wallets.push(b));
    const linkId = id();
    await ex.placeOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: dec('0.01'),
      orderLinkId: linkId,
    });
    await until(
      () =>
        orders.some((o) => o.orderLinkId === linkId && o.status === 'filled') &&
        fills.some((f) => f.orderLinkId === linkId) &&
        positions.some((p) => p.symbol === 'BTCUSDT' && p.side === 'long') &&
        wallets.length > 0,
    );
    expect(fills.find((f) => f.orderLinkId === linkId)!.qty.toFixed()).toBe('0.01');
    expect(wallets.at(-1)!.accountType).toBe('UNIFIED');
  });
});

describe('reconnect and resync', () => {
  it('after a private drop, resyncs orders, positions and executions over REST, and streams again', async () => {
    const ex = adapter();
    const orders: OrderReport[] = [];
    const resyncs: ResyncReport[] = [];
    const status: StreamStatus[] = [];
    ex.onResync((r) => {
      resyncs.push(r);
    });
    ex.onStatus((s) => status.push(s));
    await ex.subscribeOrders((o) => orders.push(o));
    await ex.subscribeExecutions(() => {});
    const resting = id();
    await ex.placeOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: dec('0.01'),
      price: dec('50000'),
      orderLinkId: resting,
    });
    const filled = id();
    await ex.placeOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: dec('0.01'),
      orderLinkId: filled,
    });

    expect(sim.faults.dropWebSockets('private')).toBeGreaterThan(0);
    await until(() => resyncs.length > 0);
    const r = resyncs[0]!;
    expect(r.reason).toBe('reconnected');
    expect(r.orders.map((o) => o.orderLinkId)).toContain(resting);
    expect(r.positions.find((p) => p.symbol === 'BTCUSDT')?.side).toBe('long');
    expect(r.fills.map((f) => f.orderLinkId)).toContain(filled);
    expect(status.some((s) => s.type === 'reconnected' && s.stream === 'private')).toBe(true);

    await ex.cancelOrder({ category: 'linear', symbol: 'BTCUSDT', orderLinkId: resting });
    await until(() => orders.some((o) => o.orderLinkId === resting && o.status === 'cancelled'));
  });

  it('when private auth fails, rebuilds the client and the stream works again', async () => {
    const ex = adapter();
    const orders: OrderReport[] = [];
    const status: StreamStatus[] = [];
    ex.onStatus((s) => status.push(s));
    // The first auth is refused: bybit-api 4.7.x alone would never try again.
    sim.faults.set({ authFailures: 1 });
    await ex.subscribeOrders((o) => orders.push(o));
    expect(status.map((s) => s.type)).toEqual(expect.arrayContaining(['auth-failed', 'rebuilt']));
    const linkId = id();
    await ex.placeOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'sell',
      type: 'market',
      qty: dec('0.01'),
      orderLinkId: linkId,
    });
    await until(() => orders.some((o) => o.orderLinkId === linkId && o.status === 'filled'));
  });

  it('an auth failure on reconnect ends in a rebuilt client and a resync', async () => {
    const ex = adapter();
    const orders: OrderReport[] = [];
    const resyncs: ResyncReport[] = [];
    ex.onResync((r) => {
      resyncs.push(r);
    });
    await ex.subscribeOrders((o) => orders.push(o));
    sim.faults.set({ authFailures: 1 });
    sim.faults.dropWebSockets('private');
    await until(() => resyncs.some((r) => r.reason === 'rebuilt'), 8_000);
    const linkId = id();
    await ex.placeOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: dec('0.01'),
      orderLinkId: linkId,
    });
    await until(() => orders.some((o) => o.orderLinkId === linkId));
  });
});
