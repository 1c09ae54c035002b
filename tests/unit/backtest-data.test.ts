// Candle files: every accepted layout parses to the same columns, and every malformed input is refused
// with a message that says where (row and column) and what was expected.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sliceByTime } from '../../src/backtest/candles.js';
import { parseCsv } from '../../src/backtest/csv.js';
import { parseKlineJson } from '../../src/backtest/json-klines.js';
import { loadCandles, type CandleSource } from '../../src/backtest/source.js';

const FREQTRADE = fileURLToPath(new URL('../fixtures/backtest-freqtrade-5m-head.json', import.meta.url));
const GOOG = fileURLToPath(new URL('../fixtures/backtest-GOOG.csv', import.meta.url));

describe('CSV layouts', () => {
  it("reads backtesting.py's unnamed datetime index and counts price decimals", () => {
    const s = parseCsv(readFileSync(GOOG, 'utf8'), 'GOOG.csv');
    expect(s.length).toBe(2148);
    expect(s.time[0]).toBe(Date.UTC(2004, 7, 19));
    expect([s.open[0], s.high[0], s.low[0], s.close[0], s.volume[0]]).toEqual([
      100, 104.06, 95.96, 100.34, 22351900,
    ]);
    expect(s.priceDecimals).toBe(2);
  });

  it('reads timestamp,open,high,low,close,volume with microsecond stamps (nautilus)', () => {
    const text = [
      'timestamp,open,high,low,close,volume',
      '2021-12-31 23:01:00.000000,46319.0,46385.0,46319.0,46377.0,2300413.7295',
      '2021-12-31 23:02:00.000000,46377.0,46411.0,46377.0,46411.0,1829623.1938',
    ].join('\n');
    const s = parseCsv(text, 'n.csv');
    expect(Array.from(s.time)).toEqual([Date.UTC(2021, 11, 31, 23, 1), Date.UTC(2021, 11, 31, 23, 2)]);
    expect(s.close[1]).toBe(46411);
    expect(s.priceDecimals).toBe(1);
  });

  it('reads epoch-millisecond timestamps and CRLF line ends', () => {
    const s = parseCsv(
      'timestamp,open,high,low,close,volume\r\n1700000000000,1,2,0.5,1.5,10\r\n1700000060000,1.5,2,1,1.25,3\r\n',
      'e.csv',
    );
    expect(Array.from(s.time)).toEqual([1_700_000_000_000, 1_700_000_060_000]);
    expect(s.priceDecimals).toBe(2);
  });

  it('reads CryptoDataDownload files: banner line, 12-hour stamps, newest first', () => {
    const text = [
      'Timestamps are UTC timezone,https://www.CryptoDataDownload.com',
      'date,symbol,open,high,low,close,volume_btc,volume',
      '2019-10-17 01-PM,BTCUSD,8051,8056.83,8021.23,8035.88,61.25,492394.56',
      '2019-10-17 12-PM,BTCUSD,8040,8060,8030,8051,10,80510',
    ].join('\n');
    const s = parseCsv(text, 'cdd.csv');
    expect(Array.from(s.time)).toEqual([Date.UTC(2019, 9, 17, 12), Date.UTC(2019, 9, 17, 13)]);
    expect(Array.from(s.close)).toEqual([8051, 8035.88]);
    expect(s.volume[1]).toBe(492394.56);
  });

  it('refuses a header without OHLC columns and names the accepted layouts', () => {
    expect(() => parseCsv('date,price\n2024-01-01,5\n', 'bad.csv')).toThrow(
      /bad\.csv: header "date,price" does not name open, high, low and close; accepted: ',Open,High,Low,Close,Volume'/,
    );
  });

  it('names the row and column of a non-numeric cell', () => {
    const text = ',Open,High,Low,Close,Volume\n2024-01-01,1,2,0.5,1.5,10\n2024-01-02,1,2,abc,1.5,10\n';
    expect(() => parseCsv(text, 'x.csv')).toThrow('x.csv: row 2, column Low: "abc" is not a number');
  });

  it('names the row of a bad timestamp, a non-positive price and a short row', () => {
    const h = 'timestamp,open,high,low,close,volume\n';
    expect(() => parseCsv(`${h}2024-02-30,1,2,1,1,1\n`, 'x.csv')).toThrow(
      'x.csv: row 1, column timestamp: "2024-02-30" is not a timestamp',
    );
    expect(() => parseCsv(`${h}2024-02-01,1,2,0,1,1\n`, 'x.csv')).toThrow(
      'x.csv: row 1, column low: "0" is not a positive price',
    );
    expect(() => parseCsv(`${h}2024-02-01,1,2\n`, 'x.csv')).toThrow(
      'x.csv: row 1 has 3 cells, the header has 6',
    );
  });

  it('refuses duplicate or unordered timestamps', () => {
    const h = 'timestamp,open,high,low,close,volume\n';
    const rows = ['2024-01-01,1,1,1,1,1', '2024-01-03,1,1,1,1,1', '2024-01-02,1,1,1,1,1'];
    expect(() => parseCsv(h + rows.join('\n'), 'x.csv')).toThrow(
      /x\.csv: timestamps must be strictly increasing; row 3/,
    );
  });
});

