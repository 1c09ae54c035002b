// `bosun export trades` on real Postgres: fills stored the way the engine stores them, exported in both
// formats, and the export's realized PnL checked against the portfolio's positions table.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExportCli } from '../../src/cli/export.js';
import type { CliIo } from '../../src/cli/io.js';
import { listPositions } from '../../src/db/repos/positions.js';
import { storeReportFill } from '../helpers/store-fill.js';
import { dec } from '../../src/domain/decimal.js';
import { loadEnv, type Env } from '../../src/platform/env.js';
import { BTC_SPOT, ETH_PERP, HISTORY } from '../fixtures/reports-history.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';

let db: TestDb;
let env: Env;
let dir: string;

function capture(): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  stderr.on('data', (d: Buffer) => (e += d.toString()));
  return { io: { stdout, stderr, stdin: new PassThrough() }, out: () => o, err: () => e };
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = capture();
  const code = await runExportCli(args, c.io, env);
  return { code, out: c.out(), err: c.err() };
}

beforeAll(async () => {
  db = await freshPgDb();
  env = loadEnv({ DATABASE_URL: db.url });
  dir = await mkdtemp(join(tmpdir(), 'bosun-export-'));
  for (const f of HISTORY) await storeReportFill(db.db, f, f.symbol === 'BTCUSDT' ? BTC_SPOT : ETH_PERP);
}, 60_000);

afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('bosun export trades', () => {
  it('csv: realized PnL total equals the portfolio realized PnL of the same fills', async () => {
    const r = await run(['trades']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('lot,'))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('close,'))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('funding,'))).toHaveLength(3);
    expect(lines.slice(-4)).toEqual([
      'total-realized-pnl,,,,,,,,,,198.01,,,,,,USDT,',
      'total-fees,,,,,,,,,,,,,,,0.001,BTC,',
      'total-fees,,,,,,,,,,,,,,,6.91791,USDT,',
      'total-funding,,,,,,,,,,,,,,,-0.4,USDT,',
    ]);
    const portfolio = (await listPositions(db.db)).reduce((s, p) => s.plus(p.realizedPnl), dec('0'));
    expect(portfolio.toFixed()).toBe('198.01');
    const funding = (await listPositions(db.db)).reduce((s, p) => s.plus(p.funding), dec('0'));
    expect(funding.toFixed()).toBe('-0.4');
  });

  it('koinly to a file: the universal header, one row per spot fill, gains and funding', async () => {
    const out = join(dir, 'koinly.csv');
    const r = await run(['trades', '--format', 'koinly', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'Date,Sent Amount,Sent Currency,Received Amount,Received Currency,Fee Amount,Fee Currency,Net Worth Amount,Net Worth Currency,Label,Description,TxHash',
    );
    expect(lines[1]).toBe('2026-01-01 01:00:00 UTC,100,USDT,1,BTC,0.001,BTC,,,,BTCUSDT spot buy 1 @ 100,s1');
    expect(lines.filter((l) => l.includes(',realized gain,'))).toEqual([
      '2026-01-01 13:00:00 UTC,,,100,USDT,,,,,realized gain,ETHUSDT long close 1 @ 1200 (entry 1100),p3:pnl',
      '2026-01-01 15:00:00 UTC,200,USDT,,,,,,,realized gain,ETHUSDT long close 2 @ 1000 (entry 1100),p4:pnl',
      '2026-01-01 16:00:00 UTC,,,300,USDT,,,,,realized gain,ETHUSDT short close 3 @ 900 (entry 1000),p5:pnl',
    ]);
    expect(lines.filter((l) => l.includes(' funding '))).toHaveLength(3);
  });

  it('--from/--to select whole UTC days', async () => {
    // Everything happened on 2026-01-01: from the next day on, only the header is left.
    const r = await run(['trades', '--from', '2026-01-02']);
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split('\n')).toEqual([r.out.split('\n')[0]]);
    expect(r.out.startsWith('type,date,symbol,')).toBe(true);
    const all = await run(['trades', '--from', '2026-01-01', '--to', '2026-01-01']);
    expect(all.out).toContain('total-realized-pnl,,,,,,,,,,198.01,');
  });

  it('bad flags name the flag and the accepted values, exit 2', async () => {
    const f = await run(['trades', '--format', 'xlsx']);
    expect(f.code).toBe(2);
    expect(f.err).toContain('--format "xlsx" is not supported: accepted values are csv, koinly');
    const d = await run(['trades', '--from', '2026-13-01']);
    expect(d.code).toBe(2);
    expect(d.err).toContain('--from "2026-13-01" is not a date: expected YYYY-MM-DD');
    const s = await run(['lots']);
    expect(s.code).toBe(2);
    expect(s.err).toContain('unknown subcommand "lots": expected `trades`');
    const u = await run(['trades', '--fromm', 'x']);
    expect(u.code).toBe(2);
    expect(u.err).toContain('--fromm');
  });
});
