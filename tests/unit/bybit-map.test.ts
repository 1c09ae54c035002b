import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../src/exchange/bybit/errors.js';
import { toFillReport, toInstrument, toOrderReport, toPositionReport } from '../../src/exchange/bybit/map.js';

const order = {
  orderId: 'o-1',
  orderLinkId: 'intent-1',
  symbol: 'BTCUSDT',
  side: 'Sell',
  orderType: 'Limit',
  orderStatus: 'PartiallyFilledCanceled',
  price: '65000.5',
  qty: '0.010',
  cumExecQty: '0.004',
  leavesQty: '0',
  avgPrice: '65000.5',
  cumExecFee: '0.0143',
  timeInForce: 'PostOnly',
  reduceOnly: false,
  triggerPrice: '',
  takeProfit: '0',
  stopLoss: '',
  rejectReason: 'EC_NoError',
  cancelType: 'CancelByUser',
  createdTime: '1732000000000',
  updatedTime: '1732000001000',
};

describe('wire → domain', () => {
  it('maps an order with Decimal money and domain enums', () => {
    const o = toOrderReport('linear', order);
    expect(o.status).toBe('cancelled');
    expect(o.filledQty.toFixed()).toBe('0.004');
    expect(o.price?.toFixed()).toBe('65000.5');
    expect(o.side).toBe('sell');
    expect(o.timeInForce).toBe('post-only');
    expect(o.takeProfit).toBeNull();
    expect(o.triggerPrice).toBeNull();
    expect(o.reason).toBe('CancelByUser');
    expect(o.createdAt).toBe(1_732_000_000_000);
  });

  it('rejects a payload of the wrong shape with a message naming the field, not its value', () => {
    const e = (() => {
      try {
        toOrderReport('linear', { ...order, qty: 0.01 });
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(PermanentError);
    expect((e as Error).message).toContain('qty');
    expect(() => toOrderReport('linear', { ...order, orderStatus: 'Exploded' })).toThrow(
      /unknown order status/,
    );
  });

  it("keeps an execution's venue sequence (int or string form) so fills of one millisecond fold in order", () => {
    const exec = {
      execId: 'e-1',
      orderId: 'o-1',
      orderLinkId: 'intent-1',
      symbol: 'BTCUSDT',
      side: 'Sell',
      execPrice: '65000.5',
      execQty: '0.004',
      execFee: '0.0143',
      feeCurrency: 'USDT',
      execType: 'Trade',
      execTime: '1732000001000',
    };
    expect(toFillReport('linear', { ...exec, seq: 4688002127 }).seq).toBe(4688002127);
    expect(toFillReport('linear', { ...exec, seq: '4688002128' }).seq).toBe(4688002128);
    expect(toFillReport('linear', exec).seq).toBeUndefined();
    expect(() => toFillReport('linear', { ...exec, seq: 'x' })).toThrow(/seq/);
  });

  it('a zero-size position is flat whatever side the venue reports', () => {
    const p = toPositionReport(
      'linear',
      { symbol: 'BTCUSDT', side: 'Buy', size: '0', avgPrice: '0', positionIdx: 0, updatedTime: '5' },
      9,
    );
    expect(p.side).toBe('flat');
    expect(p.updatedAt).toBe(5);
  });

  it('spot instruments use basePrecision as the step and minOrderAmt as the minimum notional', () => {
    const i = toInstrument('spot', {
      symbol: 'BTCUSDT',
      baseCoin: 'BTC',
      quoteCoin: 'USDT',
      lotSizeFilter: {
        basePrecision: '0.000001',
        minOrderQty: '0.000048',
        maxOrderQty: '71',
        minOrderAmt: '1',
      },
      priceFilter: { tickSize: '0.01' },
    });
    expect(i.qtyStep.toFixed()).toBe('0.000001');
    expect(i.minOrderQty.toFixed()).toBe('0.000001');
    expect(i.minNotional.toFixed()).toBe('1');
    expect(i.maxLeverage.toFixed()).toBe('1');
  });
});
