// `bosun data download` against the simulator through the real Bybit adapter: chunked, resumable after an
// interruption, gaps reported, and the stored range read back by `bosun backtest --data bybit:…`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktestCommand } from '../../src/cli/backtest.js';
import { runDataCli, type DataDeps } from '../../src/cli/data.js';
import { CHUNK_BARS } from '../../src/data/download.js';
import { readStored } from '../../src/data/series-store.js';
import { storeCandleSource } from '../../src/data/store-source.js';
import type { ExchangePort } from '../../src/exchange/port.js';
import { loadEnv } from '../../src/platform/env.js';
import { startSimExchange, type SimExchange } from '../helpers/sim-exchange.js';

const MIN = 60_000;
const BARS = 2 * CHUNK_BARS + 500;
/** The bars the file leaves out: a gap the exchange "has". */
const HOLE = { at: 15_000, bars: 7 };

let se: SimExchange;
let firstOpen = 0;
let lastOpen = 0;

function capture(): { io: Parameters<typeof runDataCli>[1]; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (b: Buffer) => (o += b.toString()));
  stderr.on('data', (b: Buffer) => (e += b.toString()));
  return { io: { stdout, stderr, stdin: new PassThrough() }, out: () => o, err: () => e };
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-dl-src-'));
  const rows = ['timestamp,open,high,low,close,volume'];
  let p = 50_000;
  const t0 = Date.UTC(2024, 0, 1);
  for (let i = 0; i < BARS + 1; i++) {
    const o = p;
    p = Math.max(1000, p + ((i * 7919) % 23) - 11);
    if (i >= HOLE.at && i < HOLE.at + HOLE.bars) continue;
    rows.push(
      `${t0 + i * MIN},${o}.5,${Math.max(o, p) + 3}.5,${Math.min(o, p) - 3}.5,${p}.5,${(i % 97) + 1}`,
    );
  }
  const file = join(dir, 'walk.csv');
  writeFileSync(file, `${rows.join('\n')}\n`);
  // Every bar of the file but the last is history, so all of them are closed now.
  se = await startSimExchange({ data: file, dataSymbol: 'BTCUSDT', historyBars: BARS, rateLimits: false });
  const all = await se.ex.klines({ category: 'linear', symbol: 'BTCUSDT', interval: '1', limit: BARS + 10 });
  firstOpen = all[0]?.start ?? 0;
  lastOpen = all[all.length - 2]?.start ?? 0;
}, 60_000);

afterAll(async () => {
  await se?.close();
});

