import { describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import type { Instrument } from '../../src/domain/instrument.js';
import { InvalidOrderError } from '../../src/exchange/bybit/errors.js';
import { amendParams, placeParams } from '../../src/exchange/bybit/order-params.js';
import type { PlaceOrderRequest } from '../../src/exchange/port.js';

// Bybit's real linear BTCUSDT filters (CONTRACT.md).
const btc: Instrument = {
  symbol: 'BTCUSDT',
  category: 'linear',
  baseCoin: 'BTC',
  quoteCoin: 'USDT',
  tickSize: dec('0.10'),
  qtyStep: dec('0.001'),
  minOrderQty: dec('0.001'),
  maxOrderQty: dec('1190'),
  maxMarketOrderQty: dec('119'),
  minNotional: dec('5'),
  maxLeverage: dec('100'),
};
const spot: Instrument = { ...btc, category: 'spot', qtyStep: dec('0.000001'), minOrderQty: dec('0.000001') };

const base: PlaceOrderRequest = {
  category: 'linear',
  symbol: 'BTCUSDT',
  side: 'buy',
  type: 'limit',
  qty: dec('0.0129'),
  price: dec('65000.37'),
  orderLinkId: 'intent-1',
};

describe('placeParams', () => {
  it('rounds qty down to the step and a buy price down to the tick, as decimal strings', () => {
    const p = placeParams(btc, base);
    expect(p).toMatchObject({
      qty: '0.012',
      price: '65000.3',
      side: 'Buy',
      orderType: 'Limit',
      timeInForce: 'GTC',
    });
    expect(p.orderLinkId).toBe('intent-1');
  });

  it('rounds a sell price up: never more aggressive than asked', () => {
    expect(placeParams(btc, { ...base, side: 'sell' }).price).toBe('65000.4');
  });

  it('refuses what cannot be made valid, before sending anything', () => {
    const refuse = (r: Partial<PlaceOrderRequest>) => () => placeParams(btc, { ...base, ...r });
    expect(refuse({ qty: dec('0.0009') })).toThrow(InvalidOrderError);
    expect(refuse({ qty: dec('0.001'), price: dec('100') })).toThrow(/below the minimum 5/);
    expect(refuse({ price: dec('0.01') })).toThrow(/rounds to zero/);
    expect(refuse({ price: undefined })).toThrow(/needs a price/);
    expect(refuse({ orderLinkId: 'x'.repeat(37) })).toThrow(/orderLinkId/);
    expect(refuse({ orderLinkId: 'has space' })).toThrow(/orderLinkId/);
    expect(refuse({ type: 'market', price: undefined, qty: dec('120') })).toThrow(/above the maximum 119/);
  });

  it('sends a spot market buy in base units and no linear-only fields', () => {
    const p = placeParams(spot, {
      ...base,
      category: 'spot',
      type: 'market',
      price: undefined,
      reduceOnly: true,
    });
    expect(p).toMatchObject({ category: 'spot', orderType: 'Market', marketUnit: 'baseCoin', qty: '0.0129' });
    expect(p).not.toHaveProperty('reduceOnly');
    expect(p).not.toHaveProperty('positionIdx');
  });

  it('rounds take-profit and stop-loss to the tick and asks for full-position TP/SL', () => {
    const p = placeParams(btc, { ...base, takeProfit: dec('70000.06'), stopLoss: dec('60000.04') });
    expect(p).toMatchObject({ takeProfit: '70000.1', stopLoss: '60000', tpslMode: 'Full', positionIdx: 0 });
  });
});

describe('amendParams', () => {
  it('sends exactly one id and rounded values', () => {
    const p = amendParams(btc, {
      category: 'linear',
      symbol: 'BTCUSDT',
      orderLinkId: 'intent-1',
      price: dec('64000.04'),
      qty: dec('0.0021'),
    });
    expect(p).toEqual({
      category: 'linear',
      symbol: 'BTCUSDT',
      orderLinkId: 'intent-1',
      qty: '0.002',
      price: '64000',
    });
  });

  it('refuses an amend with nothing to change', () => {
    expect(() => amendParams(btc, { category: 'linear', symbol: 'BTCUSDT', orderId: 'o1' })).toThrow(
      /nothing to amend/,
    );
  });
});
