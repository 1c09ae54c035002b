// Number and time formatting for command output: Decimal in, display string out (no markup).
import type { Decimal } from '../../domain/decimal.js';

function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Money with thousands separators and a fixed number of decimals: 12,345.67. */
export function fmtMoney(d: Decimal, dp = 2): string {
  const s = d.toFixed(dp);
  const neg = s.startsWith('-');
  const [i, f] = (neg ? s.slice(1) : s).split('.');
  const out = `${group(i ?? '0')}${f !== undefined ? `.${f}` : ''}`;
  return neg && !/^[0.,]+$/.test(out) ? `-${out}` : out;
}

/** Money with an explicit sign: +12.30 / -4.00. */
export function fmtSigned(d: Decimal, dp = 2): string {
  const s = fmtMoney(d, dp);
  return s.startsWith('-') || /^[0.,]+$/.test(s) ? s : `+${s}`;
}

/** Coins whose amounts read as money, to the cent. */
const CENT_COINS = /^(USDT|USDC|USD|DAI|FDUSD)$/;

/**
 * An amount of `coin` at that coin's precision: stablecoins to the cent (15.35, never 15.34663405), other
 * coins to 8 decimals without trailing zeros (0.00012 BTC is not 0.00).
 */
export function fmtCoin(d: Decimal, coin: string): string {
  return CENT_COINS.test(coin) ? fmtMoney(d) : fmtPrice(d, 8);
}

/** A signed fmtCoin: +15.35 / -0.0001 BTC amounts. */
export function fmtCoinSigned(d: Decimal, coin: string): string {
  if (CENT_COINS.test(coin)) return fmtSigned(d);
  const s = fmtPrice(d, 8);
  return d.toDecimalPlaces(8).gt(0) ? `+${s}` : s;
}

/** Quantities and prices exactly as stored, without trailing zeros or exponent. */
export function fmtQty(d: Decimal): string {
  return d.toFixed();
}

/** A price with at most `maxDp` decimals (trailing zeros trimmed) and separators. */
export function fmtPrice(d: Decimal, maxDp = 8): string {
  const s = d.toDecimalPlaces(maxDp).toFixed();
  const [i, f] = s.split('.');
  const neg = (i ?? '').startsWith('-');
  const body = group((i ?? '0').replace('-', ''));
  return `${neg ? '-' : ''}${body}${f ? `.${f}` : ''}`;
}

export function fmtPct(d: Decimal, dp = 2): string {
  return `${d.toFixed(dp)}%`;
}

/** "3m 20s", "2h 5m", "4d 1h": for ages and countdowns. */
export function fmtDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** UTC "2024-03-01 14:05" (operators across time zones read the same thing). */
export function fmtTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

export function fmtDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
