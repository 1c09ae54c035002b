// `bosun data download|list`: Bybit kline history into the candle store (paged, resumable, gaps reported,
// a progress bar on a terminal) and what the store holds; backtests and sweeps read it back.
import { parseArgs } from 'node:util';
import { CandleDataError, iso } from '../backtest/candles.js';
import { parseTime } from '../backtest/data-cells.js';
import { BYBIT_SPEC_FORM, parseBybitSpec } from '../data/bybit-spec.js';
import { downloadKlines, type DownloadProgress } from '../data/download.js';
import { listStored, specOf, type StoredSeries } from '../data/series-store.js';
import type { Gap } from '../data/spans.js';
import type { ExchangePort } from '../exchange/port.js';
import type { Env } from '../platform/env.js';
import { UsageError } from '../platform/errors.js';
import { line, type CliIo } from './io.js';

export const DATA_HELP = `usage: bosun data download bybit:SYMBOL:INTERVAL[:linear|spot] --from T [--to T]
       bosun data list [--json]

The candle store under BOSUN_DATA_DIR/candles: columns (Apache Arrow files) that a backtest loads in
milliseconds. \`bosun backtest --data bybit:SYMBOL:INTERVAL\`, sweeps and chat /backtest read a stored
range from it instead of asking the exchange.

  download SPEC         fetch closed klines from Bybit (BYBIT_ENV; public data, no key needed) in
                        chunks of 10,000 bars, each stored as it arrives: run it again after an
                        interruption and it continues where it stopped; bars the exchange does not
                        have are reported as gaps
    --from T            first bar (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or epoch; UTC)
    --to T              last bar (default: now; a bare date includes that whole day)
  list                  what the store holds: source, symbol, interval, range, bars, size
    --json              one JSON array on stdout instead of the table

INTERVAL is a Bybit kline interval: 1 3 5 15 30 60 120 240 360 720 D W M.
Exit status: 0 done, 1 exchange or store failure, 2 usage error.`;

const OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function timeFlag(flag: string, v: string, endOfDay: boolean): number {
  try {
    const t = parseTime(v, { what: `--${flag}`, row: 1, column: flag });
    return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? t + 86_400_000 - 1 : t;
  } catch {
    throw new UsageError(`--${flag} must be a time (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or epoch), got "${v}"`);
  }
}

export interface DataDeps {
  /** The exchange to download from; default: BYBIT_ENV's, without a key (klines are public). */
  openExchange?: (env: Env) => Promise<{ exchange: Pick<ExchangePort, 'klines'>; close(): Promise<void> }>;
  now?: () => number;
}

async function defaultExchange(env: Env): Promise<{ exchange: ExchangePort; close(): Promise<void> }> {
  // The simulator (in-process or at BYBIT_REST_URL) keeps its own credentials handling.
  // Loaded here, not at the top: `bosun data list` and --help need neither bybit-api nor the simulator.
  const venue = env.bybitEnv;
  if (venue !== 'testnet' && venue !== 'demo' && venue !== 'mainnet') {
    return (await import('./exchange-factory.js')).openExchange(env);
  }
  const [{ createBybitExchange }, { createLogger }] = await Promise.all([
    import('../exchange/bybit/index.js'),
    import('../platform/logger.js'),
  ]);
  const exchange = createBybitExchange({
    env: venue,
    key: env.bybitApiKey ?? '',
    secret: env.bybitApiSecret ?? '',
    ...(env.bybitRestUrl ? { restUrl: env.bybitRestUrl } : {}),
    logger: createLogger({ level: 'silent' }),
  });
  return { exchange, close: () => exchange.close() };
}

const int = (n: number): string => n.toLocaleString('en-US');

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A bar redrawn in place on a terminal; nothing when stderr is a pipe or file. */
function progressBar(io: CliIo, spec: string): { update(p: DownloadProgress): void; end(): void } {
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  let drawn = false;
  let last = 0;
  return {
    update(p) {
      if (!tty || (p.done < p.total && performance.now() - last < 100)) return;
      last = performance.now();
      const pct = p.total ? p.done / p.total : 1;
      const width = 30;
      const fill = Math.round(pct * width);
      io.stderr.write(
        `\r${spec} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(pct * 100).toFixed(0).padStart(3)}% ${int(p.done)}/${int(p.total)} bars`,
      );
      drawn = true;
    },
    end() {
      if (drawn) io.stderr.write('\n');
    },
  };
}

function describeGaps(gaps: readonly Gap[]): string[] {
  if (gaps.length === 0) return [];
  const total = gaps.reduce((a, g) => a + g.missing, 0);
  const shown = gaps
    .slice(0, 5)
    .map((g) => `  ${int(g.missing)} bar${g.missing === 1 ? '' : 's'} from ${iso(g.from)}`);
  const more = gaps.length > 5 ? [`  … and ${gaps.length - 5} more`] : [];
  return [
    `gaps: the exchange has no bars for ${int(total)} of the range's opens, in ${gaps.length} gap(s):`,
    ...shown,
    ...more,
  ];
}

