// JSON candles: Bybit kline arrays (`[start, open, high, low, close, volume, turnover]` strings,
// newest first, bare or inside the /v5/market/kline response), freqtrade's
// `[ms, open, high, low, close, volume]` numbers, or objects with open/high/low/close keys.
import { CandleDataError, checkDecimals, SeriesBuilder, type CandleSeries } from './candles.js';
import { parseNumber, parsePrice, parseTime, type CellRef } from './data-cells.js';

const FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
const TIME_KEYS = ['openTime', 'open_time', 'timestamp', 'time', 'start', 'date', 't'];
const SHAPES =
  'an array of [start, open, high, low, close, volume, …] rows (Bybit, freqtrade) or of {timestamp, open, high, low, close, volume} objects';

function cellText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return JSON.stringify(v) ?? 'undefined';
}

function rowsOf(doc: unknown): unknown[] | null {
  if (Array.isArray(doc)) return doc;
  if (doc && typeof doc === 'object') {
    const o = doc as Record<string, unknown>;
    if (Array.isArray(o.list)) return o.list;
    const r = o.result;
    if (r && typeof r === 'object' && Array.isArray((r as Record<string, unknown>).list)) {
      return (r as Record<string, unknown>).list as unknown[];
    }
  }
  return null;
}

function cells(row: unknown, i: number, what: string): string[] {
  if (Array.isArray(row)) {
    if (row.length < 5) {
      throw new CandleDataError(
        `${what}: row ${i + 1} has ${row.length} fields; expected at least 5 (${FIELDS.join(', ')})`,
      );
    }
    return [0, 1, 2, 3, 4, 5].map((k) => (k < row.length ? cellText(row[k]) : '0'));
  }
  if (row && typeof row === 'object') {
    const o = row as Record<string, unknown>;
    const tk = TIME_KEYS.find((k) => k in o);
    if (tk === undefined) {
      throw new CandleDataError(`${what}: row ${i + 1} has no time field (one of ${TIME_KEYS.join(', ')})`);
    }
    return [o[tk], o.open, o.high, o.low, o.close, o.volume ?? '0'].map(cellText);
  }
  throw new CandleDataError(`${what}: row ${i + 1} is ${cellText(row)}; expected ${SHAPES}`);
}

export function parseKlineJson(text: string, what: string): CandleSeries {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CandleDataError(`${what}: not valid JSON (${(e as Error).message})`);
  }
  const rows = rowsOf(doc);
  if (!rows) throw new CandleDataError(`${what}: expected ${SHAPES}`);
  const b = new SeriesBuilder(rows.length);
  const decimals = { max: 0 };
  const ref: CellRef = { what, row: 0, column: '' };
  const at = (k: number): CellRef => ((ref.column = FIELDS[k] as string), ref);
  rows.forEach((row, i) => {
    const c = cells(row, i, what);
    ref.row = i + 1;
    b.push(
      parseTime(c[0] as string, at(0)),
      parsePrice(c[1] as string, at(1), decimals),
      parsePrice(c[2] as string, at(2), decimals),
      parsePrice(c[3] as string, at(3), decimals),
      parsePrice(c[4] as string, at(4), decimals),
      parseNumber(c[5] as string, at(5)),
    );
  });
  if (b.length === 0) throw new CandleDataError(`${what}: no candles`);
  checkDecimals(decimals.max, what);
  b.priceDecimals = decimals.max;
  return b.build(what);
}
