// CSV text helpers shared by the export formats: RFC 4180 quoting, plain decimals, UTC dates.
import type { Decimal } from '../domain/decimal.js';

export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}

/** Plain decimal string, never an exponent (toFixed without places prints every digit). */
export function num(d: Decimal | null | undefined): string {
  return d ? d.toFixed() : '';
}

/** `YYYY-MM-DD HH:mm:ss UTC`, the form Koinly reads unambiguously. */
export function utcDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
