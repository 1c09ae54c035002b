// Contract: wallet, positions, leverage and exchange-side TP/SL through the ExchangePort (bybit → simulator).
import { orderLinkIdFor } from '../../src/domain/ids.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { InvalidOrderError } from '../../src/exchange/bybit/index.js';
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

describe('ExchangePort account (bybit adapter → simulator)', () => {
  it('reads the UNIFIED wallet as Decimals', async () => {
    const b = await ex.walletBalance();
    expect(b.accountType).toBe('UNIFIED');
    expect(b.totalEquity.toFixed()).toBe('100000');
    expect(b.coins.find((c) => c.coin === 'USDT')?.walletBalance.toFixed()).toBe('100000');
  });

  it('sets leverage; setting the same value again is "not modified", which is success', async () => {
    expect(await ex.setLeverage('ETHUSDT', dec('5'))).toEqual({ changed: true });
    expect(await ex.setLeverage('ETHUSDT', dec('5'))).toEqual({ changed: false });
    const [pos] = await ex.positions({ symbol: 'ETHUSDT' });
    expect(pos?.leverage?.toFixed()).toBe('5');
    await expect(ex.setLeverage('ETHUSDT', dec('1000'))).rejects.toBeInstanceOf(InvalidOrderError);
  });

  it('sets an exchange-side stop-loss that the venue then triggers', async () => {
    sim.market.setPrice('BTCUSDT', '60000');
    await ex.placeOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: dec('0.01'),
      orderLinkId: orderLinkIdFor('tpslentry', 1),
    });
    // 58800.04 rounds to the 0.1 tick.
    expect(
      await ex.setTradingStop({
        category: 'linear',
        symbol: 'BTCUSDT',
        stopLoss: dec('58800.04'),
        takeProfit: dec('63000'),
      }),
    ).toEqual({
      changed: true,
    });
    expect(
      await ex.setTradingStop({ category: 'linear', symbol: 'BTCUSDT', stopLoss: dec('58800') }),
    ).toEqual({
      changed: false,
    });
    const [armed] = await ex.positions({ symbol: 'BTCUSDT' });
    expect(armed?.side).toBe('long');
    expect(armed?.stopLoss?.toFixed()).toBe('58800');
    expect(armed?.takeProfit?.toFixed()).toBe('63000');

    sim.market.setPrice('BTCUSDT', '58700');
    const [after] = await ex.positions({ symbol: 'BTCUSDT' });
    expect(after?.side).toBe('flat');
    const fills = await ex.executions({ category: 'linear', symbol: 'BTCUSDT' });
    const closing = fills.filter((f) => f.side === 'sell');
    expect(closing.reduce((s, f) => s.add(f.qty), dec('0')).toFixed()).toBe('0.01');
  });

  it('refuses a trading-stop with nothing to set', async () => {
    await expect(ex.setTradingStop({ category: 'linear', symbol: 'BTCUSDT' })).rejects.toBeInstanceOf(
      InvalidOrderError,
    );
  });

  it('lists open positions by settle coin', async () => {
    sim.market.setPrice('ETHUSDT', '3000');
    await ex.placeOrder({
      category: 'linear',
      symbol: 'ETHUSDT',
      side: 'sell',
      type: 'market',
      qty: dec('0.1'),
      orderLinkId: orderLinkIdFor('shorteth', 1),
    });
    const positions = await ex.positions();
    const eth = positions.find((p) => p.symbol === 'ETHUSDT');
    expect(eth?.side).toBe('short');
    expect(eth?.size.toFixed()).toBe('0.1');
  });
});
