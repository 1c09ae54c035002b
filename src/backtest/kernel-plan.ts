// A `bosun backtest` request (or a chat run) turned into a kernel plan: the instances (one --strategy, or
// bosun.yaml's as a portfolio), their data by symbol, risk limits and approval policy from the config,
// Bybit's instruments and fees, margin, funding, and the defaults it used in words for the report.
import { basename, extname } from 'node:path';
import { dec, type Decimal } from '../domain/decimal.js';
import type { Category, Instrument } from '../domain/instrument.js';
import { intervalMs } from '../domain/intervals.js';
import { approvalRoute } from '../kernel/approval-policy.js';
import { resample, type FundingSeries } from '../kernel/backtest.js';
import { DEFAULT_MARGIN, INTRABAR_RULE } from '../kernel/sim-venue.js';
import type { InstanceConfig } from '../kernel/types.js';
import { parseConfig, type BosunConfig } from '../platform/config.js';
import { UsageError } from '../platform/errors.js';
import { limitsFromConfig } from '../risk/limits.js';
import { sizingFromConfig, type SizingConfigInput } from '../risk/sizing.js';
import type { SizingSpec } from '../risk/types.js';
import { resolveParams, StrategyParamError } from '../sdk/params.js';
import type { StrategyDefinition } from '../sdk/types.js';
import { getDefinition, resolveStrategy } from '../strategies/registry.js';
import type { CandleSeries } from './candles.js';
import { CandleDataError } from './candles.js';
import { OPTION_FLAGS, type BacktestRequest } from './cli-args.js';
import { BacktestOptionError, resolveOptions, type BacktestOptionsInput } from './options.js';
import { backtestInstrument, BYBIT_FEES } from './kernel-instruments.js';
import type { KernelRunData, KernelRunPlan } from './kernel-run.js';
import { dataPeriodMs } from './stats-time.js';

export interface PlanSources {
  /** Candles of a --data source (a file or prefix:spec) within the request's range. */
  candles(src: string): Promise<CandleSeries>;
  /** --funding FILE|RATE over [from, to]. */
  funding(spec: string, from: number, to: number): Promise<FundingSeries>;
}

export interface PlanConfig {
  readonly config: BosunConfig;
  /** Where it was read from ("built-in defaults" when no file). */
  readonly source: string;
}

/** bosun.yaml's default sizing for an instance (what the bot does when a strategy gives none). */
const DEFAULT_SIZING: SizingSpec = sizingFromConfig(
  parseConfig({ strategies: [{ id: 'x', strategy: 'sma-cross', symbol: 'BTCUSDT', interval: '1' }] })
    .strategies[0]?.sizing as SizingConfigInput,
);

const CODES: readonly [number, string][] = [
  [60_000, '1'],
  [180_000, '3'],
  [300_000, '5'],
  [900_000, '15'],
  [1_800_000, '30'],
  [3_600_000, '60'],
  [7_200_000, '120'],
  [14_400_000, '240'],
  [21_600_000, '360'],
  [43_200_000, '720'],
  [86_400_000, 'D'],
  [604_800_000, 'W'],
];

/** The Bybit interval code of a series from its bar spacing. */
export function intervalOf(s: CandleSeries, what: string): string {
  const p = dataPeriodMs(s.time);
  const code = CODES.find(([ms]) => ms === p)?.[1];
  if (code) return code;
  if (p >= 28 * 86_400_000 && p <= 31 * 86_400_000) return 'M';
  throw new CandleDataError(
    `${what}: bars ${Number.isFinite(p) ? `${p / 1000} s` : '?'} apart are not a Bybit kline interval (1 3 5 15 30 60 120 240 360 720 D W M)`,
  );
}

function pct(d: Decimal): string {
  return `${d.mul(100).toFixed()} %`;
}

interface DataArg {
  readonly symbol: string | null;
  readonly src: string;
}

function dataArgs(req: BacktestRequest): DataArg[] {
  return req.dataAll.map((d) => {
    const m = /^([A-Z0-9]{2,20})=(.+)$/.exec(d);
    if (m) return { symbol: m[1] as string, src: m[2] as string };
    const b = /^bybit:([A-Z0-9]+):/.exec(d);
    return { symbol: b ? (b[1] as string) : null, src: d };
  });
}

