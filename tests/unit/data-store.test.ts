// The columnar candle store: Arrow files give back exactly the columns the parser produced, a parsed
// file is read from the store on the next load, and an edited file is parsed again.
import { copyFileSync, mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run-backtest.js';
import { loadCandles, type CandleFileCache } from '../../src/backtest/source.js';
import type { CandleSeries } from '../../src/backtest/candles.js';
import { decodeSeries, encodeSeries } from '../../src/data/arrow-codec.js';
import { fileCandleCache } from '../../src/data/store.js';

const GOOG = fileURLToPath(new URL('../fixtures/backtest-GOOG.csv', import.meta.url));

function same(a: CandleSeries, b: CandleSeries): void {
  expect(b.length).toBe(a.length);
  expect(b.priceDecimals).toBe(a.priceDecimals);
  for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    expect(Array.from(b[k])).toEqual(Array.from(a[k]));
  }
}

describe('candle store', () => {
  it('round-trips a series through Arrow IPC exactly, in shared memory when asked', async () => {
    const s = await loadCandles(GOOG, {});
    const back = decodeSeries(encodeSeries(s, { source: 'x' }), true);
    same(s, back.series);
    expect(back.meta.source).toBe('x');
    expect(back.series.close.buffer).toBeInstanceOf(SharedArrayBuffer);
    const a = runBacktest(s, 'sma-cross', { fast: 10, slow: 30 }, { compat: 'backtesting.py' });
    const b = runBacktest(back.series, 'sma-cross', { fast: 10, slow: 30 }, { compat: 'backtesting.py' });
    expect(b.stats.equityFinal).toBe(a.stats.equityFinal);
    expect(b.stats.equityFinal).toBe('51422.99');
  });

  it('parses a file once, then loads it from the store until the file changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bosun-store-'));
    const file = join(dir, 'goog.csv');
    copyFileSync(GOOG, file);
    const real = fileCandleCache(join(dir, 'data'));
    const seen: string[] = [];
    const cache: CandleFileCache = {
      get: async (p, v) => {
        const r = await real.get(p, v);
        seen.push(r ? 'hit' : 'miss');
        return r;
      },
      put: (p, v, s) => real.put(p, v, s),
    };
    const first = await loadCandles(file, {}, {}, cache);
    const second = await loadCandles(file, {}, {}, cache);
    same(first, second);
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    await loadCandles(file, {}, {}, cache);
    expect(seen).toEqual(['miss', 'hit', 'miss']);
  });

  it('refuses a price that is not a whole number of ticks', () => {
    const s = decodeSeries(encodeSeries({ ...emptyLike(), priceDecimals: 2 })).series;
    expect(s.length).toBe(1);
    expect(() => encodeSeries({ ...emptyLike(), priceDecimals: 1, close: Float64Array.of(1.25) })).toThrow(
      /not a whole number of ticks/,
    );
  });
});

function emptyLike(): CandleSeries {
  return {
    length: 1,
    time: Float64Array.of(0),
    open: Float64Array.of(1.25),
    high: Float64Array.of(1.25),
    low: Float64Array.of(1.25),
    close: Float64Array.of(1.25),
    volume: Float64Array.of(3.5),
    priceDecimals: 2,
  };
}
