// Instrument filters for order entry, with the codes Bybit answers: linear 10001 for price/qty off the
// filters, spot 170134/170137 for too many decimals; TP/SL levels must sit on the right side of the price.
import { type Decimal, ZERO } from '../../domain/decimal.js';
import { isOnStep } from '../../domain/instrument.js';
import { RET, fail } from './errors.js';
import type { SimInstrument } from './instruments.js';
import type { Params } from './params.js';

export function checkPrice(inst: SimInstrument, price: Decimal, what: string): void {
  const spot = inst.category === 'spot';
  if (price.lte(ZERO) || price.lt(inst.minPrice) || price.gt(inst.maxPrice)) {
    fail(spot ? RET.spotBadParam : RET.paramError, `${what} out of the permissible range`);
  }
  if (!isOnStep(price, inst.tickSize)) {
    fail(
      spot ? RET.spotPriceDecimals : RET.paramError,
      spot ? 'Order price has too many decimals.' : `${what} invalid`,
    );
  }
}

export function checkQty(inst: SimInstrument, qty: Decimal, market: boolean, quoteSized: boolean): void {
  const spot = inst.category === 'spot';
  if (qty.lte(ZERO)) fail(spot ? RET.spotBadParam : RET.paramError, 'Qty invalid');
  if (quoteSized) {
    if (!isOnStep(qty, inst.quotePrecision))
      fail(RET.spotQtyDecimals, 'Order quantity has too many decimals.');
    return;
  }
  if (!isOnStep(qty, inst.qtyStep)) {
    fail(
      spot ? RET.spotQtyDecimals : RET.paramError,
      spot ? 'Order quantity has too many decimals.' : 'Qty invalid',
    );
  }
  if (!spot && qty.lt(inst.minOrderQty))
    fail(RET.paramError, 'The number of contracts exceeds minimum limit allowed');
  const max = market ? inst.maxMarketOrderQty : inst.maxOrderQty;
  if (qty.gt(max)) {
    fail(spot ? RET.spotBadParam : RET.paramError, 'The number of contracts exceeds maximum limit allowed');
  }
}

export function tpslFor(p: Params, inst: SimInstrument, side: 'Buy' | 'Sell', ref: Decimal) {
  const takeProfit = p.dec('takeProfit') ?? null;
  const stopLoss = p.dec('stopLoss') ?? null;
  if (!takeProfit && !stopLoss) return { takeProfit: null, stopLoss: null };
  if (inst.category !== 'linear')
    fail(RET.spotBadParam, 'takeProfit/stopLoss on create: linear only in the simulator');
  const up = side === 'Buy';
  if (takeProfit && (takeProfit.isZero() ? false : up ? takeProfit.lte(ref) : takeProfit.gte(ref))) {
    fail(
      RET.paramError,
      `TakeProfit:${takeProfit.toFixed()} set for ${side} position should be ${up ? 'higher' : 'lower'} than base_price:${ref.toFixed()}??LastPrice`,
    );
  }
  if (stopLoss && (stopLoss.isZero() ? false : up ? stopLoss.gte(ref) : stopLoss.lte(ref))) {
    fail(
      RET.paramError,
      `StopLoss:${stopLoss.toFixed()} set for ${side} position should be ${up ? 'lower' : 'higher'} than base_price:${ref.toFixed()}??LastPrice`,
    );
  }
  if (takeProfit) checkPrice(inst, takeProfit, 'takeProfit');
  if (stopLoss) checkPrice(inst, stopLoss, 'stopLoss');
  return {
    takeProfit: takeProfit?.isZero() ? null : takeProfit,
    stopLoss: stopLoss?.isZero() ? null : stopLoss,
  };
}
