// Contract: every error class, provoked with simulator faults through the real SDK and the adapter.
import { orderLinkIdFor } from '../../src/domain/ids.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import {
  AuthError,
  type BybitExchangeOptions,
  createBybitExchange,
  OutcomeUnknownError,
  RateLimitedError,
  TransientError,
} from '../../src/exchange/bybit/index.js';
import type { ExchangePort, PlaceOrderRequest } from '../../src/exchange/port.js';
import { type SimHandle, startSim } from '../../src/exchange/sim/index.js';
import { createLogger } from '../../src/platform/logger.js';

let sim: SimHandle;
const opened: ExchangePort[] = [];

function adapter(o: Partial<BybitExchangeOptions> = {}): ExchangePort {
  const ex = createBybitExchange({
    env: 'sim',
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    key: 'sim-key',
    secret: 'sim-secret',
    timeoutMs: 1_000,
    backoffBaseMs: 50,
    logger: createLogger({ level: 'silent' }),
    ...o,
  });
  opened.push(ex);
  return ex;
}

let n = 0;
const limitBuy = (): PlaceOrderRequest => ({
  category: 'linear',
  symbol: 'BTCUSDT',
  side: 'buy',
  type: 'limit',
  qty: dec('0.01'),
  price: dec('50000'),
  orderLinkId: orderLinkIdFor(`faults${++n}`, 1),
});
const atVenue = (id: string) => sim.state.orders().filter((o) => o.orderLinkId === id);

beforeAll(async () => {
  sim = await startSim({ port: 0, speed: 0 });
  sim.market.setPrice('BTCUSDT', '60000');
});
afterEach(() => sim.faults.clear());
afterAll(async () => {
  await Promise.all(opened.map((e) => e.close()));
  await sim.close();
});

describe('transient: HTTP 5xx', () => {
  it('a read backs off and succeeds once the venue recovers', async () => {
    const ex = adapter();
    sim.faults.set({ httpError: { status: 502, count: 2 } });
    expect((await ex.walletBalance()).totalEquity.gt(0)).toBe(true);
  });

  it('gives up with TransientError when it does not recover', async () => {
    const ex = adapter({ maxRetries: 1 });
    sim.faults.set({ httpError: { status: 503, count: 5 } });
    const e = await ex.walletBalance().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).code).toBe(503);
  });

  it('an order hit by a 500 is looked up, then placed exactly once', async () => {
    const ex = adapter();
    await ex.instrument('linear', 'BTCUSDT');
    const req = limitBuy();
    sim.faults.set({ httpError: { status: 500, count: 1 } });
    const o = await ex.placeOrder(req);
    expect(o.orderLinkId).toBe(req.orderLinkId);
    expect(atVenue(req.orderLinkId)).toHaveLength(1);
  });
});

describe('rate limited', () => {
  it('10006: waits until the reset timestamp and places the order once', async () => {
    const ex = adapter();
    await ex.instrument('linear', 'BTCUSDT');
    const req = limitBuy();
    sim.faults.set({ rateLimitBurst: 2 });
    const t0 = Date.now();
    await ex.placeOrder(req);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(atVenue(req.orderLinkId)).toHaveLength(1);
  });

  it('403: an IP ban fails fast with the reset time, and the adapter stops calling until then', async () => {
    const ex = adapter();
    sim.faults.set({ httpError: { status: 403, count: 1 } });
    const t0 = Date.now();
    const e = await ex.walletBalance().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RateLimitedError);
    expect((e as RateLimitedError).scope).toBe('ip');
    expect((e as RateLimitedError).resetAt).toBeGreaterThanOrEqual(t0 + 600_000);
    // The venue is healthy again, but we honour the ban instead of extending it.
    const before = sim.state.orders().length;
    await expect(ex.placeOrder(limitBuy())).rejects.toBeInstanceOf(RateLimitedError);
    expect(sim.state.orders()).toHaveLength(before);
  });
});

describe('clock: 10002', () => {
  it.each([10_000, -5_000])('resyncs with the venue clock (skew %i ms) and retries once', async (skew) => {
    const ex = adapter();
    await ex.instrument('linear', 'BTCUSDT');
    sim.faults.set({ clockSkewMs: skew });
    const req = limitBuy();
    await ex.placeOrder(req);
    expect(atVenue(req.orderLinkId)).toHaveLength(1);
    expect((await ex.walletBalance()).totalEquity.gt(0)).toBe(true);
  });
});

describe('outcome unknown: the response is lost after the order was placed', () => {
  it('looks the order up by orderLinkId and returns it; exactly one order exists', async () => {
    const ex = adapter();
    await ex.instrument('linear', 'BTCUSDT');
    const req = limitBuy();
    sim.faults.set({ lostResponses: 1 });
    const o = await ex.placeOrder(req);
    expect(o.orderLinkId).toBe(req.orderLinkId);
    expect(o.status).toBe('new');
    expect(atVenue(req.orderLinkId)).toHaveLength(1);
  });

  it('a cancel whose answer was lost still reports the cancel', async () => {
    const ex = adapter();
    const req = limitBuy();
    await ex.placeOrder(req);
    sim.faults.set({ lostResponses: 1 });
    const ref = await ex.cancelOrder({ category: 'linear', symbol: 'BTCUSDT', orderLinkId: req.orderLinkId });
    expect(ref.orderLinkId).toBe(req.orderLinkId);
    expect(atVenue(req.orderLinkId)[0]?.orderStatus).toBe('Cancelled');
  });

  it('when the lookup cannot answer either, it says "outcome unknown" with the orderLinkId', async () => {
    const ex = adapter({ maxRetries: 0 });
    await ex.instrument('linear', 'BTCUSDT');
    const req = limitBuy();
    // Lose the placement, then fail every lookup.
    sim.faults.set({ lostResponses: 1 });
    const pending = ex.placeOrder(req).catch((x: unknown) => x);
    await new Promise((r) => setTimeout(r, 300));
    sim.faults.set({ httpError: { status: 503, count: 50 } });
    const e = await pending;
    expect(e).toBeInstanceOf(OutcomeUnknownError);
    expect((e as OutcomeUnknownError).orderLinkId).toBe(req.orderLinkId);
    expect(atVenue(req.orderLinkId)).toHaveLength(1);
  });
});

describe('permanent', () => {
  it('a wrong secret is an AuthError that halts, and nothing is placed', async () => {
    const ex = adapter({ secret: 'not-the-secret' });
    const good = adapter();
    await good.instrument('linear', 'BTCUSDT');
    const before = sim.state.orders().length;
    const e = await ex.placeOrder(limitBuy()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).kind).toBe('permanent');
    expect((e as AuthError).consequence).toBe('halt');
    expect((e as AuthError).message).not.toContain('not-the-secret');
    expect(sim.state.orders()).toHaveLength(before);
  });

  it('a rejected order (insufficient balance) is permanent and not retried', async () => {
    const ex = adapter();
    const req = { ...limitBuy(), qty: dec('100') };
    const e = await ex.placeOrder(req).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'permanent', code: 110007 });
    expect(atVenue(req.orderLinkId).filter((o) => o.orderStatus !== 'Rejected')).toHaveLength(0);
  });
});
