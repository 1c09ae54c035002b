// CSV candles: backtesting.py's layout (`,Open,High,Low,Close,Volume` with a datetime index), the
// `timestamp,open,high,low,close,volume` layout, and CryptoDataDownload files (banner line, descending).
import { CandleDataError, checkDecimals, SeriesBuilder, type CandleSeries } from './candles.js';
import { parseNumber, parsePrice, parseTime, type CellRef } from './data-cells.js';

const TIME_NAMES = ['', 'date', 'datetime', 'time', 'timestamp', 'open_time', 'opentime', 'start', 'unix'];
const LAYOUTS = "',Open,High,Low,Close,Volume' (backtesting.py) or 'timestamp,open,high,low,close,volume'";

interface Columns {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

function findColumns(header: string[]): Columns | null {
  const names = header.map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const at = (n: string): number => names.indexOf(n);
  const open = at('open');
  const high = at('high');
  const low = at('low');
  const close = at('close');
  if (open < 0 || high < 0 || low < 0 || close < 0) return null;
  let time = names.findIndex((n) => TIME_NAMES.includes(n));
  if (time < 0) time = 0;
  let volume = at('volume');
  if (volume < 0) volume = names.findIndex((n) => n.startsWith('volume'));
  return { time, open, high, low, close, volume };
}

/** Parse CSV text into candle columns; `what` names the source in errors. */
export function parseCsv(text: string, what: string): CandleSeries {
  const lines = text.split(/\r?\n/);
  // A banner line (CryptoDataDownload) may precede the header: take the first of two lines that names OHLC.
  let headerAt = -1;
  let cols: Columns | null = null;
  for (let k = 0; k < Math.min(2, lines.length) && !cols; k++) {
    cols = findColumns((lines[k] ?? '').split(','));
    if (cols) headerAt = k;
  }
  if (!cols) {
    const got = (lines[0] ?? '').slice(0, 80);
    throw new CandleDataError(
      `${what}: header "${got}" does not name open, high, low and close; accepted: ${LAYOUTS}`,
    );
  }
  const header = (lines[headerAt] ?? '').split(',').map((h) => h.trim() || '(index)');
  const b = new SeriesBuilder(lines.length);
  const decimals = { max: 0 };
  const width = header.length;
  const ref: CellRef = { what, row: 0, column: '' };
  const at = (c: number): CellRef => ((ref.column = header[c] ?? String(c + 1)), ref);
  for (let k = headerAt + 1; k < lines.length; k++) {
    const line = lines[k] as string;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    const row = k - headerAt;
    if (cells.length < width) {
      throw new CandleDataError(`${what}: row ${row} has ${cells.length} cells, the header has ${width}`);
    }
    ref.row = row;
    const t = parseTime(cells[cols.time] as string, at(cols.time));
    const o = parsePrice(cells[cols.open] as string, at(cols.open), decimals);
    const h = parsePrice(cells[cols.high] as string, at(cols.high), decimals);
    const l = parsePrice(cells[cols.low] as string, at(cols.low), decimals);
    const c = parsePrice(cells[cols.close] as string, at(cols.close), decimals);
    const v = cols.volume >= 0 ? parseNumber(cells[cols.volume] as string, at(cols.volume)) : 0;
    b.push(t, o, h, l, c, v);
  }
  if (b.length === 0) throw new CandleDataError(`${what}: no data rows after the header`);
  checkDecimals(decimals.max, what);
  b.priceDecimals = decimals.max;
  return b.build(what);
}
