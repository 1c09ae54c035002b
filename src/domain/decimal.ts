// Decimal configured once for all money: 40 significant digits, half-even where we do not choose.
// Every price, quantity, notional, fee and PnL in bosun is a Decimal; parsing refuses floats' surprises.
import { Decimal } from 'decimal.js';

Decimal.set({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -30, toExpPos: 40 });

export { Decimal };
export type DecimalInput = Decimal | string | bigint;

const DECIMAL_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Parse a decimal string (or pass a Decimal through). Numbers are refused: they carry binary rounding. */
export function dec(v: DecimalInput): Decimal {
  if (v instanceof Decimal) return v;
  if (typeof v === 'bigint') return new Decimal(v.toString());
  const s = v.trim();
  if (!DECIMAL_RE.test(s)) throw new TypeError(`not a decimal number: "${v}"`);
  return new Decimal(s);
}

/** Like dec() but returns null instead of throwing; for validating user input. */
export function tryDec(v: string): Decimal | null {
  const s = v.trim();
  return DECIMAL_RE.test(s) ? new Decimal(s) : null;
}

export const ZERO = new Decimal(0);
export const ONE = new Decimal(1);

/** Plain decimal string without exponent, trailing zeros removed (wire and DB form). */
export function toPlain(d: Decimal): string {
  return d.toFixed();
}

export function minDec(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}

export function maxDec(a: Decimal, b: Decimal): Decimal {
  return a.gte(b) ? a : b;
}
