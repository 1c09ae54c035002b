// `npm run bench [-- name…]`: finds the bench/*.ts modules that export `async function run()`, runs each in
// its own child process under a time limit, prints a block of figures per benchmark, then a summary table.
// A child per benchmark keeps one benchmark's leftovers (loggers, metrics, open sockets, JIT state) out of the next.
import { fork } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';

const HERE = fileURLToPath(import.meta.url);
const BENCH_DIR = dirname(HERE);
const DEFAULT_LIMIT_S = 90;
const RUN_EXPORT = /export\s+(async\s+)?function\s+run\s*\(|export\s+const\s+run\s*=/;
/** A benchmark that needs longer than the default limit says so: `export const timeoutSeconds = N`. */
const TIMEOUT_EXPORT = /export\s+const\s+timeoutSeconds\s*=\s*(\d+)/;

type Figures = Record<string, number | string>;

// NaN is a legitimate figure (a percentile of nothing); IPC uses 'advanced' serialization so it survives.
const figuresSchema = z.record(z.string(), z.union([z.number(), z.nan(), z.string()]));

const childMessage = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('result'),
    figures: figuresSchema,
    headline: z.array(z.string()).optional(),
    runMs: z.number(),
    cpuMs: z.number(),
    peakRssMb: z.number(),
    openHandles: z.array(z.string()),
  }),
  z.object({ kind: z.literal('error'), message: z.string(), runMs: z.number() }),
]);
type ChildMessage = z.infer<typeof childMessage>;

interface Outcome {
  name: string;
  status: 'ok' | 'failed';
  wallMs: number;
  figures: Figures;
  headline: string[];
  error?: string;
}

function fmt(v: number | string): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return 'n/a';
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return String(Number(v.toFixed(Math.abs(v) >= 100 ? 1 : 3)));
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Child side: import one module, call run(), report figures and resource use over IPC, exit. */
async function child(file: string): Promise<void> {
  const send = (m: ChildMessage): Promise<void> =>
    new Promise((resolve) => (process.send ? process.send(m, undefined, {}, () => resolve()) : resolve()));
  const t0 = performance.now();
  try {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const run = mod.run;
    if (typeof run !== 'function') throw new Error(`${basename(file)} does not export run()`);
    const cpu0 = process.cpuUsage();
    const raw: unknown = await (run as () => Promise<unknown>)();
    const runMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const parsed = figuresSchema.safeParse(raw);
    if (!parsed.success) throw new Error('run() must resolve to a Record<string, number | string>');
    const headline = z.array(z.string()).safeParse(mod.headline);
    // Let closing sockets finish their last callbacks before looking for what is still open.
    await new Promise((r) => setTimeout(r, 100));
    await send({
      kind: 'result',
      figures: parsed.data,
      ...(headline.success ? { headline: headline.data } : {}),
      runMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      openHandles: process.getActiveResourcesInfo().filter((h) => h !== 'PipeWrap' && h !== 'TTYWrap'),
    });
  } catch (e) {
    // The runner's own frames say nothing about the benchmark.
    const stack = e instanceof Error ? (e.stack ?? e.message) : String(e);
    const message = stack
      .split('\n')
      .filter((l) => !l.includes(HERE))
      .join('\n');
    await send({ kind: 'error', message, runMs: performance.now() - t0 });
  }
  // Exit even when the benchmark left handles open; the parent has already been told about them.
  process.exit(0);
}

function runChild(file: string, limitMs: number): Promise<{ msg: ChildMessage | null; note: string }> {
  return new Promise((resolve) => {
    const cp = fork(HERE, ['--child', file], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    let msg: ChildMessage | null = null;
    let note = '';
    cp.on('message', (m: unknown) => {
      const p = childMessage.safeParse(m);
      msg = p.success ? p.data : { kind: 'error', message: 'malformed report from child', runMs: 0 };
    });
    const timer = setTimeout(() => {
      note = `timed out after ${seconds(limitMs)}`;
      cp.kill('SIGTERM');
      setTimeout(() => cp.kill('SIGKILL'), 5000).unref();
    }, limitMs);
    cp.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!msg && !note) note = `child exited (${signal ?? `code ${code}`}) without a report`;
      resolve({ msg, note });
    });
  });
}

