// `bosun backtest` flags (node:util parseArgs) turned into a typed request; every mistake becomes a
// UsageError naming the flag and what it accepts.
import { parseArgs } from 'node:util';
import { dec, tryDec } from '../domain/decimal.js';
import { CATEGORIES, type Category } from '../domain/instrument.js';
import { BREAKDOWNS, type Breakdown } from '../kernel/report.js';
import { parseRiskLimitValue } from '../risk/limits.js';
import type { SizingSpec } from '../risk/types.js';
import { UsageError } from '../platform/errors.js';
import { isStrategyPath } from '../sdk/loader.js';
import { isStrategyName, STRATEGY_NAMES } from '../strategies/registry.js';
import { parseTime } from './data-cells.js';
import { parseSweepSpec, type SweepAxis } from './sweep-grid.js';
import { parseSweepArgs, SWEEP_ARG_OPTIONS, SWEEP_ARGS_HELP, type SweepSearch } from './sweep-args.js';
import { parseRankKey, type RankKey } from './sweep-rank.js';
import { COMPAT_MODES, FILL_MODES, type CompatMode, type FillMode } from './options.js';

export const BACKTEST_HELP = `usage: bosun backtest --data SRC --strategy NAME [options]
       bosun backtest --config bosun.yaml --data SRC… [options]

Runs strategies over historical candles through the trading kernel, with the bot's own rules
(sizing, risk limits, approval policy, leverage) on a simulated Bybit venue, and prints statistics.
--compat backtesting.py runs backtesting.py 0.6.6's broker instead (all-in sizing, no risk).

Data and strategy
  --data SRC            a CSV (backtesting.py ",Open,High,Low,Close,Volume" or
                        "timestamp,open,high,low,close,volume"), a JSON kline array (Bybit or
                        freqtrade), or bybit:SYMBOL:INTERVAL[:spot]; repeatable for a portfolio:
                        SYMBOL=SRC names the symbol a file holds (e.g. --data ETHUSDT=eth.csv)
  --strategy NAME       ${STRATEGY_NAMES.join(' | ')}, or a .ts/.js strategy file (docs/strategies.md);
                        without it, every enabled instance of --config runs as one portfolio
  --param k=v           strategy parameter, repeatable (e.g. --param fast=10 --param slow=30)
  --config FILE         bosun.yaml: its risk limits and approval policy (and, without --strategy,
                        its strategies as a portfolio sharing one account); default: built-in defaults
  --symbol NAME         the symbol traded with --strategy (default: from bybit:SYMBOL, else the
                        data file's name); also the chart title
  --category C          linear (default) or spot, with --strategy
  --interval I          the strategy's kline interval, 1 3 5 15 30 60 120 240 360 720 D W M
                        (default: the data's; a coarser one is built from the data)
  --from T, --to T      only bars from T to T, inclusive (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS
                        or epoch; UTC; a bare --to date includes that whole day)

Rules (kernel backtests)
  --cash N              starting cash in USDT (default 10000)
  --sizing SPEC         fixed-notional:N | risk-fraction:RISK%:STOP% | atr:RISK%[:PERIOD[:MULT]]
                        (default: the instance's in --config, else fixed-notional:100, bosun.yaml's)
  --risk KEY=VALUE      a risk limit over the config's, repeatable (e.g. --risk maxOpenPositions=1)
  --leverage N          linear leverage for instances without their own (default 1)
  --margin MODE         isolated (default) or cross: liquidation at Bybit's maintenance margin
                        of the position (isolated) or of the whole account (cross)
  --funding FILE|RATE   funding rates: Bybit's funding history JSON (/v5/market/funding/history),
                        a CSV of time,rate, or one rate charged every 8 h (00, 08, 16 UTC);
                        SYMBOL=FILE for one symbol of a portfolio; linear only (default: none)
  --detail I|SRC        a lower interval (e.g. 1) deciding which of stop, take-profit or limit a
                        bar hit first: the data itself when it is that fine (bars of --interval are
                        built from it), bybit:SYMBOL:I with bybit data, or a file
                        (default: a fixed rule, stated in the report)
  --breakdown P         a results table by day, week or month

Costs
  --taker-fee R         taker fee per fill, e.g. 0.00055 (default: Bybit's, 0.055 % linear, 0.1 % spot)
  --maker-fee R         maker fee for resting limit fills (default: Bybit's, 0.02 % linear, 0.1 % spot)
  --commission R        one rate for maker and taker fills, e.g. 0.001 = 0.1 % (kernel default:
                        the Bybit fees above; --compat default 0)
  --commission-fixed N  --compat: fixed cash commission per fill, added to the relative one
  --spread R            relative spread: --compat pays it on entries, the kernel half of it on
                        every taker fill (default 0)
  --slippage-bps N      adverse slippage on every taker fill, in basis points (default 0)
  --qty-step S          sizes are multiples of S (default 1 with --compat, else the instrument's
                        Bybit step, 0.000001 for other symbols)
  --min-notional N      skip orders worth less than N (default: the instrument's, --compat 0)
  --fill open|close     --compat: fill at the next bar's open (default) or at the signal bar's close
  --compat backtesting.py
                        reproduce backtesting.py 0.6.6's broker: whole units unless --qty-step,
                        size 1 − 2⁻⁵² of equity, open trades closed at the last bar's open

Output
  --json                print one JSON document on stdout instead of the summary
  --chart FILE.png      write an equity and drawdown chart (1200×800 PNG; a portfolio's equity)
  --trades FILE.csv     write the closed trades as CSV
  --sweep NAME=A..B[:STEP] | NAME=v1,v2,…
                        sweep a param over integers A to B (STEP default 1) or listed values;
                        repeatable: every combination runs as a job on the backtests queue
                        (a running bot's workers, else local ones) and a ranked table is printed;
                        combinations the strategy rejects (e.g. fast ≥ slow) are skipped.
                        --chart and --trades then describe the best run
  --rank-by STAT        rank sweep runs by this stat, highest first (default returnPct)
  --top N               show the N best sweep runs (default 10)
${SWEEP_ARGS_HELP}
  --help                this text

Exit status: 0 done, 1 bad data or an output file that cannot be written, 2 usage error.`;