async function runDownload(args: string[], io: CliIo, env: () => Env, deps: DataDeps): Promise<number> {
  const { values, positionals } = parse(args);
  const [raw, ...extra] = positionals;
  if (!raw) throw new UsageError(`data download needs a source: ${BYBIT_SPEC_FORM}`);
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"; see bosun data --help`);
  if (!raw.startsWith('bybit:')) throw new UsageError(`data download takes ${BYBIT_SPEC_FORM}, got "${raw}"`);
  let key;
  try {
    key = parseBybitSpec(raw.slice('bybit:'.length));
  } catch (e) {
    if (e instanceof CandleDataError) throw new UsageError(e.message);
    throw e;
  }
  if (values.from === undefined) throw new UsageError('--from is required: the first bar to download');
  const now = (deps.now ?? Date.now)();
  const from = timeFlag('from', values.from, false);
  const to = values.to === undefined ? now : timeFlag('to', values.to, true);
  if (from > to) throw new UsageError('--from must not be after --to');
  const e = env();
  const ex = await (deps.openExchange ?? defaultExchange)(e);
  const spec = specOf(key);
  const bar = progressBar(io, spec);
  try {
    const r = await downloadKlines(
      ex.exchange,
      e.dataDir,
      { key, from, to },
      {
        now: () => (deps.now ?? Date.now)(),
        onProgress: (p) => bar.update(p),
      },
    );
    bar.end();
    if (!r.range) {
      line(io.stderr, `bosun data: ${spec} has no closed bar between ${iso(from)} and ${iso(to)}`);
      return 1;
    }
    line(
      io.stdout,
      `${spec}: ${int(r.fetched)} bars fetched, ${int(r.alreadyStored)} of the range already stored; ${iso(r.range[0])} … ${iso(r.range[1])}`,
    );
    for (const l of describeGaps(r.gaps)) line(io.stdout, l);
    const s = r.stored;
    line(io.stdout, `store: ${int(s.series?.length ?? 0)} bars of ${spec}, ${size(s.bytes)}`);
    return 0;
  } catch (err) {
    bar.end();
    // What was stored before the failure stays: the next run continues from there.
    const msg = err instanceof Error ? err.message : String(err);
    line(
      io.stderr,
      `bosun data: download of ${spec} stopped: ${msg}; run the same command again to continue`,
    );
    return 1;
  } finally {
    await ex.close();
  }
}

interface ListRow {
  source: string;
  category: string;
  symbol: string;
  interval: string;
  from: string | null;
  to: string | null;
  bars: number;
  bytes: number;
}

function rowOf(s: StoredSeries): ListRow {
  const t = s.series?.time;
  return {
    source: specOf(s.key),
    category: s.key.category,
    symbol: s.key.symbol,
    interval: s.key.interval,
    from: t && t.length ? iso(t[0] as number) : null,
    to: t && t.length ? iso(t[t.length - 1] as number) : null,
    bars: s.series?.length ?? 0,
    bytes: s.bytes,
  };
}

async function runList(args: string[], io: CliIo, env: () => Env): Promise<number> {
  const { values, positionals } = parse(args);
  if (positionals.length)
    throw new UsageError(`unexpected argument "${positionals[0]}"; see bosun data --help`);
  const rows = (await listStored(env().dataDir)).map(rowOf);
  if (values.json) {
    line(io.stdout, JSON.stringify(rows));
    return 0;
  }
  if (rows.length === 0) {
    line(
      io.stdout,
      'the candle store is empty; fill it with bosun data download bybit:SYMBOL:INTERVAL --from …',
    );
    return 0;
  }
  const head = ['source', 'symbol', 'interval', 'from', 'to', 'bars', 'size'];
  const cells = rows.map((r) => [
    r.source,
    r.symbol,
    r.interval,
    r.from ?? '—',
    r.to ?? '—',
    int(r.bars),
    size(r.bytes),
  ]);
  const w = head.map((h, c) => Math.max(h.length, ...cells.map((r) => (r[c] ?? '').length)));
  const fmt = (r: string[]): string =>
    r
      .map((v, c) => (c >= 5 ? v.padStart(w[c] ?? 0) : v.padEnd(w[c] ?? 0)))
      .join('  ')
      .trimEnd();
  for (const r of [head, ...cells]) line(io.stdout, fmt(r));
  return 0;
}

function parse(args: string[]): {
  values: { from?: string; to?: string; json?: boolean };
  positionals: string[];
} {
  try {
    return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = ((e as Error).message.split(/\.\s/)[0] ?? 'bad arguments').replace(/^Unknown/, 'unknown');
    throw new UsageError(`${msg}; see bosun data --help`);
  }
}

export async function runDataCli(
  args: string[],
  io: CliIo,
  env: () => Env,
  deps: DataDeps = {},
): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'download') return await runDownload(rest, io, env, deps);
    if (sub === 'list') return await runList(rest, io, env);
  } catch (e) {
    if (!(e instanceof CandleDataError)) throw e;
    line(io.stderr, `bosun data: ${e.message}`);
    return 1;
  }
  throw new UsageError(
    sub === undefined
      ? 'data needs a subcommand: download or list'
      : `data has no subcommand "${sub}"; accepted: download, list`,
  );
}