/** "btcusdt-1m.csv" → BTCUSDT, "backtest-GOOG.csv" → GOOG: a word ending in USDT, else one in capitals, else the first. */
function symbolFromFile(src: string): string {
  const words = basename(src, extname(src))
    .split(/[^A-Za-z0-9]/)
    .filter(Boolean);
  const word =
    words.find((w) => /usdt$/i.test(w)) ?? words.find((w) => /^[A-Z][A-Z0-9]+$/.test(w)) ?? words[0] ?? '';
  return word.toUpperCase().slice(0, 20) || 'ASSET';
}

async function instancesOf(
  req: BacktestRequest,
  cfg: PlanConfig,
  data: readonly DataArg[],
  defaults: string[],
): Promise<InstanceConfig[]> {
  const sizingNote = (s: SizingSpec) =>
    s.mode === 'fixed-notional'
      ? `fixed-notional ${s.notional.toFixed()} USDT`
      : s.mode === 'risk-fraction'
        ? `risk-fraction ${s.riskPct.toFixed()} % to a ${s.stopPct.toFixed()} % stop`
        : `atr ${s.riskPct.toFixed()} % (ATR ${s.atrPeriod} × ${s.atrMultiple.toFixed()})`;
  const leverage = req.leverage ? dec(req.leverage) : undefined;
  if (req.strategy) {
    await resolveStrategy(req.strategy);
    const definition = getDefinition(req.strategy);
    checkParams(definition, req.params, '--param: ');
    const symbol = req.symbol ?? data[0]?.symbol ?? symbolFromFile(data[0]?.src ?? '');
    const category = req.category ?? 'linear';
    if (!req.category) defaults.push('category: linear (--category spot for spot)');
    const sizing = req.sizing ?? DEFAULT_SIZING;
    if (!req.sizing)
      defaults.push(`sizing: ${sizingNote(sizing)} per entry, bosun.yaml's default (--sizing)`);
    if (category === 'spot' && leverage) throw new UsageError('--leverage applies to linear, not spot');
    return [
      {
        id: definition.name ?? basename(req.strategy, extname(req.strategy)),
        definition,
        params: req.params,
        category,
        symbol,
        interval: req.interval ?? '',
        sizing,
        ...(leverage ? { leverage } : {}),
      },
    ];
  }
  const enabled = cfg.config.strategies.filter((s) => s.enabled);
  if (enabled.length === 0)
    throw new UsageError(`--config ${cfg.source} has no enabled strategies: give --strategy NAME`);
  const out: InstanceConfig[] = [];
  for (const s of enabled) {
    await resolveStrategy(s.strategy);
    checkParams(getDefinition(s.strategy), s.params, `${cfg.source}: strategies: "${s.id}": `);
    out.push({
      id: s.id,
      definition: getDefinition(s.strategy),
      params: s.params,
      category: s.category,
      symbol: s.symbol,
      interval: s.interval,
      sizing: req.sizing ?? sizingFromConfig(s.sizing as SizingConfigInput),
      ...(s.leverage
        ? { leverage: dec(s.leverage) }
        : leverage && s.category === 'linear'
          ? { leverage }
          : {}),
    });
  }
  return out;
}

/** The cost flags' ranges, with the broker's rules and messages ("--qty-step: must be greater than 0"). */
function checkCosts(req: BacktestRequest): void {
  const each: [string, BacktestOptionsInput][] = [
    [
      '',
      {
        ...(req.cash !== undefined ? { cash: req.cash } : {}),
        ...(req.commission !== undefined ? { commission: req.commission } : {}),
        ...(req.spread !== undefined ? { spread: req.spread } : {}),
        ...(req.slippageBps !== undefined ? { slippageBps: req.slippageBps } : {}),
        ...(req.qtyStep !== undefined ? { qtyStep: req.qtyStep } : {}),
        ...(req.minNotional !== undefined ? { minNotional: req.minNotional } : {}),
      },
    ],
    ['--taker-fee', req.takerFee !== undefined ? { commission: req.takerFee } : {}],
    ['--maker-fee', req.makerFee !== undefined ? { commission: req.makerFee } : {}],
  ];
  for (const [flag, input] of each) {
    try {
      resolveOptions(input);
    } catch (e) {
      if (!(e instanceof BacktestOptionError)) throw e;
      const name = flag || (OPTION_FLAGS[e.option] ?? e.option);
      throw new UsageError(`${name}: ${e.message.replace(/^\w+ /, '')}`, { cause: e });
    }
  }
}

/** The strategy's own checks on its params (ranges, then rules across them), as a usage error. */
function checkParams(def: StrategyDefinition, raw: Readonly<Record<string, unknown>>, where: string): void {
  try {
    const p = resolveParams(def.name ?? 'strategy', def.params ?? {}, raw);
    const problem = def.validate?.(p);
    if (problem) throw new UsageError(`${where}${problem.message}`);
  } catch (e) {
    if (e instanceof StrategyParamError) throw new UsageError(`${where}${e.message}`);
    throw e;
  }
}

