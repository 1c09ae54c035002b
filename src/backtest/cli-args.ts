// `bosun backtest` flags (node:util parseArgs) turned into a typed request; every mistake becomes a
// UsageError naming the flag and what it accepts.
import { parseArgs } from 'node:util';
import { tryDec } from '../domain/decimal.js';
import { UsageError } from '../platform/errors.js';
import { isStrategyPath } from '../sdk/loader.js';
import { isStrategyName, STRATEGY_NAMES } from '../strategies/registry.js';
import { parseTime } from './data-cells.js';
import { parseSweepSpec, type SweepAxis } from './sweep-grid.js';
import { parseRankKey, type RankKey } from './sweep-rank.js';
import { COMPAT_MODES, FILL_MODES, type CompatMode, type FillMode } from './options.js';

export const BACKTEST_HELP = `usage: bosun backtest --data SRC --strategy NAME [options]

Runs a strategy over historical candles with a simulated broker and prints its statistics.

  --data SRC            a CSV (backtesting.py ",Open,High,Low,Close,Volume" or
                        "timestamp,open,high,low,close,volume"), a JSON kline array (Bybit or
                        freqtrade), or bybit:SYMBOL:INTERVAL
  --strategy NAME       ${STRATEGY_NAMES.join(' | ')}, or a .ts/.js strategy file (docs/strategies.md)
  --param k=v           strategy parameter, repeatable (e.g. --param fast=10 --param slow=30)
  --cash N              starting cash (default 10000)
  --commission R        relative commission per fill, e.g. 0.001 = 0.1 % (default 0)
  --commission-fixed N  fixed cash commission per fill, added to the relative one (default 0)
  --spread R            relative spread paid on entries, e.g. 0.0002 (default 0)
  --slippage-bps N      adverse slippage on every fill, in basis points (default 0)
  --qty-step S          sizes are multiples of S (default 1 with --compat, else 0.000001)
  --min-notional N      skip orders worth less than N (default 0)
  --fill open|close     fill at the next bar's open (default) or at the signal bar's close
  --compat backtesting.py
                        reproduce backtesting.py 0.6.6's broker: whole units unless --qty-step,
                        size 1 − 2⁻⁵² of equity, open trades closed at the last bar's open
                        (without it: all free equity after commission, closed at the last close)
  --from T, --to T      only bars from T to T, inclusive (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS
                        or epoch; UTC; a bare --to date includes that whole day)
  --symbol NAME         label for the chart title (default: the data file's name)
  --json                print one JSON document on stdout instead of the summary
  --chart FILE.png      write an equity and drawdown chart (1200×800 PNG)
  --trades FILE.csv     write the closed trades as CSV
  --sweep NAME=A..B[:STEP] | NAME=v1,v2,…
                        sweep a param over integers A to B (STEP default 1) or listed values;
                        repeatable: every combination runs as a job on the backtests queue
                        (a running bot's workers, else local ones) and a ranked table is printed;
                        combinations the strategy rejects (e.g. fast ≥ slow) are skipped.
                        --chart and --trades then describe the best run
  --rank-by STAT        rank sweep runs by this stat, highest first (default returnPct)
  --top N               show the N best sweep runs (default 10)
  --help                this text

Exit status: 0 done, 1 bad data or an output file that cannot be written, 2 usage error.`;

export interface BacktestRequest {
  data: string;
  strategy: string;
  params: Record<string, string>;
  cash?: string;
  commission?: string;
  commissionFixed?: string;
  spread?: string;
  slippageBps?: string;
  qtyStep?: string;
  minNotional?: string;
  compat: CompatMode | null;
  fill: FillMode;
  from?: number;
  to?: number;
  symbol?: string;
  json: boolean;
  chart?: string;
  trades?: string;
  /** Swept params, in flag order; empty for a single run. */
  sweeps: SweepAxis[];
  rankBy: RankKey;
  top: number;
  help: boolean;
}

const OPTIONS = {
  data: { type: 'string' },
  strategy: { type: 'string' },
  param: { type: 'string', multiple: true },
  cash: { type: 'string' },
  commission: { type: 'string' },
  'commission-fixed': { type: 'string' },
  spread: { type: 'string' },
  'slippage-bps': { type: 'string' },
  'qty-step': { type: 'string' },
  'min-notional': { type: 'string' },
  fill: { type: 'string' },
  compat: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  symbol: { type: 'string' },
  json: { type: 'boolean' },
  chart: { type: 'string' },
  trades: { type: 'string' },
  sweep: { type: 'string', multiple: true },
  'rank-by': { type: 'string' },
  top: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function decimalFlag(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!tryDec(v)) throw new UsageError(`--${flag} must be a decimal number, got "${v}"`);
  return v.trim();
}

