// `bosun backtest` as a user drives it: help, one JSON document on stdout, output files, and exit
// statuses 2 (usage: the message names the flag and what it accepts) and 1 (bad data, unwritable output).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktestCli } from '../../src/backtest/cli.js';

const GOOG = fileURLToPath(new URL('../fixtures/backtest-GOOG.csv', import.meta.url));
const FREQTRADE = fileURLToPath(new URL('../fixtures/backtest-freqtrade-5m-head.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bosun-backtest-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const buf = { out: '', err: '' };
  const w = (k: 'out' | 'err') =>
    new Writable({
      write(chunk: Buffer, _e, cb) {
        buf[k] += chunk.toString();
        cb();
      },
    });
  const code = await runBacktestCli(args, { stdout: w('out'), stderr: w('err') });
  return { code, ...buf };
}

describe('bosun backtest', () => {
  it('--help lists every flag and exits 0', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const flag of [
      '--data',
      '--strategy',
      '--param',
      '--cash',
      '--commission',
      '--spread',
      '--slippage-bps',
      '--qty-step',
      '--compat',
      '--from',
      '--to',
      '--json',
      '--chart',
      '--trades',
    ]) {
      expect(r.out).toContain(flag);
    }
  });

  it('prints a readable summary by default', async () => {
    const r = await cli('--data', GOOG, '--strategy', 'sma-cross', '--compat', 'backtesting.py');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/# Trades\s+66/);
    expect(r.out).toMatch(/Equity Final\s+51422\.99/);
    expect(r.err).toBe('');
  });

  it('--json writes exactly one document on stdout, and file notes go to stderr', async () => {
    const trades = join(dir, 'trades.csv');
    const chart = join(dir, 'equity.png');
    const r = await cli(
      '--data',
      GOOG,
      '--strategy',
      'sma-cross',
      '--compat',
      'backtesting.py',
      '--json',
      '--trades',
      trades,
      '--chart',
      chart,
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { stats: { trades: number }; trades: unknown[] };
    expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(doc.stats.trades).toBe(66);
    expect(r.err).toContain(`trades written to ${trades}`);
    const lines = readFileSync(trades, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(
      'size,entryBar,exitBar,entryTime,exitTime,entryPrice,exitPrice,pnl,returnPct,commission,stop',
    );
    expect(lines).toHaveLength(67);
    expect(lines[1]).toMatch(/^-55,70,86,2004-11-29T00:00:00Z,2004-12-21T00:00:00Z,180.36,186.31,-327.25,/);
    expect(readFileSync(chart).subarray(1, 4).toString()).toBe('PNG');
  }, 30_000);

  it('runs every built-in with costs on JSON klines', async () => {
    for (const [strategy, params] of [
      ['sma-cross', ['fast=3', 'slow=8']],
      ['ema-cross', ['fast=3', 'slow=8']],
      ['rsi-reversion', ['period=5']],
      ['donchian-breakout', ['entry=5', 'exit=3']],
    ] as const) {
      const args = ['--data', FREQTRADE, '--strategy', strategy, ...params.flatMap((p) => ['--param', p])];
      const r = await cli(
        ...args,
        '--commission',
        '0.001',
        '--spread',
        '0.0002',
        '--slippage-bps',
        '2',
        '--qty-step',
        '0.01',
        '--json',
      );
      expect(r.code, `${strategy}: ${r.err}`).toBe(0);
      const doc = JSON.parse(r.out) as {
        strategy: string;
        data: { bars: number; interval: string };
        stats: Record<string, unknown>;
      };
      expect(doc.strategy).toBe(strategy);
      expect(doc.data).toMatchObject({ bars: 40, interval: '5m' });
      expect(typeof doc.stats.equityFinal).toBe('string');
    }
  });

  it.each([
    [['--strategy', 'sma-cross'], '--data is required'],
    [
      ['--data', GOOG],
      '--strategy is required: one of sma-cross, ema-cross, rsi-reversion, donchian-breakout',
    ],
    [['--data', GOOG, '--strategy', 'macd'], '--strategy "macd" is not known; accepted: sma-cross'],
    [['--data', GOOG, '--strategy', 'sma-cross', '--fast', '3'], "unknown option '--fast'"],
    [['--data', GOOG, '--strategy', 'sma-cross', '--param', 'fast'], '--param expects name=value'],
    [
      ['--data', GOOG, '--strategy', 'sma-cross', '--param', 'fast=0'],
      '--param: sma-cross param fast must be an integer from 1 to 10000, got "0"',
    ],
    [
      ['--data', GOOG, '--strategy', 'sma-cross', '--cash', 'lots'],
      '--cash must be a decimal number, got "lots"',
    ],
    [['--data', GOOG, '--strategy', 'sma-cross', '--cash', '0'], '--cash: must be greater than 0, got 0'],
    [
      ['--data', GOOG, '--strategy', 'sma-cross', '--qty-step=-1'],
      '--qty-step: must be greater than 0, got -1',
    ],
    [
      ['--data', GOOG, '--strategy', 'sma-cross', '--qty-step', '-1'],
      'write --flag=VALUE for a value that starts with "-"',
    ],
    [
      ['--data', GOOG, '--strategy', 'sma-cross', '--compat', 'zipline'],
      '--compat accepts backtesting.py, got "zipline"',
    ],
    [['--data', GOOG, '--strategy', 'sma-cross', '--fill', 'mid'], '--fill accepts open or close, got "mid"'],
    [['--data', GOOG, '--strategy', 'sma-cross', '--from', 'yesterday'], '--from must be a time'],
    [
      ['--data', GOOG, '--strategy', 'sma-cross', '--from', '2010-01-02', '--to', '2010-01-01'],
      '--from must not be after --to',
    ],
  ])('usage error %j exits 2 naming the flag', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });

  it('bad data exits 1 with the file, row and column', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      'timestamp,open,high,low,close,volume\n2024-01-01,1,2,1,1.5,10\n2024-01-02,1,2,1,n/a,10\n',
    );
    const r = await cli('--data', bad, '--strategy', 'sma-cross', '--json');
    expect(r.code).toBe(1);
    expect(r.err).toBe(`bosun backtest: ${bad}: row 2, column close: "n/a" is not a number\n`);
    expect(r.out).toBe('');
    expect((await cli('--data', join(dir, 'missing.csv'), '--strategy', 'sma-cross')).code).toBe(1);
    const bybit = await cli('--data', 'bybit:BTCUSDT:60', '--strategy', 'sma-cross');
    expect([bybit.code, bybit.err]).toEqual([
      1,
      expect.stringContaining('bybit sources need the exchange adapter'),
    ]);
  });

  it('an unwritable output file exits 1 but still reports the run', async () => {
    const r = await cli(
      '--data',
      GOOG,
      '--strategy',
      'sma-cross',
      '--json',
      '--trades',
      join(dir, 'no', 'such', 'dir.csv'),
    );
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toHaveProperty('stats');
    expect(r.err).toMatch(/cannot write the trades to .*dir\.csv \(ENOENT\)/);
  });
});