describe('bosun data download', () => {
  it('downloads in chunks, reports the gap, continues after an interruption, and lists the series', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bosun-dl-'));
    const env = () => loadEnv({ BOSUN_DATA_DIR: dataDir });
    let calls = 0;
    let failAt = 2;
    const counting: Pick<ExchangePort, 'klines'> = {
      klines: async (q) => {
        calls++;
        if (calls === failAt) throw new Error('connection reset');
        return se.ex.klines(q);
      },
    };
    const deps: DataDeps = { openExchange: async () => ({ exchange: counting, close: async () => {} }) };
    const args = ['download', 'bybit:BTCUSDT:1', `--from=${firstOpen}`, `--to=${lastOpen}`];

    const first = capture();
    expect(await runDataCli(args, first.io, env, deps)).toBe(1);
    expect(first.err()).toMatch(
      /download of bybit:BTCUSDT:1 stopped: connection reset; run the same command again/,
    );
    const partial = await readStored(dataDir, {
      source: 'bybit',
      category: 'linear',
      symbol: 'BTCUSDT',
      interval: '1',
    });
    expect(partial.series?.length).toBe(CHUNK_BARS);
    expect(partial.parts).toBe(1);

    calls = 0;
    failAt = -1;
    const second = capture();
    expect(await runDataCli(args, second.io, env, deps)).toBe(0);
    // Chunk one was stored: the rerun asks only for the two that were not.
    expect(calls).toBe(2);
    const total = (lastOpen - firstOpen) / MIN + 1;
    expect(second.out()).toContain(
      `${(total - CHUNK_BARS - HOLE.bars).toLocaleString('en-US')} bars fetched`,
    );
    expect(second.out()).toContain(`${CHUNK_BARS.toLocaleString('en-US')} of the range already stored`);
    const holeAt = new Date(firstOpen + HOLE.at * MIN).toISOString().replace('.000Z', 'Z');
    expect(second.out()).toContain(
      `gaps: the exchange has no bars for ${HOLE.bars} of the range's opens, in 1 gap(s)`,
    );
    expect(second.out()).toContain(`${HOLE.bars} bars from ${holeAt}`);

    const stored = await readStored(dataDir, {
      source: 'bybit',
      category: 'linear',
      symbol: 'BTCUSDT',
      interval: '1',
    });
    expect(stored.parts).toBe(0);
    expect(stored.series?.length).toBe(total - HOLE.bars);
    const exact = await se.ex.klines({
      category: 'linear',
      symbol: 'BTCUSDT',
      interval: '1',
      start: firstOpen,
      end: lastOpen,
    });
    expect(Array.from(stored.series?.close ?? [])).toEqual(exact.map((c) => c.close.toNumber()));
    expect(Array.from(stored.series?.time ?? [])).toEqual(exact.map((c) => c.start));

    // A third run has nothing left to fetch.
    calls = 0;
    const third = capture();
    expect(await runDataCli(args, third.io, env, deps)).toBe(0);
    expect(calls).toBe(0);
    expect(third.out()).toContain('0 bars fetched');

    const list = capture();
    expect(await runDataCli(['list', '--json'], list.io, env)).toBe(0);
    const rows = JSON.parse(list.out()) as { source: string; bars: number; from: string; bytes: number }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: 'bybit:BTCUSDT:1', bars: total - HOLE.bars });
    expect(rows[0]?.bytes).toBeGreaterThan(0);
    const table = capture();
    expect(await runDataCli(['list'], table.io, env)).toBe(0);
    expect(table.out()).toMatch(
      /^source +symbol +interval +from +to +bars +size\nbybit:BTCUSDT:1 +BTCUSDT +1 /,
    );

    // `bosun backtest` on the stored range reads the store: a database that cannot be reached is not needed.
    const bt = capture();
    const noDb = () =>
      loadEnv({ BOSUN_DATA_DIR: dataDir, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    const code = await runBacktestCommand(
      ['--data', 'bybit:BTCUSDT:1', '--strategy', 'sma-cross', '--compat', 'backtesting.py', '--json'],
      bt.io,
      noDb,
    );
    expect(bt.err()).toBe('');
    expect(code).toBe(0);
    const doc = JSON.parse(bt.out()) as { data: { bars: number } };
    expect(doc.data.bars).toBe(total - HOLE.bars);
  }, 60_000);

  it('refuses a bad source or range with what is accepted', async () => {
    const env = () => loadEnv({ BOSUN_DATA_DIR: mkdtempSync(join(tmpdir(), 'bosun-dl-')) });
    await expect(
      runDataCli(['download', 'bybit:BTCUSDT:7', '--from=2024-01-01'], capture().io, env),
    ).rejects.toThrow(/interval "7" is not one of 1 3 5/);
    await expect(
      runDataCli(['download', 'binance:BTCUSDT:1', '--from=2024-01-01'], capture().io, env),
    ).rejects.toThrow(/takes bybit:SYMBOL:INTERVAL/);
    await expect(runDataCli(['download', 'bybit:BTCUSDT:1'], capture().io, env)).rejects.toThrow(
      /--from is required/,
    );
    await expect(runDataCli(['fetch'], capture().io, env)).rejects.toThrow(/accepted: download, list/);
    // A range not in the store fails naming the command that fills it.
    const src = storeCandleSource(mkdtempSync(join(tmpdir(), 'bosun-dl-')));
    await expect(src.load('ETHUSDT:60', {})).rejects.toThrow(
      /run bosun data download bybit:ETHUSDT:60 --from/,
    );
  });
});
