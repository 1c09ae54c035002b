// Cell-level parsing shared by the CSV and JSON readers: timestamps and decimal numbers, with errors
// that name the row and the column. Hand-rolled scanners: parsing, not the bar loop, dominates big files.
import { CandleDataError } from './candles.js';

const DATETIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/;
// CryptoDataDownload's hourly stamps: "2019-10-17 09-AM".
const CDD_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2})-(AM|PM)$/;
const INT_RE = /^\d{9,16}$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Where a cell is, for error messages; parsers reuse one object per file rather than allocate per cell. */
export interface CellRef {
  what: string;
  /** 1-based data row (the header is not counted). */
  row: number;
  column: string;
}

export function cellError(ref: CellRef, value: string, expected: string): CandleDataError {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return new CandleDataError(
    `${ref.what}: row ${ref.row}, column ${ref.column}: "${shown}" is not ${expected}`,
  );
}

function digitsAt(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

function utc(y: number, mo: number, d: number, h: number, mi: number, sec: number, ms: number): number {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = mo === 2 && !leap ? 28 : (DAYS_IN_MONTH[mo - 1] ?? 0);
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= dim && h < 24 && mi < 60 && sec < 61)) return NaN;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

/** "YYYY-MM-DD" and "YYYY-MM-DD HH:MM[:SS[.ffffff]]" without a zone: the common case, scanned by hand. */
function plainStamp(s: string): number {
  const n = s.length;
  if (n < 10 || s[4] !== '-' || s[7] !== '-') return NaN;
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 2);
  const d = digitsAt(s, 8, 2);
  if (n === 10) return utc(y, mo, d, 0, 0, 0, 0);
  if ((s[10] !== ' ' && s[10] !== 'T') || s[13] !== ':' || n < 16) return NaN;
  const h = digitsAt(s, 11, 2);
  const mi = digitsAt(s, 14, 2);
  if (n === 16) return utc(y, mo, d, h, mi, 0, 0);
  if (s[16] !== ':' || n < 19) return NaN;
  const sec = digitsAt(s, 17, 2);
  let ms = 0;
  if (n > 19) {
    if (s[19] !== '.' || n === 20) return NaN;
    const frac = digitsAt(s, 20, n - 20);
    // Sub-millisecond digits are dropped (pandas keeps ns; bosun keeps ms).
    ms = Math.floor(frac / 10 ** Math.max(0, n - 23)) * 10 ** Math.max(0, 23 - n);
  }
  return utc(y, mo, d, h, mi, sec, ms);
}

/** ms since the epoch from a date, date-time (UTC unless an offset is given), or epoch s/ms integer. */
export function parseTime(raw: string, ref: CellRef): number {
  const s = raw.trim();
  let t = plainStamp(s);
  if (!Number.isNaN(t)) return t;
  let m = DATETIME_RE.exec(s);
  if (m && m[8]) {
    t = plainStamp(s.slice(0, s.length - m[8].length));
    const tz = m[8];
    if (tz !== 'Z' && !Number.isNaN(t)) {
      const sign = tz[0] === '-' ? -1 : 1;
      t -= sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(-2))) * 60_000;
    }
  } else if ((m = CDD_RE.exec(s))) {
    const h12 = Number(m[4]) % 12;
    t = utc(Number(m[1]), Number(m[2]), Number(m[3]), m[5] === 'PM' ? h12 + 12 : h12, 0, 0, 0);
  } else if (INT_RE.test(s)) {
    const v = Number(s);
    // Below 1e11 it can only be seconds (1e11 ms is 1973, 1e11 s is the year 5138).
    t = v < 1e11 ? v * 1000 : v;
  }
  if (Number.isNaN(t)) {
    throw cellError(ref, s, 'a timestamp (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS[.ffffff], or epoch seconds/ms)');
  }
  return t;
}

/**
 * Scan a decimal number ([+-]digits[.digits][e[+-]digits]); returns its decimal places, or -1 if the
 * text is not such a number.
 */
export function scanDecimal(s: string): number {
  const n = s.length;
  let i = 0;
  if (s[0] === '+' || s[0] === '-') i++;
  const intFrom = i;
  while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  const int = i - intFrom;
  let frac = 0;
  if (s[i] === '.') {
    const fracFrom = ++i;
    while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    frac = i - fracFrom;
  }
  if (int + frac === 0) return -1;
  let exp = 0;
  if (s[i] === 'e' || s[i] === 'E') {
    i++;
    let sign = 1;
    if (s[i] === '+' || s[i] === '-') sign = s[i++] === '-' ? -1 : 1;
    const from = i;
    while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) exp = exp * 10 + (s.charCodeAt(i++) - 48);
    if (i === from) return -1;
    exp *= sign;
  }
  return i === n ? Math.max(0, frac - exp) : -1;
}

/** A finite decimal number. */
export function parseNumber(raw: string, ref: CellRef): number {
  const s = raw.trim();
  if (scanDecimal(s) < 0) throw cellError(ref, s, 'a number');
  return Number(s);
}

/** A price: a positive decimal number; widens `decimals.max` to cover it. */
export function parsePrice(raw: string, ref: CellRef, decimals: { max: number }): number {
  const s = raw.length && raw.charCodeAt(0) > 32 && raw.charCodeAt(raw.length - 1) > 32 ? raw : raw.trim();
  const d = scanDecimal(s);
  if (d < 0) throw cellError(ref, s, 'a number');
  const v = Number(s);
  if (!(v > 0)) throw cellError(ref, s, 'a positive price');
  if (d > decimals.max) decimals.max = d;
  return v;
}
