// `bosun backtest` through the kernel, as a user runs it: Bybit fees by default and said so, bosun.yaml's
// instances as one portfolio whose risk limits bite (denials counted by check), breakdowns, funding and a
// liquidation on linear computed by hand, and --detail deciding which of stop and take-profit came first.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktestCli } from '../../src/backtest/cli.js';
import { dec } from '../../src/domain/decimal.js';

const DEMO = fileURLToPath(new URL('../../assets/demo/btcusdt-1m.csv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bosun-kernel-cli-'));
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

interface Trade {
  book: string;
  symbol: string;
  size: string;
  entryTime: string;
  exitTime: string;
  entryPrice: string;
  exitPrice: string;
  pnl: string;
  commission: string;
  liquidated: boolean;
}
interface Doc {
  mode: string;
  stats: Record<string, number | string | null>;
  report: {
    defaults: string[];
    denied: number;
    deniedByCheck: Record<string, number>;
    deniedLine: string;
    approvalsAsked: number;
    byBook: Record<string, { trades: number }>;
    bySymbol: Record<string, { trades: number }>;
    byPeriod?: Record<string, { trades: number }>;
    fees: string;
    funding: string;
    fundingPayments: number;
    liquidations: number;
    equityFinal: string;
    intrabarRule: string;
  };
  trades: Trade[];
}

async function json(...args: string[]): Promise<Doc> {
  const r = await cli(...args, '--json');
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as Doc;
}

const T0 = Date.UTC(2024, 0, 1);

/** A candle CSV from [open, high, low, close] rows, `stepMs` apart from T0. */
function csv(name: string, rows: readonly (readonly number[])[], stepMs: number): string {
  const path = join(dir, name);
  const lines = rows.map(([o, h, l, c], i) => `${(T0 + i * stepMs) / 1000},${o},${h},${l},${c},1`);
  writeFileSync(path, `timestamp,open,high,low,close,volume\n${lines.join('\n')}\n`);
  return path;
}

/** A strategy file without imports: enters long at its first bar with the given spec, then holds. */
function holdStrategy(name: string, spec: string): string {
  const path = join(dir, `${name}.ts`);
  writeFileSync(
    path,
    `export default {\n  name: '${name}',\n  lookback: 2,\n  create() {\n    let n = 0;\n    return {\n      onBar(ctx: { enterLong(s?: object): void }) {\n        n += 1;\n        if (n === 1) ctx.enterLong(${spec});\n      },\n    };\n  },\n};\n`,
  );
  return path;
}

