// The candle store under BOSUN_DATA_DIR/candles: a candle file (CSV or JSON) is parsed once and kept as
// an Arrow IPC file keyed by its path, size and modification time; later loads read the columns back.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CandleSeries } from '../backtest/candles.js';
import type { CandleFileCache } from '../backtest/source.js';
import { decodeSeries, encodeSeries } from './arrow-codec.js';

export function candleStoreDir(dataDir: string): string {
  return join(dataDir, 'candles');
}

function fileKey(path: string): string {
  return createHash('sha256').update(path).digest('hex').slice(0, 24);
}

/** A cache of parsed candle files; a write failure (read-only disk) only costs the next parse. */
export function fileCandleCache(dataDir: string): CandleFileCache {
  const dir = join(candleStoreDir(dataDir), 'files');
  return {
    async get(path: string, version: string): Promise<CandleSeries | null> {
      let bytes: Buffer;
      try {
        bytes = await readFile(join(dir, `${fileKey(path)}.arrow`));
      } catch {
        return null;
      }
      try {
        const { series, meta } = decodeSeries(bytes);
        return meta.source === path && meta.version === version ? series : null;
      } catch {
        return null;
      }
    },
    async put(path: string, version: string, series: CandleSeries): Promise<void> {
      try {
        await mkdir(dir, { recursive: true });
        const file = join(dir, `${fileKey(path)}.arrow`);
        // Written aside and renamed, so a reader never sees half a file.
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, encodeSeries(series, { source: path, version }));
        await rename(tmp, file);
      } catch {
        // Not cached this time; the backtest itself is unaffected.
      }
    },
  };
}
