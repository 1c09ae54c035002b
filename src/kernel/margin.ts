// Isolated-margin arithmetic of a USDT perpetual as Bybit states it: the liquidation price, where the
// mark meets the maintenance margin, and the bankruptcy price a liquidated position is settled at.
import { Decimal, ONE } from '../domain/decimal.js';
import type { Instrument } from '../domain/instrument.js';

/** Bybit's maintenance margin rate of the first risk-limit tier for BTCUSDT and ETHUSDT. */
export const DEFAULT_MMR = new Decimal('0.005');

/** Long: entry × (1 − 1/leverage + MMR); short: entry × (1 + 1/leverage − MMR); to the tick, half up. */
export function liquidationPrice(
  inst: Pick<Instrument, 'tickSize'>,
  long: boolean,
  entry: Decimal,
  leverage: Decimal,
  mmr: Decimal,
): Decimal {
  const inv = ONE.div(leverage);
  const f = long ? ONE.minus(inv).plus(mmr) : ONE.plus(inv).minus(mmr);
  return entry.mul(f).div(inst.tickSize).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).mul(inst.tickSize);
}

/** Long: entry × (1 − 1/leverage); short: entry × (1 + 1/leverage): the whole initial margin is lost there. */
export function bankruptcyPrice(long: boolean, entry: Decimal, leverage: Decimal): Decimal {
  const inv = ONE.div(leverage);
  return entry.mul(long ? ONE.minus(inv) : ONE.plus(inv));
}

/**
 * Funding a position receives at a funding time: −size × mark × rate (a positive rate makes longs pay
 * shorts). Bybit charges it on the position value at the mark price.
 */
export function fundingReceived(size: Decimal, mark: Decimal, rate: Decimal): Decimal {
  return size.mul(mark).mul(rate).neg();
}
