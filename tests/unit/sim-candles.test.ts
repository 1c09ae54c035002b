// Candle files the simulator replays, the bars it builds from them, and the seeded random walk.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { loadCandleFile, parseCandles, parseTime } from '../../src/exchange/sim/candles.js';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';
import { CandleSeries } from '../../src/exchange/sim/series.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const MIN = 60_000;

describe('candle files', () => {
  it('reads the backtesting.py layout (unnamed date index, capitalised columns)', () => {
    const { candles, baseMs } = loadCandleFile(fixture('sim-goog-daily.csv'));
    expect(candles).toHaveLength(30);
    expect(candles[0]?.start).toBe(Date.UTC(2004, 7, 19));
    expect(candles[0]?.close.toFixed()).toBe('100.34');
    expect(candles[1]?.high.toFixed()).toBe('109.08');
    expect(baseMs).toBe(86_400_000);
  });

  it('reads timestamp,open,high,low,close,volume with date text and microseconds', () => {
    const { candles, baseMs } = loadCandleFile(fixture('sim-btc-perp-1m.csv'));
    expect(candles).toHaveLength(30);
    expect(candles[0]?.start).toBe(Date.UTC(2021, 11, 31, 23, 1));
    expect(candles[0]?.volume.toFixed()).toBe('2300413.7295');
    expect(baseMs).toBe(MIN);
  });

  it('reads a JSON array of [ms, o, h, l, c, v] without float noise', () => {
    const { candles, baseMs } = loadCandleFile(fixture('sim-ethbtc-5m.json'));
    expect(candles[0]?.start).toBe(1515560100000);
    expect(candles[0]?.low.toFixed()).toBe('0.09828605');
    expect(baseMs).toBe(5 * MIN);
  });

  it('skips a banner line, reads 09-AM style hours and sorts descending files', () => {
    const { candles } = loadCandleFile(fixture('sim-coinbase-1h.csv'));
    expect(candles).toHaveLength(6);
    const starts = candles.map((c) => c.start);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(starts[starts.length - 1]).toBe(Date.UTC(2019, 9, 17, 9));
  });

  it('accepts epoch seconds and milliseconds alike, and Bybit kline lists newest first', () => {
    expect(parseTime('1700000000')).toBe(1_700_000_000_000);
    expect(parseTime('1700000000000')).toBe(1_700_000_000_000);
    const text = JSON.stringify({
      result: {
        list: [
          ['1700000060000', '2', '3', '1', '2.5', '7'],
          ['1700000000000', '1', '2', '1', '2', '5'],
        ],
      },
    });
    const { candles } = parseCandles(text);
    expect(candles.map((c) => c.start)).toEqual([1_700_000_000_000, 1_700_000_060_000]);
    expect(() => parseCandles('a,b\n1,2\n')).toThrow(/open\/high\/low\/close/);
  });
});

describe('CandleSeries', () => {
  it('aggregates 1-minute bars into 5-minute bars, forming bar included, newest first', () => {
    const s = new CandleSeries(MIN);
    const prices = ['10', '12', '9', '11', '10.5', '13', '12'];
    prices.forEach((p, i) => s.trade(i * MIN, dec(p), dec('1')));
    const five = s.query('5', undefined, undefined, 10);
    expect(five.map((c) => c.start)).toEqual([5 * MIN, 0]);
    expect(five[1]).toMatchObject({ open: dec('10'), high: dec('12'), low: dec('9'), close: dec('10.5') });
    expect(five[1]?.volume.toFixed()).toBe('5');
    expect(five[0]?.close.toFixed()).toBe('12');
    expect(s.query('1', 2 * MIN, 4 * MIN, 10).map((c) => c.start)).toEqual([4 * MIN, 3 * MIN, 2 * MIN]);
  });
});

describe('price path', () => {
  let sims: SimHandle[] = [];
  afterEach(async () => {
    await Promise.all(sims.map((s) => s.close()));
    sims = [];
  });

  it('replays a file: history before the start, then each bar open -> low/high -> close', async () => {
    const file = fixture('sim-btc-perp-1m.csv');
    const { candles } = loadCandleFile(file);
    // The file's own times (replayTimes=file); the default moves them to the present (sim-fidelity tests).
    const sim = await startSim({ speed: 0, data: file, historyBars: 5, behaviour: { replayTimes: 'file' } });
    sims.push(sim);
    expect(sim.market.lastPrice('BTCUSDT')).toBe(candles[4]?.close.toFixed());
    sim.market.advance(MIN);
    expect(sim.market.lastPrice('BTCUSDT')).toBe(candles[5]?.close.toFixed());
    const res = await fetch(
      `${sim.restUrl}/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1&limit=3`,
    );
    const list = ((await res.json()) as { result: { list: string[][] } }).result.list;
    expect(list.map((r) => Number(r[0]))).toEqual([candles[6]?.start, candles[5]?.start, candles[4]?.start]);
    const bar5 = candles[5];
    expect(list[1]?.slice(1, 5)).toEqual(
      [bar5?.open, bar5?.high, bar5?.low, bar5?.close].map((d) => d?.toFixed()),
    );
  });

  it('refuses klines finer than the replayed data', async () => {
    const sim = await startSim({ speed: 0, data: fixture('sim-goog-daily.csv') });
    sims.push(sim);
    const res = await fetch(`${sim.restUrl}/v5/market/kline?category=linear&symbol=BTCUSDT&interval=60`);
    expect(((await res.json()) as { retCode: number }).retCode).toBe(10001);
  });

  it('is the same random walk for the same seed, and another for another seed', async () => {
    const a = await startSim({ speed: 0, seed: 7 });
    const b = await startSim({ speed: 0, seed: 7 });
    const c = await startSim({ speed: 0, seed: 8 });
    sims.push(a, b, c);
    for (const s of [a, b, c]) s.market.advance(10 * MIN);
    expect(a.market.lastPrice('ETHUSDT')).toBe(b.market.lastPrice('ETHUSDT'));
    expect(a.market.lastPrice('ETHUSDT')).not.toBe(c.market.lastPrice('ETHUSDT'));
    expect(dec(a.market.lastPrice('BTCUSDT')).mod('0.1').isZero()).toBe(true);
  });
});
