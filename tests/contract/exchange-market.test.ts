// Contract: market data through the ExchangePort (the Bybit adapter over bybit-api, against the simulator).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError } from '../../src/exchange/bybit/index.js';
import type { ExchangePort } from '../../src/exchange/port.js';
import type { SimHandle } from '../../src/exchange/sim/index.js';
import { startSimExchange, type SimExchange } from '../helpers/sim-exchange.js';

let sim: SimHandle;
let ex: ExchangePort;

let env: SimExchange;

beforeAll(async () => {
  env = await startSimExchange();
  ({ sim, ex } = env);
});
afterAll(async () => {
  await env.close();
});

describe('ExchangePort market data (bybit adapter → simulator)', () => {
  it('reads the server time', async () => {
    expect(Math.abs((await ex.serverTime()) - Date.now())).toBeLessThan(2_000);
  });

  it('maps instruments to domain Instruments with the venue filters', async () => {
    const linear = await ex.instruments('linear');
    expect(linear.map((i) => i.symbol)).toEqual(expect.arrayContaining(['BTCUSDT', 'ETHUSDT']));
    const btc = await ex.instrument('linear', 'BTCUSDT');
    expect(btc.tickSize.toFixed()).toBe('0.1');
    expect(btc.qtyStep.toFixed()).toBe('0.001');
    expect(btc.minOrderQty.toFixed()).toBe('0.001');
    expect(btc.minNotional.toFixed()).toBe('5');
    const spot = await ex.instrument('spot', 'BTCUSDT');
    expect(spot.category).toBe('spot');
    expect(spot.minNotional.gt(0)).toBe(true);
  });

  it('refuses an instrument the venue does not list', async () => {
    await expect(ex.instrument('linear', 'NOPEUSDT')).rejects.toBeInstanceOf(PermanentError);
  });

  it('returns klines oldest first across pages, without gaps or duplicates', async () => {
    const candles = await ex.klines({ category: 'linear', symbol: 'BTCUSDT', interval: '1', limit: 1200 });
    expect(candles).toHaveLength(1200);
    for (let i = 1; i < candles.length; i++) expect(candles[i]!.start - candles[i - 1]!.start).toBe(60_000);
    for (const c of candles) {
      expect(c.high.gte(c.low)).toBe(true);
      expect(c.high.gte(c.open) && c.high.gte(c.close)).toBe(true);
    }
    // A start/end window over the same span gives the same bars.
    const start = candles[100]!.start;
    const end = candles[1150]!.start;
    const window = await ex.klines({ category: 'linear', symbol: 'BTCUSDT', interval: '1', start, end });
    expect(window).toHaveLength(1051);
    expect(window[0]!.start).toBe(start);
    expect(window.at(-1)!.start).toBe(end);
    expect(window[500]!.close.toFixed()).toBe(candles[600]!.close.toFixed());
  });

  it('reads tickers at the venue price', async () => {
    sim.market.setPrice('BTCUSDT', '65432.1');
    const [t] = await ex.tickers('linear', 'BTCUSDT');
    expect(t!.symbol).toBe('BTCUSDT');
    expect(t!.lastPrice.toFixed()).toBe('65432.1');
    expect(t!.bidPrice!.lte(t!.askPrice!)).toBe(true);
    const all = await ex.tickers('spot');
    expect(all.map((x) => x.symbol)).toEqual(expect.arrayContaining(['BTCUSDT', 'ETHUSDT']));
  });
});
