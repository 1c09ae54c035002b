// Exchange candle series in the store (BOSUN_DATA_DIR/candles/bybit/CATEGORY/SYMBOL/INTERVAL): one
// compacted Arrow file plus the part files a download writes as it goes, each naming the span it covered.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CandleDataError, type CandleSeries } from '../backtest/candles.js';
import type { Category } from '../domain/instrument.js';
import { decodeSeries, encodeSeries } from './arrow-codec.js';
import { mergeSpans, type Span } from './spans.js';
import { candleStoreDir } from './store.js';

export interface SeriesKey {
  readonly source: 'bybit';
  readonly category: Category;
  readonly symbol: string;
  readonly interval: string;
}

export interface StoredSeries {
  readonly key: SeriesKey;
  /** Every stored bar, oldest first (null when nothing is stored). */
  readonly series: CandleSeries | null;
  /** What downloads asked the exchange for; bars missing inside are gaps the exchange has. */
  readonly covered: Span[];
  readonly bytes: number;
  readonly parts: number;
}

const COMPACT = 'bars.arrow';
const PART_RE = /^part-(\d+)-(\d+)\.arrow$/;

export function seriesDir(dataDir: string, k: SeriesKey): string {
  return join(candleStoreDir(dataDir), k.source, k.category, k.symbol, k.interval);
}

export function specOf(k: SeriesKey): string {
  return `${k.source}:${k.symbol}:${k.interval}${k.category === 'linear' ? '' : `:${k.category}`}`;
}

async function writeAtomic(file: string, bytes: Uint8Array): Promise<void> {
  // Written aside and renamed, so an interrupted download never leaves half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}

const EMPTY: Omit<CandleSeries, 'priceDecimals'> = {
  length: 0,
  time: new Float64Array(0),
  open: new Float64Array(0),
  high: new Float64Array(0),
  low: new Float64Array(0),
  close: new Float64Array(0),
  volume: new Float64Array(0),
};

/** One span's bars as a part file; an empty part still records that the span was asked for. */
export async function writePart(
  dataDir: string,
  k: SeriesKey,
  span: Span,
  s: CandleSeries | null,
): Promise<void> {
  const dir = seriesDir(dataDir, k);
  await mkdir(dir, { recursive: true });
  const series = s ?? { ...EMPTY, priceDecimals: 0 };
  const meta = { source: specOf(k), covered: JSON.stringify([span]) };
  await writeAtomic(join(dir, `part-${span[0]}-${span[1]}.arrow`), encodeSeries(series, meta));
}

interface Piece {
  series: CandleSeries;
  covered: Span[];
}

async function readPiece(file: string): Promise<Piece> {
  const { series, meta } = decodeSeries(await readFile(file));
  const covered = JSON.parse(meta.covered ?? '[]') as Span[];
  return { series, covered };
}

/** Oldest first, one bar per open time (a later piece wins a tie, though closed bars do not change). */
export function mergeSeries(pieces: readonly CandleSeries[]): CandleSeries | null {
  const nonEmpty = pieces.filter((p) => p.length > 0);
  if (nonEmpty.length === 0) return null;
  if (nonEmpty.length === 1) return nonEmpty[0] as CandleSeries;
  const byStart = [...nonEmpty].sort((a, b) => (a.time[0] as number) - (b.time[0] as number));
  if (byStart.every((p, j) => j === 0 || (p.time[0] as number) > lastTime(byStart[j - 1] as CandleSeries))) {
    return concat(byStart);
  }
  const order: [number, number, number][] = [];
  nonEmpty.forEach((p, k) => {
    for (let i = 0; i < p.length; i++) order.push([p.time[i] as number, k, i]);
  });
  order.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const keep = order.filter((o, j) => j === 0 || o[0] !== (order[j - 1] as [number, number, number])[0]);
  const n = keep.length;
  const cols = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
  const out = Object.fromEntries(cols.map((c) => [c, new Float64Array(n)])) as Record<
    (typeof cols)[number],
    Float64Array
  >;
  keep.forEach(([, k, i], j) => {
    const p = nonEmpty[k] as CandleSeries;
    for (const c of cols) out[c][j] = p[c][i] as number;
  });
  return { length: n, ...out, priceDecimals: Math.max(...nonEmpty.map((p) => p.priceDecimals)) };
}

const lastTime = (s: CandleSeries): number => s.time[s.length - 1] as number;

/** Pieces already in order and disjoint (the usual case: one download, part after part). */
function concat(pieces: readonly CandleSeries[]): CandleSeries {
  const n = pieces.reduce((a, p) => a + p.length, 0);
  const col = (c: 'time' | 'open' | 'high' | 'low' | 'close' | 'volume'): Float64Array => {
    const out = new Float64Array(n);
    let at = 0;
    for (const p of pieces) {
      out.set(p[c], at);
      at += p.length;
    }
    return out;
  };
  return {
    length: n,
    time: col('time'),
    open: col('open'),
    high: col('high'),
    low: col('low'),
    close: col('close'),
    volume: col('volume'),
    priceDecimals: Math.max(...pieces.map((p) => p.priceDecimals)),
  };
}

export async function readStored(dataDir: string, k: SeriesKey): Promise<StoredSeries> {
  const dir = seriesDir(dataDir, k);
  const names = await readdir(dir).catch(() => [] as string[]);
  const files = names.filter((n) => n === COMPACT || PART_RE.test(n)).sort();
  const pieces: Piece[] = [];
  let bytes = 0;
  for (const f of files) {
    try {
      pieces.push(await readPiece(join(dir, f)));
      bytes += (await stat(join(dir, f))).size;
    } catch (e) {
      if (e instanceof CandleDataError)
        throw new CandleDataError(`${specOf(k)}: ${join(dir, f)}: ${e.message}`);
      throw new CandleDataError(`${specOf(k)}: ${join(dir, f)} cannot be read; delete it and download again`);
    }
  }
  return {
    key: k,
    series: mergeSeries(pieces.map((p) => p.series)),
    covered: mergeSpans(
      pieces.flatMap((p) => p.covered),
      k.interval,
    ),
    bytes,
    parts: files.filter((f) => f !== COMPACT).length,
  };
}

/** Fold the part files into the one compacted file, so loading reads one file. */
export async function compact(dataDir: string, k: SeriesKey): Promise<StoredSeries> {
  const stored = await readStored(dataDir, k);
  if (stored.parts === 0) return stored;
  const dir = seriesDir(dataDir, k);
  const series = stored.series ?? { ...EMPTY, priceDecimals: 0 };
  const meta = { source: specOf(k), covered: JSON.stringify(stored.covered) };
  const bytes = encodeSeries(series, meta);
  await writeAtomic(join(dir, COMPACT), bytes);
  for (const f of await readdir(dir)) if (PART_RE.test(f)) await rm(join(dir, f), { force: true });
  return { ...stored, bytes: bytes.byteLength, parts: 0 };
}

/** Every stored exchange series, for `bosun data list`. */
export async function listStored(dataDir: string): Promise<StoredSeries[]> {
  const root = join(candleStoreDir(dataDir), 'bybit');
  const out: StoredSeries[] = [];
  const sub = async (p: string): Promise<string[]> => (await readdir(p).catch(() => [] as string[])).sort();
  for (const category of await sub(root)) {
    if (category !== 'linear' && category !== 'spot') continue;
    for (const symbol of await sub(join(root, category))) {
      for (const interval of await sub(join(root, category, symbol))) {
        out.push(await readStored(dataDir, { source: 'bybit', category, symbol, interval }));
      }
    }
  }
  return out;
}
