// `bybit:SYMBOL:INTERVAL[:linear|spot]` for the backtester: candles fetched through the exchange adapter
// (paginated), cached in the candles table, and checked for gaps, which are reported, never papered over.
import { and, asc, eq, sql } from 'drizzle-orm';
import { seriesFromCandles, CandleDataError, type CandleSeries } from '../backtest/index.js';
import type { CandleSource, TimeRange } from '../backtest/source.js';
import type { Db } from '../db/client.js';
import { upsertCandles } from '../db/repos/candles.js';
import { candles } from '../db/schema/index.js';
import type { Category } from '../domain/instrument.js';
import { intervalMs } from '../engine/intervals.js';
import { KLINE_INTERVALS, type ExchangePort, type KlineInterval } from '../exchange/port.js';

const DEFAULT_BARS = 1000;

export interface Gap {
  after: number;
  missing: number;
}

export function findGaps(times: readonly number[], interval: string): Gap[] {
  const gaps: Gap[] = [];
  for (let i = 1; i < times.length; i++) {
    const prev = times[i - 1] as number;
    const step = intervalMs(interval, prev);
    const missing = Math.round(((times[i] as number) - prev) / step) - 1;
    if (missing > 0) gaps.push({ after: prev, missing });
  }
  return gaps;
}

export function bybitCandleSource(
  exchange: ExchangePort,
  db: Db,
  report: (line: string) => void,
  now: () => number = Date.now,
): CandleSource {
  return {
    async load(spec: string, range: TimeRange): Promise<CandleSeries> {
      const [symbol, interval, cat = 'linear'] = spec.split(':');
      if (!symbol || !interval || !/^[A-Z0-9]{2,20}$/.test(symbol)) {
        throw new CandleDataError(`bybit:${spec}: expected bybit:SYMBOL:INTERVAL, e.g. bybit:BTCUSDT:60`);
      }
      if (!(KLINE_INTERVALS as readonly string[]).includes(interval)) {
        throw new CandleDataError(
          `bybit:${spec}: interval "${interval}" is not one of ${KLINE_INTERVALS.join(' ')}`,
        );
      }
      if (cat !== 'linear' && cat !== 'spot')
        throw new CandleDataError(`bybit:${spec}: category must be linear or spot`);
      const category = cat as Category;
      const step = intervalMs(interval);
      const end = range.to ?? now();
      const start = range.from ?? end - step * DEFAULT_BARS;
      const series = { category, symbol, interval };
      const where = and(
        eq(candles.category, category),
        eq(candles.symbol, symbol),
        eq(candles.interval, interval),
        sql`${candles.openTime} >= ${start} and ${candles.openTime} <= ${end}`,
      );
      const cached = await db.select().from(candles).where(where).orderBy(asc(candles.openTime));
      // Closed bars whose open lies in [start, end] (fixed-length intervals; M is approximate here).
      const firstOpen = Math.ceil(start / step) * step;
      const lastOpen = Math.floor(Math.min(end, now() - step) / step) * step;
      const expected = lastOpen >= firstOpen ? (lastOpen - firstOpen) / step + 1 : 0;
      let rows = cached;
      if (cached.length < expected) {
        const fetched = await exchange.klines({
          category,
          symbol,
          interval: interval as KlineInterval,
          start,
          end,
        });
        const closed = fetched.filter((c) => c.start + intervalMs(interval, c.start) <= now());
        await upsertCandles(
          db,
          series,
          closed.map((c) => ({
            openTime: c.start,
            open: c.open,
            high: c.high,
            low: c.low,
            close: c.close,
            volume: c.volume,
          })),
        );
        rows = await db.select().from(candles).where(where).orderBy(asc(candles.openTime));
        report(
          `fetched ${closed.length} candles of ${symbol} ${interval} from the exchange (${cached.length} were cached)`,
        );
      }
      if (rows.length === 0)
        throw new CandleDataError(`bybit:${spec}: the exchange has no candles in that range`);
      const gaps = findGaps(
        rows.map((r) => r.openTime),
        interval,
      );
      if (gaps.length) {
        const total = gaps.reduce((s, g) => s + g.missing, 0);
        const first = gaps[0] as Gap;
        report(
          `warning: ${total} missing ${interval} bars in ${gaps.length} gap(s), the first after ${new Date(first.after).toISOString()}`,
        );
      }
      return seriesFromCandles(rows);
    },
  };
}
