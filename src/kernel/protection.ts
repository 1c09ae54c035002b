// Protection prices for a book: stop-loss, take-profit and trailing stop, from a price or a percentage
// of the entry, rounded to the tick on the side that never adds risk. Pure arithmetic.
import { Decimal } from '../domain/decimal.js';
import { roundPrice, type Instrument } from '../domain/instrument.js';
import type { PriceSpec, TrailingSpec } from '../sdk/types.js';

function asDecimal(v: number | Decimal): Decimal {
  return v instanceof Decimal ? v : new Decimal(String(v));
}

/** `price` moved by `pct` percent up (sign 1) or down (sign -1), in decimal arithmetic. */
function moved(price: Decimal, sign: 1 | -1, pct: number): Decimal {
  return price.mul(asDecimal(pct).mul(sign).plus(100)).div(100);
}

/** A stop `spec` for a position long (`long`) from `entry`: below a long, above a short. */
export function stopPrice(inst: Instrument, long: boolean, entry: Decimal, spec: PriceSpec): Decimal {
  const raw = 'price' in spec ? asDecimal(spec.price) : moved(entry, long ? -1 : 1, spec.pct);
  // A long's stop rounds up (closer, never a bigger loss than asked); a short's rounds down.
  return roundPrice(inst, raw, long ? 'up' : 'down');
}

export function takeProfitPrice(inst: Instrument, long: boolean, entry: Decimal, spec: PriceSpec): Decimal {
  const raw = 'price' in spec ? asDecimal(spec.price) : moved(entry, long ? 1 : -1, spec.pct);
  return roundPrice(inst, raw, long ? 'down' : 'up');
}

/** A limit price `spec` for an order on `buy`: pct is that far on the favourable side of the close. */
export function limitPrice(inst: Instrument, buy: boolean, close: Decimal, spec: PriceSpec): Decimal {
  const raw = 'price' in spec ? asDecimal(spec.price) : moved(close, buy ? -1 : 1, spec.pct);
  return roundPrice(inst, raw, buy ? 'down' : 'up');
}

/**
 * Where a trailing stop stands after the best close `best` since entry; null while not yet activated
 * (activatePct: the price must first move that far in favour of the position).
 */
export function trailingStop(
  inst: Instrument,
  long: boolean,
  entry: Decimal,
  best: Decimal,
  spec: TrailingSpec,
): Decimal | null {
  if (spec.activatePct !== undefined) {
    const moved = best
      .minus(entry)
      .div(entry)
      .mul(long ? 100 : -100);
    if (moved.lt(spec.activatePct)) return null;
  }
  const dist = 'pct' in spec ? best.mul(asDecimal(spec.pct)).div(100) : asDecimal(spec.distance);
  return roundPrice(inst, long ? best.minus(dist) : best.plus(dist), long ? 'up' : 'down');
}

/** The tighter of two stops for a position (the higher for a long); null ignored. */
export function tighter(long: boolean, a: Decimal | null, b: Decimal | null): Decimal | null {
  if (a === null) return b;
  if (b === null) return a;
  return long ? Decimal.max(a, b) : Decimal.min(a, b);
}