export interface BacktestRequest {
  /** The first --data (the only one outside portfolio runs). */
  data: string;
  /** Every --data, in flag order (SYMBOL=SRC labels kept). */
  dataAll: string[];
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
  /** Set when --fill was given (the kernel refuses --fill close). */
  fillGiven: boolean;
  config?: string;
  category?: Category;
  interval?: string;
  sizing?: SizingSpec;
  risk: Record<string, string>;
  leverage?: string;
  margin?: MarginMode;
  funding: string[];
  detail?: string;
  breakdown?: Breakdown;
  makerFee?: string;
  takerFee?: string;
  from?: number;
  to?: number;
  symbol?: string;
  json: boolean;
  chart?: string;
  trades?: string;
  /** Swept params, in flag order; empty for a single run. */
  sweeps: SweepAxis[];
  /** How a sweep searches its grid, walk-forward folds and local threads (sweep-args.ts). */
  sweepSearch?: SweepSearch;
  rankBy: RankKey;
  top: number;
  help: boolean;
}

const OPTIONS = {
  data: { type: 'string', multiple: true },
  config: { type: 'string' },
  category: { type: 'string' },
  interval: { type: 'string' },
  sizing: { type: 'string' },
  risk: { type: 'string', multiple: true },
  leverage: { type: 'string' },
  margin: { type: 'string' },
  funding: { type: 'string', multiple: true },
  detail: { type: 'string' },
  breakdown: { type: 'string' },
  'maker-fee': { type: 'string' },
  'taker-fee': { type: 'string' },
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
  ...SWEEP_ARG_OPTIONS,
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
  const dataAll = (values.data as string[] | undefined) ?? [];
  const data = dataAll[0];
  const strategy = str('strategy');
  const config = str('config');
  if (!help) {
    if (!data)
      throw new UsageError('--data is required: a CSV or JSON candle file, or bybit:SYMBOL:INTERVAL');
    if (!strategy && !config)
      throw new UsageError(
        `--strategy is required: one of ${STRATEGY_NAMES.join(', ')} (or --config with strategies to run as a portfolio)`,
      );
    if (strategy && !isStrategyName(strategy) && !isStrategyPath(strategy)) {
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
  const risk: Record<string, string> = {};
  for (const p of (values.risk as string[] | undefined) ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--risk expects KEY=VALUE (e.g. maxOpenPositions=1), got "${p}"`);
    const r = parseRiskLimitValue(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
    if (!r.ok) throw new UsageError(`--risk: ${r.message}`);
    risk[r.key] = r.value;
  }
  const interval = str('interval');
  if (interval !== undefined && !INTERVALS.includes(interval))
    throw new UsageError(`--interval accepts ${INTERVALS.join(' ')}, got "${interval}"`);
  const leverage = decimalFlag('leverage', str('leverage'));
  if (leverage !== undefined && (dec(leverage).lt(1) || dec(leverage).gt(100)))
    throw new UsageError(`--leverage must be from 1 to 100, got "${leverage}"`);
  const req: BacktestRequest = {
    data: data ?? '',
    dataAll,
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
    fillGiven: str('fill') !== undefined,
    ...(config !== undefined ? { config } : {}),
    ...optional('category', oneOf('category', str('category'), CATEGORIES)),
    ...optional('interval', interval),
    ...optional('sizing', parseSizing(str('sizing'))),
    risk,
    ...optional('leverage', leverage),
    ...optional('margin', oneOf('margin', str('margin'), MARGIN_MODES)),
    funding: (values.funding as string[] | undefined) ?? [],
    ...optional('detail', str('detail')),
    ...optional('breakdown', oneOf('breakdown', str('breakdown'), BREAKDOWNS)),
    ...optional('makerFee', decimalFlag('maker-fee', str('maker-fee'))),
    ...optional('takerFee', decimalFlag('taker-fee', str('taker-fee'))),
    from,
    to,
    symbol: str('symbol'),
    json: values.json === true,
    chart: str('chart'),
    trades: str('trades'),
    sweeps,
    sweepSearch: parseSweepArgs(values, sweeps.length > 0),
    rankBy: parseRankKey(str('rank-by')),
    top: top === undefined ? 10 : Number(top),
    help,
  };
  checkMode(req);
  return req;
}

/** A request with every default, as parsing no flags gives it: for runs built in code (chat, jobs). */
export function defaultRequest(
  over: Partial<BacktestRequest> & Pick<BacktestRequest, 'data'>,
): BacktestRequest {
  return {
    dataAll: [over.data],
    strategy: '',
    params: {},
    compat: null,
    fill: 'open',
    fillGiven: false,
    risk: {},
    funding: [],
    json: false,
    sweeps: [],
    rankBy: parseRankKey(undefined),
    top: 10,
    help: false,
    ...over,
  };
}

export const MARGIN_MODES = ['isolated', 'cross'] as const;
export type MarginMode = (typeof MARGIN_MODES)[number];
const INTERVALS: readonly string[] = [
  '1',
  '3',
  '5',
  '15',
  '30',
  '60',
  '120',
  '240',
  '360',
  '720',
  'D',
  'W',
  'M',
];

function optional<K extends string, V>(key: K, v: V | undefined): { [k in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [k in K]?: V };
}

const SIZING_FORMS = 'fixed-notional:N, risk-fraction:RISK%:STOP% or atr:RISK%[:PERIOD[:MULT]]';

/** `--sizing fixed-notional:1000`, `risk-fraction:1:2`, `atr:1:14:2`. */
export function parseSizing(v: string | undefined): SizingSpec | undefined {
  if (v === undefined) return undefined;
  const [mode, ...rest] = v.trim().split(':');
  const num = (s: string | undefined, what: string) => {
    const d = s === undefined ? null : tryDec(s);
    if (!d || !d.gt(0))
      throw new UsageError(`--sizing ${mode}: ${what} must be a number above 0, got "${s ?? ''}"`);
    return d;
  };
  if (mode === 'fixed-notional' && rest.length === 1)
    return { mode: 'fixed-notional', notional: num(rest[0], 'the notional') };
  if (mode === 'risk-fraction' && rest.length === 2)
    return { mode: 'risk-fraction', riskPct: num(rest[0], 'RISK%'), stopPct: num(rest[1], 'STOP%') };
  if (mode === 'atr' && rest.length >= 1 && rest.length <= 3) {
    const period = rest[1] === undefined ? 14 : Number(rest[1]);
    if (!Number.isInteger(period) || period < 2 || period > 500)
      throw new UsageError(`--sizing atr: PERIOD must be a whole number from 2 to 500, got "${rest[1]}"`);
    return {
      mode: 'atr',
      riskPct: num(rest[0], 'RISK%'),
      atrPeriod: period,
      atrMultiple: rest[2] === undefined ? dec('2') : num(rest[2], 'MULT'),
    };
  }
  throw new UsageError(`--sizing accepts ${SIZING_FORMS}, got "${v}"`);
}

/** Flags of one mode given in the other are refused rather than ignored. */
function checkMode(req: BacktestRequest): void {
  if (req.help) return;
  // --sweep still runs the broker (its own fill and commission options apply, the kernel's do not).
  const broker = req.compat ? `--compat ${req.compat}` : req.sweeps.length > 0 ? '--sweep' : null;
  if (broker) {
    const kernelOnly: [string, boolean][] = [
      ['--config', req.config !== undefined],
      ['--sizing', req.sizing !== undefined],
      ['--risk', Object.keys(req.risk).length > 0],
      ['--leverage', req.leverage !== undefined],
      ['--margin', req.margin !== undefined],
      ['--funding', req.funding.length > 0],
      ['--detail', req.detail !== undefined],
      ['--breakdown', req.breakdown !== undefined],
      ['--maker-fee', req.makerFee !== undefined],
      ['--taker-fee', req.takerFee !== undefined],
      ['--category', req.category !== undefined],
      ['--interval', req.interval !== undefined],
    ];
    for (const [flag, given] of kernelOnly)
      if (given) throw new UsageError(`${flag} applies to kernel backtests, not ${broker}`);
    if (!req.strategy) throw new UsageError(`${broker} needs --strategy (one strategy on one --data)`);
    if (req.dataAll.length > 1) throw new UsageError(`${broker} takes one --data`);
    return;
  }
  if (req.commissionFixed !== undefined)
    throw new UsageError('--commission-fixed applies with --compat backtesting.py only');
  if (req.fillGiven && req.fill === 'close')
    throw new UsageError(
      '--fill close applies with --compat backtesting.py only (the kernel fills at the next open)',
    );
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