function printBlock(o: Outcome, extra: string[]): void {
  console.log(`\n== ${o.name} ${'='.repeat(Math.max(3, 70 - o.name.length))}`);
  const width = Math.max(0, ...Object.keys(o.figures).map((k) => k.length));
  for (const [k, v] of Object.entries(o.figures)) console.log(`  ${k.padEnd(width)}  ${fmt(v)}`);
  if (o.error) console.log(`  FAILED: ${o.error.split('\n').join('\n  ')}`);
  for (const line of extra) console.log(`  ${line}`);
}

function headlineOf(o: Outcome): string {
  if (o.status === 'failed') return (o.error ?? '').split('\n')[0]?.slice(0, 80) ?? '';
  const keys = o.headline.length
    ? o.headline
    : Object.keys(o.figures)
        .filter((k) => typeof o.figures[k] === 'number')
        .slice(0, 3);
  return keys
    .filter((k) => o.figures[k] !== undefined)
    .map((k) => `${k}=${fmt(o.figures[k] as number | string)}`)
    .join('  ');
}

function printSummary(outcomes: Outcome[]): void {
  const rows = outcomes.map((o) => [
    o.name,
    o.status === 'ok' ? 'ok' : 'FAILED',
    seconds(o.wallMs),
    headlineOf(o),
  ]);
  const head = ['benchmark', 'status', 'time', 'headline figures'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i] ?? 0))).join('  ');
  console.log('\n== summary ' + '='.repeat(63));
  console.log(line(head));
  console.log(line(w.map((n) => '-'.repeat(n))));
  for (const r of rows) console.log(line(r));
}

/**
 * Issue 22's table, bosun's rows: what a trader waits for on 1M 1-minute bars, gathered from the
 * backtest-process and backtest-sweep-pool figures whenever those ran.
 */
function printTradersTable(outcomes: Outcome[]): void {
  const f = (bench: string, key: string): number | string | undefined =>
    outcomes.find((o) => o.name === bench && o.status === 'ok')?.figures[key];
  const p = (key: string) => f('backtest-process', key);
  const w = (key: string) => f('backtest-sweep-pool', key);
  if (p('process_ms') === undefined && w('sweep100_1_worker_s') === undefined) return;
  const s = (ms: number | string | undefined): string =>
    typeof ms === 'number' ? `${(ms / 1000).toFixed(2)} s` : (ms ?? 'n/a');
  const x = (v: number | string | undefined): string => (v === undefined ? 'n/a' : fmt(v));
  const rows: [string, string][] = [];
  if (p('process_ms') !== undefined) {
    rows.push([
      'whole process (store)',
      `${s(p('process_ms'))}  load ${x(p('process_load_ms'))} ms, simulation ${x(p('process_simulation_ms'))} ms, peak RSS ${x(p('process_peak_rss_mb'))} MB`,
    ]);
    rows.push([
      'whole process (CSV, first run)',
      `${s(p('process_csv_first_ms'))}  load ${x(p('process_csv_first_load_ms'))} ms`,
    ]);
    rows.push(['whole process (bybit: store)', s(p('process_bybit_store_ms'))]);
    rows.push(['bosun --help', s(p('help_ms'))]);
  }
  if (w('sweep100_1_worker_s') !== undefined) {
    rows.push([
      '100-run sweep',
      `1 worker ${x(w('sweep100_1_worker_s'))} s, 2 workers ${x(w('sweep100_2_workers_s'))} s (×${x(w('sweep100_speedup'))})`,
    ]);
    const done = w('sweep1000_s');
    rows.push([
      '1,000-run sweep',
      done === 'capped'
        ? `stopped after ${x(w('sweep1000_runs_done'))} runs; projected ${x(w('sweep1000_projected_s'))} s on ${x(w('sweep1000_workers'))} workers`
        : `${x(done)} s on ${x(w('sweep1000_workers'))} workers`,
    ]);
  }
  console.log(
    `\n== 1M 1-minute bars, SMA(10/30) cross, commission, --compat backtesting.py ${'='.repeat(4)}`,
  );
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  if (p('cli_runtime') !== undefined) console.log(`(runtime: ${x(p('cli_runtime'))})`);
}

interface Cli {
  names: string[];
  limitMs: number;
  /** --timeout was given: it applies to every benchmark, whatever the module asks for. */
  limitGiven: boolean;
  json?: string;
  list: boolean;
}

