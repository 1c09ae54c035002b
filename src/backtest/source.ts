// Where candles come from: files (CSV or JSON klines) here; `prefix:spec` sources such as
// `bybit:BTCUSDT:60` are plugged in by the composition root through the CandleSource interface.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CandleDataError, sliceByTime, type CandleSeries } from './candles.js';
import { parseCsv } from './csv.js';
import { parseKlineJson } from './json-klines.js';

export interface TimeRange {
  readonly from?: number;
  readonly to?: number;
}

export interface CandleSource {
  /** Candles for `spec` (what follows the prefix, e.g. "BTCUSDT:60"), oldest first, within `range`. */
  load(spec: string, range: TimeRange): Promise<CandleSeries>;
}

/** Parsed candle files kept between runs (the columnar store), keyed by path and a version stamp. */
export interface CandleFileCache {
  get(path: string, version: string): Promise<CandleSeries | null>;
  put(path: string, version: string, series: CandleSeries): Promise<void>;
}

/** Sources by prefix, e.g. { bybit: bybitCandleSource }. */
export type CandleSources = Readonly<Record<string, CandleSource>>;

const PREFIX_RE = /^([a-z][a-z0-9-]+):(.+)$/;

export function parseCandleText(text: string, what: string): CandleSeries {
  const head = text.trimStart()[0];
  return head === '[' || head === '{' ? parseKlineJson(text, what) : parseCsv(text, what);
}

/** Load `src` (a file path or `prefix:spec`) and cut it to `range`. */
export async function loadCandles(
  src: string,
  range: TimeRange,
  sources: CandleSources = {},
  cache?: CandleFileCache,
): Promise<CandleSeries> {
  const m = PREFIX_RE.exec(src);
  if (m) {
    const source = sources[m[1] as string];
    if (source) return sliceByTime(await source.load(m[2] as string, range), range.from, range.to);
    if (m[1] === 'bybit') {
      throw new CandleDataError(
        `${src}: bybit sources need the exchange adapter and database, which this command was started without`,
      );
    }
  }
  const path = resolve(src);
  const st = cache ? await stat(path).catch(() => null) : null;
  const version = st ? `${st.size}:${st.mtimeMs}` : '';
  const cached = st && cache ? await cache.get(path, version) : null;
  if (cached) return cut(cached, range, src);
  let text: string;
  try {
    text = await readFile(src, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
    throw new CandleDataError(`${src}: ${why}`);
  }
  const all = parseCandleText(text, src);
  if (st && cache) await cache.put(path, version, all);
  return cut(all, range, src);
}

function cut(all: CandleSeries, range: TimeRange, src: string): CandleSeries {
  const s = sliceByTime(all, range.from, range.to);
  if (s.length === 0) throw new CandleDataError(`${src}: no candles between the --from and --to times`);
  return s;
}
