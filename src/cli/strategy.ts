// `bosun strategy new|list|check`: write a strategy file from the template, list built-ins and the
// user's files with their parameters, and dry-run a file on the bundled data before it trades.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dec } from '../domain/decimal.js';
import { loadStrategyFile, locate, STRATEGY_FILE, type LoadResult } from '../sdk/loader.js';
import { strategyTemplate } from '../sdk/template.js';
import type { StrategyDefinition } from '../sdk/types.js';
import { NeedsKernelError, toLegacyFactory } from '../strategies/legacy-adapter.js';
import { getDefinition, STRATEGY_NAMES } from '../strategies/registry.js';
import type { Bar, PortfolioView } from '../strategies/types.js';
import { line, type CliIo } from './io.js';

export const STRATEGY_HELP = `usage: bosun strategy new NAME | list | check FILE

  new NAME     write a commented TypeScript strategy to the strategy folder (refuses to overwrite)
  list         built-in strategies and the folder's files, with their parameters; broken files
               are marked with their error
  check FILE   load FILE (.ts or .js), dry-run it on ${'300'} bars of the bundled BTCUSDT 1m data,
               and report any error with file:line (exit 1 on failure)

The strategy folder is ./strategies beside bosun.yaml (BOSUN_CONFIG's folder when set);
BOSUN_STRATEGY_DIR overrides it. bosun.yaml's strategy: and backtest --strategy take a built-in
name or a path to a .ts/.js file. See docs/strategies.md.

exit codes: 0 ok, 1 a strategy failed to load or run, 2 bad usage`;

const DRY_RUN_BARS = 300;
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function strategyDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BOSUN_STRATEGY_DIR) return resolve(env.BOSUN_STRATEGY_DIR);
  const config = env.BOSUN_CONFIG ? resolve(env.BOSUN_CONFIG) : resolve('bosun.yaml');
  return join(dirname(config), 'strategies');
}

function paramLines(def: StrategyDefinition): string[] {
  return Object.entries(def.params ?? {}).map(
    ([n, d]) =>
      `    ${n} = ${d.default}  (${d.min}..${d.max}${d.int ? ', integer' : ''})${d.help ? `  ${d.help}` : ''}`,
  );
}

async function listUserFiles(dir: string): Promise<LoadResult[]> {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => STRATEGY_FILE.test(f) && !f.endsWith('.d.ts'))
    .sort();
  const out: LoadResult[] = [];
  // One at a time: a broken file must not stop the others, and each gets its own result.
  for (const f of files) out.push(await loadStrategyFile(join(dir, f)));
  return out;
}

async function runList(io: CliIo): Promise<number> {
  line(io.stdout, 'built-in:');
  for (const name of STRATEGY_NAMES) {
    const def = getDefinition(name);
    line(io.stdout, `  ${name} — ${def.summary ?? ''}`);
    for (const l of paramLines(def)) line(io.stdout, l);
  }
  const dir = strategyDir();
  const files = await listUserFiles(dir);
  line(io.stdout, `\nin ${dir}:${files.length === 0 ? ' (none)' : ''}`);
  for (const r of files) {
    if (!r.ok) {
      line(io.stdout, `  ${r.name} — BROKEN: ${r.error}`);
      continue;
    }
    line(io.stdout, `  ${r.name} — ${r.definition.summary ?? ''} (${r.file})`);
    for (const l of paramLines(r.definition)) line(io.stdout, l);
  }
  return 0;
}

function runNew(args: string[], io: CliIo): number {
  const [name, ...extra] = args;
  if (name === undefined || extra.length > 0 || !NAME.test(name)) {
    line(
      io.stderr,
      'bosun strategy new: give one NAME of lowercase letters, digits and dashes, e.g. my-strat',
    );
    return 2;
  }
  const dir = strategyDir();
  const file = join(dir, `${name}.ts`);
  if (existsSync(file)) {
    line(io.stderr, `bosun strategy new: ${file} already exists; not overwritten`);
    return 1;
  }
  mkdirSync(dir, { recursive: true });
  // Files here are ES modules (export default), whatever package the folder sits in.
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) writeFileSync(pkg, '{ "type": "module" }\n', { flag: 'wx' });
  writeFileSync(file, strategyTemplate(name), { flag: 'wx' });
  line(io.stdout, `wrote ${file}\ntry it: bosun strategy check ${file}`);
  return 0;
}

/** The bundled sample: the first `n` bars of the demo BTCUSDT 1m file. */
export function sampleBars(n: number): Bar[] {
  const csv = fileURLToPath(new URL('../../assets/demo/btcusdt-1m.csv', import.meta.url));
  const rows = readFileSync(csv, 'utf8')
    .split('\n')
    .slice(1, n + 1);
  return rows
    .filter((r) => r.trim() !== '')
    .map((r) => {
      const [t, o, h, l, c, v] = r.split(',');
      return {
        openTime: Date.parse(`${(t ?? '').replace(' ', 'T').slice(0, 23)}Z`),
        open: Number(o),
        high: Number(h),
        low: Number(l),
        close: Number(c),
        volume: Number(v),
      };
    });
}

/** Feed the sample through the legacy adapter, following its signals with a one-unit position. */
function dryRun(name: string, def: StrategyDefinition): { signals: number } {
  const strategy = toLegacyFactory(def, name).create(
    {},
    { priceScale: 100, symbol: 'BTCUSDT', interval: '1' },
  );
  let view: PortfolioView = { side: 'flat', size: dec('0'), avgEntry: null, equity: dec('10000') };
  let signals = 0;
  for (const bar of sampleBars(DRY_RUN_BARS)) {
    const s = strategy.onBar(bar, view);
    if (!s) continue;
    signals++;
    if (s.exit) view = { ...view, side: 'flat', size: dec('0'), avgEntry: null };
    if (s.enter) {
      const size = dec(s.enter === 'long' ? '1' : '-1');
      view = { ...view, side: s.enter, size, avgEntry: dec(String(bar.close)) };
    }
  }
  return { signals };
}

async function runCheck(args: string[], io: CliIo): Promise<number> {
  const [file, ...extra] = args;
  if (file === undefined || extra.length > 0) {
    line(io.stderr, 'bosun strategy check: give one FILE (.ts or .js)');
    return 2;
  }
  const r = await loadStrategyFile(file);
  if (!r.ok) {
    line(io.stderr, `bosun strategy check: ${r.error}`);
    return 1;
  }
  try {
    const { signals } = dryRun(r.name, r.definition);
    line(io.stdout, `${r.name}: ok — ${DRY_RUN_BARS} bars, ${signals} signals (${r.file})`);
  } catch (e) {
    if (e instanceof NeedsKernelError) {
      line(io.stdout, `${r.name}: loads; ${e.message}, so the dry run stopped there (${r.file})`);
      return 0;
    }
    const where = locate(e, r.file) ?? r.file;
    line(
      io.stderr,
      `bosun strategy check: ${where}: onBar threw: ${e instanceof Error ? e.message : String(e)}`,
    );
    return 1;
  }
  return 0;
}

export async function runStrategyCli(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'new') return runNew(rest, io);
  if (sub === 'list' && rest.length === 0) return runList(io);
  if (sub === 'check') return runCheck(rest, io);
  line(io.stderr, `bosun strategy: expected new NAME, list or check FILE\n\n${STRATEGY_HELP}`);
  return 2;
}
