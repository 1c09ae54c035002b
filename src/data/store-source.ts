// The `bybit:` candle source backtests, sweeps and chat /backtest read: the candle store when it covers
// the range (no exchange, no database), else the fallback (the exchange through the database cache).
import { CandleDataError, sliceByTime, type CandleSeries } from '../backtest/candles.js';
import type { CandleSource, TimeRange } from '../backtest/source.js';
import { parseBybitSpec } from './bybit-spec.js';
import { readStored, specOf } from './series-store.js';
import { uncovered } from './spans.js';

export interface StoreSourceOptions {
  /** Where the range is not stored; opened only when needed. Without it such a load fails naming the fix. */
  fallback?: () => Promise<CandleSource>;
  report?: (line: string) => void;
}

export function storeCandleSource(dataDir: string, o: StoreSourceOptions = {}): CandleSource {
  return {
    async load(spec: string, range: TimeRange): Promise<CandleSeries> {
      const key = parseBybitSpec(spec);
      const stored = await readStored(dataDir, key);
      const spans = stored.covered;
      const first = spans[0]?.[0];
      const end = spans[spans.length - 1]?.[1];
      if (stored.series && first !== undefined && end !== undefined) {
        const from = Math.max(range.from ?? first, first);
        const to = Math.min(range.to ?? end, end);
        // A --to past the stored end (e.g. up to now) is not covered: newer bars may exist.
        const within =
          (range.to === undefined || range.to <= end) && (range.from === undefined || range.from >= first);
        if (within && from <= to && uncovered(spans, from, to, key.interval).length === 0) {
          const s = sliceByTime(stored.series, range.from, range.to);
          if (s.length) {
            o.report?.(`${specOf(key)}: ${s.length} bars from the candle store`);
            return s;
          }
        }
      }
      if (o.fallback) return (await o.fallback()).load(spec, range);
      throw new CandleDataError(
        `${specOf(key)}: the candle store does not hold that range; run bosun data download ${specOf(key)} --from … --to …`,
      );
    },
  };
}