describe('JSON klines', () => {
  it('reads freqtrade [ms, o, h, l, c, v] numbers', () => {
    const s = parseKlineJson(readFileSync(FREQTRADE, 'utf8'), 'ft.json');
    expect(s.length).toBe(40);
    expect(s.time[0]).toBe(1515560100000);
    expect(s.low[0]).toBe(0.09828605);
    expect(s.priceDecimals).toBe(8);
  });

  it('reads a Bybit /v5/market/kline response: strings, newest first', () => {
    const doc = {
      retCode: 0,
      result: {
        symbol: 'BTCUSDT',
        list: [
          ['1700000060000', '37010.5', '37020', '37000', '37015.1', '12.5', '462000'],
          ['1700000000000', '37000', '37012', '36990.2', '37010.5', '10', '370000'],
        ],
      },
    };
    const s = parseKlineJson(JSON.stringify(doc), 'bybit.json');
    expect(Array.from(s.time)).toEqual([1700000000000, 1700000060000]);
    expect(Array.from(s.close)).toEqual([37010.5, 37015.1]);
    expect(s.priceDecimals).toBe(1);
  });

  it('names the row and field of a bad value, and refuses other shapes', () => {
    expect(() => parseKlineJson('[["1700000000000","1","2","x","1.5","1"]]', 'k.json')).toThrow(
      'k.json: row 1, column low: "x" is not a number',
    );
    expect(() => parseKlineJson('[[1700000000000, 1, 2]]', 'k.json')).toThrow('k.json: row 1 has 3 fields');
    expect(() => parseKlineJson('{"foo": 1}', 'k.json')).toThrow(/k\.json: expected an array/);
    expect(() => parseKlineJson('[1, 2', 'k.json')).toThrow(/k\.json: not valid JSON/);
  });
});

describe('loading', () => {
  it('cuts to --from/--to inclusive', async () => {
    const s = await loadCandles(GOOG, { from: Date.UTC(2013, 1, 25), to: Date.UTC(2013, 1, 28) });
    expect(s.length).toBe(4);
    expect(s.time[0]).toBe(Date.UTC(2013, 1, 25));
    expect(sliceByTime(s, Date.UTC(2013, 1, 27)).length).toBe(2);
  });

  it('says when the file is missing or the range is empty', async () => {
    await expect(loadCandles('/nonexistent/x.csv', {})).rejects.toThrow('/nonexistent/x.csv: no such file');
    await expect(loadCandles(GOOG, { from: Date.UTC(2030, 0, 1) })).rejects.toThrow(/no candles between/);
  });

  it('hands prefixed sources to the plugged-in CandleSource, and explains an unwired bybit:', async () => {
    const seen: string[] = [];
    const source: CandleSource = {
      load: async (spec) => {
        seen.push(spec);
        return parseCsv('timestamp,open,high,low,close,volume\n2024-01-01,1,1,1,1,1\n', spec);
      },
    };
    const s = await loadCandles('bybit:BTCUSDT:60', {}, { bybit: source });
    expect(seen).toEqual(['BTCUSDT:60']);
    expect(s.length).toBe(1);
    await expect(loadCandles('bybit:BTCUSDT:60', {})).rejects.toThrow(
      /bybit sources need the exchange adapter/,
    );
  });
});
