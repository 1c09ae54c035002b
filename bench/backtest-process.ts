// The backtest a trader waits for, from the shell: `bosun backtest` (compiled, bin/bosun.js) on 1,000,000
// synthetic 1-minute bars, SMA(10/30) cross with commission, --compat backtesting.py. First run parses the
// CSV into the candle store, later runs load the store (a CSV, and a bybit: series as `bosun data download`
// leaves it). Whole process, its load and simulation lines, and peak RSS; plus `bosun --help`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CandleSeries } from '../src/backtest/candles.js';
import { compact, writePart } from '../src/data/series-store.js';
import { syntheticBars } from './backtest-speed.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'bosun.js');
const N = Number(process.env.BENCH_BARS ?? 1_000_000);
/** A build can take a minute on a busy machine. */
export const timeoutSeconds = 300;
export const headline = ['process_ms', 'process_peak_rss_mb', 'help_ms'];

function csvOf(s: CandleSeries): string {
  const rows = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < s.length; i++) {
    rows.push(`${s.time[i]},${s.open[i]},${s.high[i]},${s.low[i]},${s.close[i]},${s.volume[i]}`);
  }
  return `${rows.join('\n')}\n`;
}

/** As bin/bosun.js decides: dist/ is used only when no source is newer than its build stamp. */
function distFresh(): boolean {
  let built: number;
  try {
    built = Number(readFileSync(join(ROOT, 'dist', '.built'), 'utf8'));
  } catch {
    return false;
  }
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) {
    if (existsSync(join(ROOT, f)) && statSync(join(ROOT, f)).mtimeMs > built) return false;
  }
  for (const dir of ['src', 'commands', 'jobs', 'drizzle', 'assets']) {
    if (!existsSync(join(ROOT, dir))) continue;
    for (const e of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (e.isFile() && statSync(join(e.parentPath, e.name)).mtimeMs > built) return false;
    }
  }
  return true;
}

interface Proc {
  ms: number;
  rssMb: number;
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * What bin/bosun.js runs once dist/ is current. On a machine where sources keep changing (others editing)
 * bin/bosun.js would fall back to tsx; the bench then starts the compiled entry itself, as bin/bosun.js does.
 */
const DIRECT = `const m = await import(${JSON.stringify(new URL('../dist/src/cli/main.js', import.meta.url).href)}); process.exit(await m.main(process.argv.slice(1)));`;
let entry: string[] = [BIN];

/** One `bosun` process: wall time from spawn to exit, and its peak RSS (VmHWM, read while it runs). */
function bosun(args: string[], env: NodeJS.ProcessEnv): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const cp = spawn(process.execPath, [...entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let hwm = 0;
    cp.stdout.on('data', (b: Buffer) => (out += b.toString()));
    cp.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${cp.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]));
      } catch {
        // Gone already.
      }
    }, 5);
    cp.on('error', reject);
    cp.on('exit', (code) => {
      clearInterval(poll);
      resolve({
        ms: performance.now() - t0,
        rssMb: Math.round(hwm / 1024),
        code: code ?? 1,
        stdout: out,
        stderr: err,
      });
    });
  });
}

function seconds(stderr: string, what: RegExp): number {
  const m = what.exec(stderr);
  return m ? Math.round(Number(m[1]) * 1000) : NaN;
}

export async function run(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const dir = mkdtempSync(join(tmpdir(), 'bosun-bench-process-'));
  try {
    let built = 'up to date';
    if (!distFresh()) {
      const t = performance.now();
      const b = spawnSync(process.execPath, [join(ROOT, 'bin', 'build.js'), '--lenient'], {
        stdio: 'ignore',
      });
      built =
        b.status === 0 ? `built now (${((performance.now() - t) / 1000).toFixed(0)} s)` : 'build failed';
    }
    if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ could not be built');
    entry = distFresh() ? [BIN] : ['--input-type=module', '-e', DIRECT];
    const series = syntheticBars(N);
    const csv = join(dir, 'bars-1m.csv');
    writeFileSync(csv, csvOf(series));
    const env = { ...process.env, BOSUN_DATA_DIR: join(dir, 'state'), LOG_LEVEL: 'error' };
    const args = (data: string) => [
      'backtest',
      '--data',
      data,
      '--strategy',
      'sma-cross',
      '--param',
      'fast=10',
      '--param',
      'slow=30',
      '--cash',
      '1000000',
      '--commission',
      '0.002',
      '--compat',
      'backtesting.py',
      '--json',
    ];
    const cold = await bosun(args(csv), env);
    if (cold.code !== 0) throw new Error(`bosun backtest failed: ${cold.stderr.trim()}`);
    out.bars = N;
    out.trades = (JSON.parse(cold.stdout) as { stats: { trades: number } }).stats.trades;
    out.process_csv_first_ms = Math.round(cold.ms);
    out.process_csv_first_load_ms = seconds(cold.stderr, /loaded \d+ bars in ([\d.]+) s/);
    // Later runs load the Arrow file the first one stored: the best of three is the figure.
    let best: Proc | null = null;
    for (let k = 0; k < 3; k++) {
      const r = await bosun(args(csv), env);
      if (r.code !== 0) throw new Error(`bosun backtest failed: ${r.stderr.trim()}`);
      if (!best || r.ms < best.ms) best = r;
    }
    if (!best) throw new Error('no run');
    out.process_ms = Math.round(best.ms);
    out.process_load_ms = seconds(best.stderr, /loaded \d+ bars in ([\d.]+) s/);
    out.process_simulation_ms = seconds(best.stderr, /simulated in ([\d.]+) s/);
    out.process_peak_rss_mb = best.rssMb;

    // The same bars as a downloaded Bybit series in the store.
    const key = { source: 'bybit', category: 'linear', symbol: 'BTCUSDT', interval: '1' } as const;
    const state = join(dir, 'state');
    await writePart(state, key, [series.time[0] as number, series.time[N - 1] as number], series);
    await compact(state, key);
    let bybit = Infinity;
    for (let k = 0; k < 2; k++) {
      const r = await bosun(args('bybit:BTCUSDT:1'), {
        ...env,
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      });
      if (r.code !== 0) throw new Error(`bosun backtest --data bybit: failed: ${r.stderr.trim()}`);
      bybit = Math.min(bybit, r.ms);
    }
    out.process_bybit_store_ms = Math.round(bybit);

    let help = Infinity;
    for (let k = 0; k < 5; k++) help = Math.min(help, (await bosun(['--help'], env)).ms);
    out.help_ms = Math.round(help);
    out.cli_runtime = `dist, ${built}, ${entry[0] === BIN ? 'through bin/bosun.js' : 'entry started directly (sources changed since the build)'}`;
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [k, v] of Object.entries(await run())) console.log(`${k}: ${v}`);
}