function parseCli(argv: string[]): Cli {
  const out: Cli = { names: [], limitMs: DEFAULT_LIMIT_S * 1000, limitGiven: false, list: false };
  for (const a of argv) {
    if (a === '--list') out.list = true;
    else if (a.startsWith('--timeout=')) {
      const s = Number(a.slice('--timeout='.length));
      if (!(s > 0)) throw new Error(`--timeout expects seconds > 0, got "${a}"`);
      out.limitMs = s * 1000;
      out.limitGiven = true;
    } else if (a.startsWith('--json=')) out.json = a.slice('--json='.length);
    else if (a.startsWith('-'))
      throw new Error(`unknown option ${a}; accepted: --list, --timeout=S, --json=FILE`);
    else out.names.push(a.replace(/\.ts$/, ''));
  }
  return out;
}

/** Benchmarks are the modules with a run() export; the rest are helpers or stand-alone scripts. */
function discover(): { benches: string[]; others: string[] } {
  const files = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== basename(HERE))
    .sort();
  const benches: string[] = [];
  const others: string[] = [];
  for (const f of files) {
    (RUN_EXPORT.test(readFileSync(join(BENCH_DIR, f), 'utf8')) ? benches : others).push(f.slice(0, -3));
  }
  return { benches, others };
}

function select(all: string[], others: string[], wanted: string[]): string[] {
  if (wanted.length === 0) return all;
  const out: string[] = [];
  for (const w of wanted) {
    const exact = all.filter((n) => n === w);
    const hits = exact.length ? exact : all.filter((n) => n.startsWith(w) || n.includes(w));
    if (hits.length === 0) {
      const why = others.includes(w) ? `${w}.ts does not export run()` : `no benchmark matches "${w}"`;
      throw new Error(`${why}; available: ${all.join(', ')}`);
    }
    for (const h of hits) if (!out.includes(h)) out.push(h);
  }
  return out;
}

async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2));
  const { benches, others } = discover();
  if (cli.list) {
    console.log(`benchmarks: ${benches.join(', ')}`);
    if (others.length) console.log(`not benchmarks (no run() export): ${others.join(', ')}`);
    return 0;
  }
  const chosen = select(benches, others, cli.names);
  // Figures from a shared machine mean little without how busy it was.
  const load = loadavg().map((l) => l.toFixed(1));
  console.log(
    `bosun benchmarks: ${chosen.join(', ')} (limit ${seconds(cli.limitMs)} each unless a benchmark asks for more; ${availableParallelism()} cores, load ${load.join(' ')})`,
  );
  if (cli.names.length === 0 && others.length) {
    console.log(`not run (no run() export): ${others.join(', ')}`);
  }
  const outcomes: Outcome[] = [];
  for (const name of chosen) {
    const t0 = performance.now();
    const file = join(BENCH_DIR, `${name}.ts`);
    const asked = Number(TIMEOUT_EXPORT.exec(readFileSync(file, 'utf8'))?.[1] ?? 0) * 1000;
    const { msg, note } = await runChild(file, cli.limitGiven ? cli.limitMs : Math.max(cli.limitMs, asked));
    const wallMs = performance.now() - t0;
    const extra: string[] = [];
    let o: Outcome;
    if (msg?.kind === 'result' && !note) {
      o = { name, status: 'ok', wallMs, figures: msg.figures, headline: msg.headline ?? [] };
      extra.push(
        `took ${seconds(wallMs)} (run ${seconds(msg.runMs)}, cpu ${seconds(msg.cpuMs)}, peak RSS ${msg.peakRssMb} MB)`,
      );
      if (msg.openHandles.length) extra.push(`warning: left open after run(): ${msg.openHandles.join(', ')}`);
    } else {
      const error = note || (msg?.kind === 'error' ? msg.message : 'no result');
      o = { name, status: 'failed', wallMs, figures: {}, headline: [], error };
      extra.push(`took ${seconds(wallMs)}`);
    }
    outcomes.push(o);
    printBlock(o, extra);
  }
  printSummary(outcomes);
  printTradersTable(outcomes);
  if (cli.json) {
    const doc = outcomes.map(({ name, status, wallMs, figures, error }) => ({
      name,
      status,
      seconds: Math.round(wallMs) / 1000,
      figures,
      ...(error ? { error } : {}),
    }));
    writeFileSync(cli.json, `${JSON.stringify(doc, null, 2)}\n`);
  }
  return outcomes.some((o) => o.status === 'failed') ? 1 : 0;
}

if (process.argv[2] === '--child' && process.argv[3]) {
  await child(process.argv[3]);
} else {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
