// Numbers in risk messages: thousands separators, no exponent, trailing zeros dropped ("26,000", "0.5").
import { Decimal } from '../domain/decimal.js';

/**
 * `dp` rounds for display (ratios, percentages). `away` rounds away from zero: a measured value shown
 * next to the limit it breaks never rounds down onto the limit ("3.01x", not "3x", over a 3x limit).
 */
export function fmt(d: Decimal, dp?: number, away = false): string {
  const v = dp === undefined ? d : d.toDecimalPlaces(dp, away ? Decimal.ROUND_UP : Decimal.ROUND_HALF_UP);
  const [int = '0', frac] = v.abs().toFixed().split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${v.isNegative() && !v.isZero() ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

/** Percent with up to two decimals: "2.5%". */
export function pct(d: Decimal, away = false): string {
  return `${fmt(d, 2, away)}%`;
}
