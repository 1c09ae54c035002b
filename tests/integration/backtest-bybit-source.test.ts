// `bosun backtest --data bybit:SYMBOL:INTERVAL` against the simulator: fetched through the adapter,
// cached in the candles table (a second run fetches nothing), gaps reported.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';
import { findGaps } from '../../src/cli/bybit-candles.js';
import { runBosun } from '../helpers/cli.js';

describe('backtest on bybit: data', () => {
  let sim: SimHandle;
  const dir = mkdtempSync(join(tmpdir(), 'bosun-bt-'));
  beforeAll(async () => {
    sim = await startSim({ port: 0 });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('fetches through the exchange adapter once, then reads the cache', async () => {
    const env = {
      BOSUN_DATA_DIR: dir,
      DATABASE_URL: undefined,
      BYBIT_ENV: 'sim',
      BYBIT_REST_URL: sim.restUrl,
    };
    const args = [
      'backtest',
      '--data',
      'bybit:BTCUSDT:1',
      '--strategy',
      'sma-cross',
      '--param',
      'fast=5',
      '--param',
      'slow=20',
      '--json',
    ];
    const first = await runBosun(args, { env });
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/fetched \d+ candles of BTCUSDT 1 from the exchange \(0 were cached\)/);
    const doc = JSON.parse(first.stdout) as {
      data: { bars: number; source: string };
      stats: { trades: number };
    };
    expect(doc.data.source).toBe('bybit:BTCUSDT:1');
    expect(doc.data.bars).toBeGreaterThan(100);
    const second = await runBosun(args, { env });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ data: { source: 'bybit:BTCUSDT:1' } });
    // Minutes move on between the runs: at most the newest bars are fetched again, never the whole range.
    const refetched = /fetched (\d+) candles .*\((\d+) were cached\)/.exec(second.stderr);
    if (refetched) expect(Number(refetched[2])).toBeGreaterThan(900);
  }, 60_000);

  it('finds gaps in a series', () => {
    const m = 60_000;
    expect(findGaps([0, m, 2 * m, 5 * m, 6 * m], '1')).toEqual([{ after: 2 * m, missing: 2 }]);
    expect(findGaps([0, m, 2 * m], '1')).toEqual([]);
  });

  it('names a bad spec and what is accepted', async () => {
    const r = await runBosun(['backtest', '--data', 'bybit:BTCUSDT:7', '--strategy', 'sma-cross'], {
      env: { BOSUN_DATA_DIR: dir, BYBIT_ENV: 'sim', BYBIT_REST_URL: sim.restUrl },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/interval "7" is not one of 1 3 5 15 30 60/);
  });
});