/** Detail bars for a symbol: the data itself when it is that fine, bybit:SYMBOL:I, or a source given. */
async function detailFor(
  req: BacktestRequest,
  arg: DataArg,
  data: CandleSeries,
  dataInterval: string,
  sources: PlanSources,
): Promise<CandleSeries> {
  const d = req.detail as string;
  const isCode = /^(\d+|D|W)$/.test(d);
  if (!isCode) return sources.candles(d);
  if (d === dataInterval) return data;
  const b = /^bybit:([A-Z0-9]+):[^:]+(:(linear|spot))?$/.exec(arg.src);
  if (b) return sources.candles(`bybit:${b[1]}:${d}${b[2] ?? ''}`);
  throw new UsageError(
    `--detail ${d}: ${arg.src} has ${dataInterval} bars; give data at ${d} (bars of --interval are built from it), bybit: data, or --detail FILE`,
  );
}

export async function buildKernelPlan(
  req: BacktestRequest,
  cfg: PlanConfig,
  sources: PlanSources,
): Promise<KernelRunPlan> {
  const defaults: string[] = [];
  checkCosts(req);
  const args = dataArgs(req);
  const instances = await instancesOf(req, cfg, args, defaults);
  const symbols = [...new Map(instances.map((i) => [`${i.category}:${i.symbol}`, i])).values()];
  const bySymbol = (symbol: string): DataArg => {
    const named = args.find((a) => a.symbol === symbol);
    if (named) return named;
    const unnamed = args.filter((a) => a.symbol === null);
    if (unnamed.length === 1 && symbols.length === 1) return unnamed[0] as DataArg;
    throw new UsageError(
      `no --data for ${symbol}: give --data ${symbol}=FILE or --data bybit:${symbol}:INTERVAL`,
    );
  };
  for (const a of args) {
    if (a.symbol !== null && !symbols.some((i) => i.symbol === a.symbol))
      throw new UsageError(
        `--data ${a.src}: no instance trades ${a.symbol} (instances trade ${symbols.map((i) => i.symbol).join(', ')})`,
      );
  }
  if (args.filter((a) => a.symbol === null).length > 1)
    throw new UsageError('several --data files: name the symbol of each, e.g. --data BTCUSDT=btc.csv');
  const data: KernelRunData[] = [];
  const instruments: Instrument[] = [];
  const over = {
    ...(req.qtyStep ? { qtyStep: dec(req.qtyStep) } : {}),
    ...(req.minNotional ? { minNotional: dec(req.minNotional) } : {}),
  };
  const finalInstances: InstanceConfig[] = [];
  for (const first of symbols) {
    const arg = bySymbol(first.symbol);
    const raw = await sources.candles(arg.src);
    const rawInterval = intervalOf(raw, arg.src);
    const mine = instances.filter((i) => i.symbol === first.symbol && i.category === first.category);
    for (const i of mine) {
      const interval = i.interval || rawInterval;
      if (intervalMs(interval, 0) < intervalMs(rawInterval, 0))
        throw new UsageError(`${i.id} trades ${interval} bars, finer than ${arg.src}'s ${rawInterval}`);
      finalInstances.push({ ...i, interval });
    }
    const own = finalInstances.filter((i) => mine.some((m) => m.id === i.id));
    // The venue works the strategy's own bars (the finest of the symbol's instances), built from the data
    // when it is finer; what happened inside a bar is the stated rule, or the --detail bars.
    const tradeInterval =
      own.map((i) => i.interval).sort((a, b) => intervalMs(a, 0) - intervalMs(b, 0))[0] ?? rawInterval;
    const bars =
      tradeInterval === rawInterval
        ? raw
        : { ...resample(raw, intervalMs(rawInterval, 0), tradeInterval), priceDecimals: raw.priceDecimals };
    if (bars.length === 0) throw new CandleDataError(`${arg.src}: no complete ${tradeInterval} bars in it`);
    const detail = req.detail ? await detailFor(req, arg, raw, rawInterval, sources) : undefined;
    const fundingSpec =
      req.funding.find((f) => f.startsWith(`${first.symbol}=`))?.slice(first.symbol.length + 1) ??
      req.funding.find((f) => !/^[A-Z0-9]{2,20}=/.test(f));
    let funding: FundingSeries | undefined;
    if (fundingSpec !== undefined) {
      if (first.category !== 'linear')
        throw new UsageError(`--funding: ${first.symbol} is spot; funding applies to linear`);
      funding = await sources.funding(
        fundingSpec,
        bars.time[0] as number,
        (bars.time[bars.length - 1] as number) +
          intervalMs(tradeInterval, bars.time[bars.length - 1] as number),
      );
    }
    data.push({
      series: { category: first.category, symbol: first.symbol, interval: tradeInterval },
      bars,
      source: arg.src,
      ...(detail ? { detail } : {}),
      ...(funding ? { funding } : {}),
    });
    const inst = backtestInstrument(first.category, first.symbol, raw.priceDecimals, over);
    instruments.push(inst.instrument);
    if (!inst.listed)
      defaults.push(
        `${first.symbol}: not in bosun's Bybit instrument list; tick ${inst.instrument.tickSize.toFixed()} from the data, qty step ${inst.instrument.qtyStep.toFixed()}${req.qtyStep ? '' : ' (--qty-step)'}`,
      );
  }
  // The finest series first: the equity curve is sampled at its closes.
  data.sort((a, b) => intervalMs(a.series.interval, 0) - intervalMs(b.series.interval, 0));

  const cats = new Set<Category>(finalInstances.map((i) => i.category));
  const one = req.commission ? dec(req.commission) : undefined;
  const taker = (c: Category) => (req.takerFee ? dec(req.takerFee) : (one ?? dec(BYBIT_FEES[c].taker)));
  const maker = (c: Category) => (req.makerFee ? dec(req.makerFee) : (one ?? dec(BYBIT_FEES[c].maker)));
  if (!req.takerFee && !one)
    defaults.push(
      `taker fee: Bybit's ${[...cats].map((c) => `${pct(dec(BYBIT_FEES[c].taker))} ${c}`).join(', ')} (--taker-fee, --commission)`,
    );
  if (!req.makerFee && !one)
    defaults.push(
      `maker fee: Bybit's ${[...cats].map((c) => `${pct(dec(BYBIT_FEES[c].maker))} ${c}`).join(', ')} (--maker-fee)`,
    );
  const main = (finalInstances[0] as InstanceConfig).category;
  const spread = dec(req.spread ?? '0');
  const slippageBps = dec(req.slippageBps ?? '0').plus(spread.mul('5000'));
  if (!req.slippageBps && !req.spread) defaults.push('slippage: none (--slippage-bps, --spread)');

  const linear = cats.has('linear');
  const margin = {
    ...DEFAULT_MARGIN,
    mode: req.margin ?? 'isolated',
    defaultLeverage: req.leverage ? dec(req.leverage) : DEFAULT_MARGIN.defaultLeverage,
  };
  if (linear) {
    if (!req.leverage && !finalInstances.some((i) => i.leverage))
      defaults.push('leverage: 1 (--leverage, or leverage: in bosun.yaml)');
    if (margin.mode === 'isolated')
      defaults.push(
        `margin: ${req.margin ? '' : 'isolated (--margin cross), '}liquidation at Bybit's maintenance margin rate ${pct(margin.mmr)}`,
      );
    else
      defaults.push(
        `margin: cross, a position liquidated when the account's equity meets its maintenance margin (Bybit's rate ${pct(margin.mmr)}), settled where equity reaches 0`,
      );
    if (!data.some((d) => d.funding)) defaults.push('funding: none charged (--funding FILE|RATE)');
  }
  if (!req.detail) defaults.push(`intrabar: ${INTRABAR_RULE} (--detail for a lower interval)`);
  if (!req.cash) defaults.push('cash: 10000 USDT (--cash)');
  const config = cfg.config;
  const overrides = Object.keys(req.risk).length
    ? ` with ${Object.entries(req.risk)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`
    : '';
  defaults.push(`risk limits: ${cfg.source}${overrides}`);
  defaults.push(
    `approvals: ${config.approvals.mode} policy (${cfg.source}); every request is approved in a backtest and counted`,
  );
  return {
    instances: finalInstances,
    data,
    instruments,
    limits: limitsFromConfig(config.risk, req.risk),
    approvals: (n, r) => approvalRoute(config.approvals, n, r),
    cash: dec(req.cash ?? '10000'),
    costs: {
      takerFee: taker(main),
      makerFee: maker(main),
      slippageBps,
      byCategory: Object.fromEntries([...cats].map((c) => [c, { takerFee: taker(c), makerFee: maker(c) }])),
    },
    margin,
    defaults,
    ...(req.breakdown ? { breakdown: req.breakdown } : {}),
  };
}
