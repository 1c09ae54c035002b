// Exact money for the simulated broker: decimal fixed point in bigint at one scale per run, chosen
// so that every product the broker forms (qty × price × (1 ± spread) × rate) is representable, plus
// small rationals for sizing. Decimal-exact like decimal.js, about ten times faster at fills.
import { dec, type Decimal } from '../domain/decimal.js';

export interface Fx {
  readonly digits: number;
  readonly one: bigint;
  /** 10^digits as a double (exact up to 10^22). */
  readonly pow: number;
}

export function makeFx(digits: number): Fx {
  return { digits, one: 10n ** BigInt(digits), pow: 10 ** digits };
}

/** Scale a decimal to fx units; rounds half-even beyond the scale (only callable commissions can). */
export function fxOf(fx: Fx, d: Decimal): bigint {
  return BigInt(d.toDecimalPlaces(fx.digits).mul(dec(fx.one)).toFixed(0));
}

export function fxOfTicks(fx: Fx, ticks: number, tickDigits: number): bigint {
  return BigInt(ticks) * 10n ** BigInt(fx.digits - tickDigits);
}

/** a × b for fx values; exact whenever the true product has at most `digits` decimals. */
export function fxMul(fx: Fx, a: bigint, b: bigint): bigint {
  return (a * b) / fx.one;
}

/** Plain decimal string of an fx value, without trailing zeros. */
export function fxString(fx: Fx, v: bigint): string {
  const neg = v < 0n;
  let s = (neg ? -v : v).toString();
  if (fx.digits > 0) {
    s = s.padStart(fx.digits + 1, '0');
    const int = s.slice(0, s.length - fx.digits);
    const frac = s.slice(s.length - fx.digits).replace(/0+$/, '');
    s = frac ? `${int}.${frac}` : int;
  }
  return neg && s !== '0' ? `-${s}` : s;
}

export function fxDecimal(fx: Fx, v: bigint): Decimal {
  return dec(fxString(fx, v));
}

/**
 * float64 of an fx value, for statistics and charts only. When v is below 2^53 (every price) the
 * division of two exact doubles rounds once, giving the double nearest the decimal, as Python's float().
 */
export function fxNumber(fx: Fx, v: bigint): number {
  return Number(v) / fx.pow;
}

/** A non-negative rational n/d (d > 0), for sizing divisions that must not round. */
export interface Ratio {
  readonly n: bigint;
  readonly d: bigint;
}

export const ratio = (n: bigint, d: bigint = 1n): Ratio => ({ n, d });
export const rFx = (fx: Fx, v: bigint): Ratio => ({ n: v, d: fx.one });
export const rAdd = (a: Ratio, b: Ratio): Ratio => ({ n: a.n * b.d + b.n * a.d, d: a.d * b.d });
export const rSub = (a: Ratio, b: Ratio): Ratio => ({ n: a.n * b.d - b.n * a.d, d: a.d * b.d });
export const rMul = (a: Ratio, b: Ratio): Ratio => ({ n: a.n * b.n, d: a.d * b.d });
export const rDiv = (a: Ratio, b: Ratio): Ratio => ({ n: a.n * b.d, d: a.d * b.n });

/** floor(a) for a ≥ 0; 0 for negative values (nothing to buy). */
export function rFloor(a: Ratio): bigint {
  if (a.n <= 0n || a.d <= 0n) return 0n;
  return a.n / a.d;
}

/** Exact rational of a decimal. */
export function rDec(d: Decimal): Ratio {
  const places = d.decimalPlaces();
  const scale = 10n ** BigInt(places);
  return { n: BigInt(d.mul(dec(scale)).toFixed(0)), d: scale };
}
