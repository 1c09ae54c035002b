// Candles for the simulator's price path: loading CSV / JSON files and Bybit kline interval arithmetic.
// CSV: `timestamp,open,high,low,close,volume` (ms, s or date text), backtesting.py (`,Open,High,...`), and files
// with a banner line or descending rows. JSON: `[[ts,o,h,l,c,v],...]`, Bybit kline lists, or objects.
import { readFileSync } from 'node:fs';
import { dec, type Decimal } from '../../domain/decimal.js';

export interface Candle {
  /** Start of the bar, ms epoch. */
  start: number;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: Decimal;
}

export const INTERVALS = [
  '1',
  '3',
  '5',
  '15',
  '30',
  '60',
  '120',
  '240',
  '360',
  '720',
  'D',
  'W',
  'M',
] as const;
export type Interval = (typeof INTERVALS)[number];

const MIN = 60_000;
const DAY = 86_400_000;
/** 1970-01-05 was a Monday: Bybit weekly bars start on Mondays. */
const MONDAY_OFFSET = 4 * DAY;

export function isInterval(v: string): v is Interval {
  return (INTERVALS as readonly string[]).includes(v);
}

/** Nominal length; months use 31 days only where a bound is needed. */
export function intervalMs(i: Interval): number {
  if (i === 'D') return DAY;
  if (i === 'W') return 7 * DAY;
  if (i === 'M') return 31 * DAY;
  return Number(i) * MIN;
}

export function bucketStart(i: Interval, t: number): number {
  if (i === 'M') {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  if (i === 'W') return Math.floor((t - MONDAY_OFFSET) / (7 * DAY)) * 7 * DAY + MONDAY_OFFSET;
  const ms = intervalMs(i);
  return Math.floor(t / ms) * ms;
}

export function bucketEnd(i: Interval, start: number): number {
  if (i === 'M') {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return start + intervalMs(i);
}

export interface CandleFile {
  candles: Candle[];
  /** The most common spacing between bars: the replay's base interval. */
  baseMs: number;
}

export function loadCandleFile(path: string): CandleFile {
  return parseCandles(readFileSync(path, 'utf8'), path);
}

export function parseCandles(text: string, name = 'data'): CandleFile {
  const trimmed = text.trimStart();
  const rows =
    trimmed.startsWith('[') || trimmed.startsWith('{') ? parseJson(trimmed, name) : parseCsv(text, name);
  if (rows.length === 0) throw new Error(`${name}: no candles found`);
  rows.sort((a, b) => a.start - b.start);
  const candles: Candle[] = [];
  for (const c of rows) {
    const prev = candles[candles.length - 1];
    if (prev && prev.start === c.start) continue;
    candles.push(c);
  }
  return { candles, baseMs: modeSpacing(candles) };
}

function modeSpacing(candles: Candle[]): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < candles.length; i++) {
    const d = (candles[i]?.start ?? 0) - (candles[i - 1]?.start ?? 0);
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = MIN;
  let bestN = 0;
  for (const [d, n] of counts) if (n > bestN) [best, bestN] = [d, n];
  return best;
}

function num(v: unknown, what: string): Decimal {
  if (typeof v === 'number') return dec(String(v));
  if (typeof v === 'string') return dec(v);
  throw new Error(`${what}: not a number: ${JSON.stringify(v)}`);
}

/** Epoch numbers below 1e11 are seconds (1e11 s is the year 5138). */
function epochMs(n: number): number {
  return n < 1e11 ? n * 1000 : n;
}

const DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2})(?::(\d{2}))?(?::(\d{2})(?:\.(\d+))?)?(?:-(AM|PM))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export function parseTime(raw: string): number | null {
  const s = raw.trim().replace(/^"|"$/g, '');
  if (/^\d+(\.\d+)?$/.test(s)) return epochMs(Math.floor(Number(s)));
  const m = DATE_RE.exec(s);
  if (!m) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : t;
  }
  let hour = Number(m[4] ?? 0);
  const ampm = m[8]?.toUpperCase();
  if (ampm === 'PM' && hour < 12) hour += 12;
  if (ampm === 'AM' && hour === 12) hour = 0;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  let t = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    hour,
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    ms,
  );
  const tz = m[9];
  if (tz && tz.toUpperCase() !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * MIN;
  }
  return t;
}

function parseCsv(text: string, name: string): Candle[] {
  const lines = text.split(/\r?\n/);
  let headerAt = -1;
  let cols: string[] = [];
  for (let i = 0; i < Math.min(lines.length, 5); i++) {
    const c = (lines[i] ?? '').split(',').map((x) => x.trim().replace(/^"|"$/g, '').toLowerCase());
    if (c.includes('open') && c.includes('close')) {
      headerAt = i;
      cols = c;
      break;
    }
  }
  if (headerAt < 0) throw new Error(`${name}: no header with open/high/low/close columns in the first lines`);
  const named = (n: string): number => cols.indexOf(n);
  let timeCol =
    ['timestamp', 'time', 'date', 'datetime', 'open_time', 'start'].map(named).find((i) => i >= 0) ?? 0;
  if (timeCol < 0) timeCol = 0;
  const [o, h, l, c] = ['open', 'high', 'low', 'close'].map(named) as [number, number, number, number];
  const v = ['volume', 'vol'].map(named).find((i) => i >= 0) ?? -1;
  if (h < 0 || l < 0) throw new Error(`${name}: header needs open, high, low and close`);
  const out: Candle[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const f = line.split(',');
    const start = parseTime(f[timeCol] ?? '');
    if (start === null) throw new Error(`${name}:${i + 1}: cannot read the time "${f[timeCol] ?? ''}"`);
    const at = `${name}:${i + 1}`;
    out.push({
      start,
      open: num(f[o]?.trim(), at),
      high: num(f[h]?.trim(), at),
      low: num(f[l]?.trim(), at),
      close: num(f[c]?.trim(), at),
      volume: v >= 0 && (f[v] ?? '').trim() !== '' ? num(f[v]?.trim(), at) : dec('0'),
    });
  }
  return out;
}

function parseJson(text: string, name: string): Candle[] {
  let data: unknown = JSON.parse(text);
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const result = (data as { result?: { list?: unknown } }).result;
    data = result?.list ?? (data as { list?: unknown }).list;
  }
  if (!Array.isArray(data)) throw new Error(`${name}: expected a JSON array of candles`);
  return data.map((row: unknown, i) => {
    const at = `${name}[${i}]`;
    if (Array.isArray(row)) {
      const t = parseTime(String(row[0]));
      if (t === null) throw new Error(`${at}: bad time`);
      return {
        start: t,
        open: num(row[1], at),
        high: num(row[2], at),
        low: num(row[3], at),
        close: num(row[4], at),
        volume: row[5] === undefined ? dec('0') : num(row[5], at),
      };
    }
    if (row && typeof row === 'object') {
      const r = row as Record<string, unknown>;
      const tRaw = r['timestamp'] ?? r['start'] ?? r['time'] ?? r['date'] ?? r['t'];
      const t = parseTime(String(tRaw));
      if (t === null) throw new Error(`${at}: bad time`);
      return {
        start: t,
        open: num(r['open'] ?? r['o'], at),
        high: num(r['high'] ?? r['h'], at),
        low: num(r['low'] ?? r['l'], at),
        close: num(r['close'] ?? r['c'], at),
        volume: r['volume'] === undefined && r['v'] === undefined ? dec('0') : num(r['volume'] ?? r['v'], at),
      };
    }
    throw new Error(`${at}: not a candle`);
  });
}