describe('bosun backtest through the kernel (the default)', () => {
  it('--help lists the kernel flags beside the CONTRACT ones', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const flag of [
      '--config FILE',
      '--sizing SPEC',
      '--risk KEY=VALUE',
      '--leverage N',
      '--margin MODE',
      '--funding FILE|RATE',
      '--detail I|SRC',
      '--breakdown P',
      '--taker-fee R',
      '--maker-fee R',
      '--interval I',
      '--category C',
      '--compat backtesting.py',
    ])
      expect(r.out).toContain(flag);
  });

  it('charges Bybit taker fees by default and says so; stats and trades agree', async () => {
    const doc = await json(
      '--data',
      DEMO,
      '--strategy',
      'sma-cross',
      '--param',
      'fast=5',
      '--param',
      'slow=20',
    );
    expect(doc.mode).toBe('kernel');
    expect(doc.report.defaults).toContain("taker fee: Bybit's 0.055 % linear (--taker-fee, --commission)");
    expect(doc.report.defaults.some((d) => d.startsWith('intrabar: within a bar: orders the open'))).toBe(
      true,
    );
    expect(doc.stats.trades).toBe(doc.trades.length);
    expect(doc.trades.length).toBeGreaterThan(5);
    // Market entries and exits are taker fills: |size| × price × 0.055 % on each side, exactly.
    const t = doc.trades[0] as Trade;
    const size = dec(t.size).abs();
    const fee = size.mul(t.entryPrice).plus(size.mul(t.exitPrice)).mul('0.00055');
    expect(t.commission).toBe(fee.toDecimalPlaces(8).toFixed());
    expect(Number(doc.report.fees)).toBeGreaterThan(0);

    const text = await cli('--data', DEMO, '--strategy', 'sma-cross');
    expect(text.code).toBe(0);
    expect(text.out).toContain('Defaults used:');
    expect(text.out).toContain("taker fee: Bybit's 0.055 % linear");
    expect(text.out).toMatch(/Risk: (no orders denied by risk|\d+ orders? denied: )/);
  });

  it('runs bosun.yaml as one portfolio: max-open-positions bites across symbols and is counted', async () => {
    // ETH moves like BTC at a tenth of the price; the two instances' RSI settings want in at different moments.
    const btc = readFileSync(DEMO, 'utf8').trim().split('\n').slice(1);
    const eth = join(dir, 'eth.csv');
    writeFileSync(
      eth,
      `timestamp,open,high,low,close,volume\n${btc
        .map((l) => {
          const [ts, ...v] = l.split(',');
          return [ts, ...v.slice(0, 4).map((x) => (Number(x) / 10).toFixed(2)), v[4]].join(',');
        })
        .join('\n')}\n`,
    );
    const cfg = join(dir, 'bosun.yaml');
    writeFileSync(
      cfg,
      [
        'strategies:',
        '  - { id: btc-rsi, strategy: rsi-reversion, symbol: BTCUSDT, interval: "1", params: { period: 5, lower: 35, upper: 60 }, sizing: { mode: fixed-notional, notional: "1000" } }',
        '  - { id: eth-rsi, strategy: rsi-reversion, symbol: ETHUSDT, interval: "1", params: { period: 9, lower: 40, upper: 55 }, sizing: { mode: fixed-notional, notional: "1000" } }',
        'risk: { maxOpenPositions: 1, lossCooldown: { losses: 1000, minutes: 1 }, dailyLossLimit: "100000", maxDrawdownPct: "90" }',
        'approvals: { mode: threshold, autoBelowNotional: "500" }',
        '',
      ].join('\n'),
    );
    const args = [
      '--config',
      cfg,
      '--data',
      `BTCUSDT=${DEMO}`,
      '--data',
      `ETHUSDT=${eth}`,
      '--breakdown',
      'day',
    ];
    const doc = await json(...args);
    const n = doc.report.deniedByCheck['max-open-positions'] ?? 0;
    expect(n).toBeGreaterThan(0);
    expect(doc.report.denied).toBe(n);
    expect(doc.report.deniedLine).toBe(`${n} orders denied: ${n} max-open-positions`);
    expect(Object.keys(doc.report.byBook).sort()).toEqual(['btc-rsi', 'eth-rsi']);
    expect(Object.keys(doc.report.bySymbol).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(Object.keys(doc.report.byPeriod ?? {})).toEqual(['2021-12-31', '2022-01-01', '2022-01-02']);
    const sum = (g: Record<string, { trades: number }>) => Object.values(g).reduce((a, b) => a + b.trades, 0);
    expect(sum(doc.report.byBook)).toBe(doc.trades.length);
    expect(sum(doc.report.byPeriod ?? {})).toBe(doc.trades.length);
    // One shared account: a position on one symbol is never open while the other symbol's is.
    for (const a of doc.trades)
      for (const b of doc.trades)
        if (a.symbol !== b.symbol) expect(b.entryTime >= a.exitTime || b.exitTime <= a.entryTime).toBe(true);
    // Every 1000 USDT entry is above autoBelowNotional: a live bot would have asked each time.
    expect(doc.report.approvalsAsked).toBeGreaterThanOrEqual(doc.trades.length);

    const tradesCsv = join(dir, 'portfolio-trades.csv');
    const text = await cli(...args, '--chart', join(dir, 'portfolio.png'), '--trades', tradesCsv);
    expect(text.code, text.err).toBe(0);
    const rows = readFileSync(tradesCsv, 'utf8').trim().split('\n');
    expect(rows[0]).toBe(
      'book,symbol,size,entryBar,exitBar,entryTime,exitTime,entryPrice,exitPrice,pnl,returnPct,commission,liquidated',
    );
    expect(rows).toHaveLength(doc.trades.length + 1);
    expect(new Set(rows.slice(1).map((r) => r.split(',')[0]))).toEqual(new Set(['btc-rsi', 'eth-rsi']));
    expect(text.out).toContain(`Risk: ${n} orders denied: ${n} max-open-positions`);
    expect(text.out).toMatch(/By strategy\n\s+instance\s+trades\s+wins\s+net\n\s+btc-rsi\s+\d+/);
    expect(text.out).toMatch(/By symbol\n[^\n]+\n\s+BTCUSDT\s+\d+/);
    expect(text.out).toMatch(/By period\n[^\n]+\n\s+2021-12-31\s+\d+/);
    expect(readFileSync(join(dir, 'portfolio.png')).subarray(1, 4).toString()).toBe('PNG');
  }, 60_000);

  it('charges funding at Bybit funding times on a linear position (by hand: 6 × −0.10)', async () => {
    // 48 hourly bars at 100 from 2024-01-01 00:00; the long of 10 fills at 01:00 (1000 USDT).
    const data = csv(
      'btcusdt-flat.csv',
      Array.from({ length: 48 }, () => [100, 100, 100, 100]),
      3_600_000,
    );
    const doc = await json(
      '--data',
      data,
      '--strategy',
      holdStrategy('hold', ''),
      '--sizing',
      'fixed-notional:1000',
      '--funding',
      '0.0001',
    );
    expect(doc.trades).toHaveLength(0);
    // Funding times 08:00, 16:00, 00:00, 08:00, 16:00 and 00:00 of Jan 3 (the last close): −10 × 100 × 0.0001 each.
    expect([doc.report.fundingPayments, doc.report.funding]).toEqual([6, '-0.60']);
    // 10000 − 0.55 taker fee − 0.60 funding.
    expect(doc.report.equityFinal).toBe('9998.85');
  });

  it('liquidates an isolated 10× long at Bybit maintenance margin, settled at the bankruptcy price', async () => {
    const rows = [
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [100, 100, 88, 95],
      [95, 95, 95, 95],
    ];
    const data = csv('btcusdt-drop.csv', rows, 3_600_000);
    const doc = await json(
      '--data',
      data,
      '--strategy',
      holdStrategy('hold10', ''),
      '--sizing',
      'fixed-notional:1000',
      '--leverage',
      '10',
    );
    // Liquidation price 100 × (1 − 1/10 + 0.005) = 90.5 is crossed by the low of 88; the position is
    // settled at the bankruptcy price 90: 10 × (90 − 100) = −100, plus the 0.55 entry fee.
    expect(doc.report.liquidations).toBe(1);
    expect(doc.trades).toHaveLength(1);
    expect(doc.trades[0]).toMatchObject({
      liquidated: true,
      entryPrice: '100',
      exitPrice: '90',
      pnl: '-100.55',
    });
    expect(doc.report.equityFinal).toBe('9899.45');
    // With 2× leverage the liquidation price is 50.5: nothing happens.
    const safe = await json(
      '--data',
      data,
      '--strategy',
      holdStrategy('hold2', ''),
      '--sizing',
      'fixed-notional:1000',
      '--leverage',
      '2',
    );
    expect(safe.report.liquidations).toBe(0);
  });

  it('cross margin uses the whole account: it outlives an isolated liquidation and ends where equity is 0', async () => {
    const rows = [
      ...Array.from({ length: 3 }, () => [100, 100, 100, 100]),
      [100, 100, 80.3, 85],
      [85, 85, 85, 85],
      [85, 85, 60, 62],
      [62, 62, 62, 62],
    ];
    const data = csv('btcusdt-slide.csv', rows, 3_600_000);
    const args = (margin: string, name: string) => [
      '--data',
      data,
      '--strategy',
      holdStrategy(name, ''),
      '--cash',
      '2000',
      '--sizing',
      'fixed-notional:5000',
      '--leverage',
      '5',
      '--risk',
      'maxLeverage=10',
      '--margin',
      margin,
    ];
    // Isolated 5× long of 50 at 100: liquidation price 100 × (1 − 0.2 + 0.005) = 80.5, crossed by the low
    // of 80.3; settled at 80: 50 × (80 − 100) − 2.75 fee = −1002.75.
    const iso = await json(...args('isolated', 'iso'));
    expect(iso.trades.map((t) => [t.liquidated, t.exitPrice, t.pnl])).toEqual([[true, '80', '-1002.75']]);
    expect(iso.report.equityFinal).toBe('997.25');
    // Cross: equity 1997.25 at 100 meets 0.5 % of the position's value at (5000 − 1997.25) / 49.75 ≈ 60.357,
    // first crossed by the low of 60; settled where equity is 0: 85 − 1247.25 / 50 = 60.055.
    const cross = await json(...args('cross', 'cross'));
    expect(cross.trades.map((t) => [t.liquidated, t.exitPrice, t.pnl])).toEqual([[true, '60.055', '-2000']]);
    expect(cross.report.equityFinal).toBe('0.00');
    expect(cross.report.defaults.some((d) => d.startsWith('margin: cross'))).toBe(true);
  });

  it('--detail 1 decides stop against take-profit inside a 5-minute bar; without it the stated rule does', async () => {
    // 1m bars; the 5m bar from 00:05 holds a rise to 101.5 (take-profit 101) before a fall to 98.5 (stop 99).
    const flat = [100, 100, 100, 100];
    const rows = [
      ...Array.from({ length: 5 }, () => flat),
      flat,
      [100, 101.5, 100, 101],
      [101, 101, 98.5, 99],
      [99, 99, 99, 99],
      [99, 99, 99, 99],
      ...Array.from({ length: 5 }, () => [99, 99, 99, 99]),
    ];
    const data = csv('btcusdt-detail.csv', rows, 60_000);
    const strat = holdStrategy('bracket', '{ stop: { pct: 1 }, takeProfit: { pct: 1 } }');
    const base = [
      '--data',
      data,
      '--strategy',
      strat,
      '--interval',
      '5',
      '--sizing',
      'fixed-notional:1000',
      '--commission',
      '0',
    ];
    const rule = await json(...base);
    expect(rule.trades.map((t) => [t.exitPrice, t.pnl])).toEqual([['99', '-10']]);
    expect(rule.report.intrabarRule).toMatch(/then stops, then a liquidation, then take-profits/);
    const detail = await json(...base, '--detail', '1');
    expect(detail.trades.map((t) => [t.exitPrice, t.pnl])).toEqual([['101', '10']]);
    expect(detail.report.intrabarRule).toMatch(/^in the order the lower-interval bars show them/);
    expect(detail.report.defaults.some((d) => d.startsWith('intrabar:'))).toBe(false);
  });

  it.each([
    [
      ['--compat', 'backtesting.py', '--config', 'bosun.yaml'],
      '--config applies to kernel backtests, not --compat backtesting.py',
    ],
    [['--fill', 'close'], '--fill close applies with --compat backtesting.py only'],
    [['--sweep', 'fast=5..8', '--config', 'bosun.yaml'], '--config applies to kernel backtests, not --sweep'],
    [['--commission-fixed', '1'], '--commission-fixed applies with --compat backtesting.py only'],
    [
      ['--sizing', 'all-in'],
      '--sizing accepts fixed-notional:N, risk-fraction:RISK%:STOP% or atr:RISK%[:PERIOD[:MULT]], got "all-in"',
    ],
    [
      ['--risk', 'maxOpenPositions=many'],
      '--risk: maxOpenPositions: "many" is not valid; expected a whole number',
    ],
    [['--risk', 'maxPositions=1'], '--risk: unknown risk limit "maxPositions"; accepted keys: '],
    [['--margin', 'portfolio'], '--margin accepts isolated or cross, got "portfolio"'],
    [['--breakdown', 'year'], '--breakdown accepts day or week or month, got "year"'],
    [['--interval', '7'], '--interval accepts 1 3 5 15 30 60 120 240 360 720 D W M, got "7"'],
    [['--leverage', '200'], '--leverage must be from 1 to 100, got "200"'],
    [['--taker-fee', '0.5'], '--taker-fee: must be from -0.1 to below 0.1, got 0.5'],
    [['--param', 'fast=40'], '--param: param fast (40) must be less than slow (30)'],
    [['--detail', '5'], '--detail 5: '],
    [['--data', 'ETHUSDT=eth.csv'], '--data eth.csv: no instance trades ETHUSDT (instances trade BTCUSDT)'],
    [['--data', 'eth.csv'], 'several --data files: name the symbol of each'],
  ])('usage error %j exits 2 naming the flag', async (extra, message) => {
    const r = await cli('--data', DEMO, '--strategy', 'sma-cross', ...extra);
    expect(r.err).toContain(message);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
  });
});
