// Where candles come from: files (CSV or JSON klines) here; `prefix:spec` sources such as
// `bybit:BTCUSDT:60` are plugged in by the composition root through the CandleSource interface.
import { readFile } from 'node:fs/promises';
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
  let text: string;
  try {
    text = await readFile(src, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
    throw new CandleDataError(`${src}: ${why}`);
  }
  const all = parseCandleText(text, src);
  const cut = sliceByTime(all, range.from, range.to);
  if (cut.length === 0) throw new CandleDataError(`${src}: no candles between the --from and --to times`);
  return cut;
}