function timeFlag(flag: string, v: string | undefined, endOfDay: boolean): number | undefined {
  if (v === undefined) return undefined;
  try {
    const t = parseTime(v, { what: `--${flag}`, row: 1, column: flag });
    // A bare date in --to means the whole day.
    return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? t + 86_400_000 - 1 : t;
  } catch {
    throw new UsageError(
      `--${flag} must be a time (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or epoch seconds/ms), got "${v}"`,
    );
  }
}

function oneOf<T extends string>(flag: string, v: string | undefined, accepted: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(accepted as readonly string[]).includes(v)) {
    throw new UsageError(`--${flag} accepts ${accepted.join(' or ')}, got "${v}"`);
  }
  return v as T;
}

export function parseBacktestArgs(argv: string[]): BacktestRequest {
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    // node's messages add advice about positionals after the first sentence; keep the fact only.
    const full = (e as Error).message;
    const msg = (full.split(/\.\s/)[0] ?? 'bad arguments').replace(/^Unknown/, 'unknown');
    const dash = /starting with a dash/.test(full)
      ? '; write --flag=VALUE for a value that starts with "-"'
      : '';
    throw new UsageError(`${msg}${dash}; see bosun backtest --help`);
  }
  const str = (k: keyof typeof OPTIONS): string | undefined => values[k] as string | undefined;
  const help = values.help === true;
  if (positionals.length)
    throw new UsageError(`unexpected argument "${positionals[0]}"; see bosun backtest --help`);
  const data = str('data');
  const strategy = str('strategy');
  if (!help) {
    if (!data)
      throw new UsageError('--data is required: a CSV or JSON candle file, or bybit:SYMBOL:INTERVAL');
    if (!strategy) throw new UsageError(`--strategy is required: one of ${STRATEGY_NAMES.join(', ')}`);
    if (!isStrategyName(strategy) && !isStrategyPath(strategy)) {
      throw new UsageError(
        `--strategy "${strategy}" is not known; accepted: ${STRATEGY_NAMES.join(', ')}, or a path to a .ts/.js file`,
      );
    }
  }
  const params: Record<string, string> = {};
  for (const p of (values.param as string[] | undefined) ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param expects name=value (e.g. fast=10), got "${p}"`);
    params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  const sweeps = ((values.sweep as string[] | undefined) ?? []).map(parseSweepSpec);
  const top = str('top');
  if (top !== undefined && !/^[1-9]\d*$/.test(top.trim()))
    throw new UsageError(`--top must be a positive integer, got "${top}"`);
  const from = timeFlag('from', str('from'), false);
  const to = timeFlag('to', str('to'), true);
  if (from !== undefined && to !== undefined && from > to)
    throw new UsageError('--from must not be after --to');
  return {
    data: data ?? '',
    strategy: strategy ?? '',
    params,
    cash: decimalFlag('cash', str('cash')),
    commission: decimalFlag('commission', str('commission')),
    commissionFixed: decimalFlag('commission-fixed', str('commission-fixed')),
    spread: decimalFlag('spread', str('spread')),
    slippageBps: decimalFlag('slippage-bps', str('slippage-bps')),
    qtyStep: decimalFlag('qty-step', str('qty-step')),
    minNotional: decimalFlag('min-notional', str('min-notional')),
    compat: oneOf('compat', str('compat'), COMPAT_MODES) ?? null,
    fill: oneOf('fill', str('fill'), FILL_MODES) ?? 'open',
    from,
    to,
    symbol: str('symbol'),
    json: values.json === true,
    chart: str('chart'),
    trades: str('trades'),
    sweeps,
    rankBy: parseRankKey(str('rank-by')),
    top: top === undefined ? 10 : Number(top),
    help,
  };
}

/** The CLI flag behind each option name, for error messages. */
export const OPTION_FLAGS: Record<string, string> = {
  cash: '--cash',
  commission: '--commission',
  commissionFixed: '--commission-fixed',
  commissionFn: '--commission',
  spread: '--spread',
  slippageBps: '--slippage-bps',
  qtyStep: '--qty-step',
  minNotional: '--min-notional',
  compat: '--compat',
  fill: '--fill',
};
