// Presenting a kernel backtest: the CONTRACT's `--json` document with the kernel report beside the stats
// (denials by check, approvals asked, per-book / per-symbol / per-period results, the defaults used, the
// intrabar rule), a plain-text summary with those tables, and the trades CSV.
import { iso } from './candles.js';
import { deniedLine, type GroupFigures, type KernelReport } from '../kernel/report.js';
import type { KernelRunResult, KernelTrade } from './kernel-run.js';
import { intervalLabel } from './report.js';
import type { BacktestStats } from './stats.js';

export interface KernelTradeJson {
  book: string;
  symbol: string;
  size: string;
  entryBar: number;
  exitBar: number;
  entryTime: string;
  exitTime: string;
  entryPrice: string;
  exitPrice: string;
  pnl: string;
  returnPct: number;
  commission: string;
  liquidated: boolean;
}

export interface KernelBacktestJson {
  mode: 'kernel';
  strategy: string;
  params: Record<string, unknown>;
  instances: {
    id: string;
    strategy: string;
    symbol: string;
    category: string;
    interval: string;
    params: Record<string, unknown>;
  }[];
  data: { source: string; bars: number; start: string; end: string; interval: string };
  stats: Record<keyof BacktestStats, number | string | null>;
  /** The kernel report: ratios as numbers (null where undefined), money as decimal strings. */
  report: Omit<KernelReport, 'profitFactor'> & { profitFactor: number | null; deniedLine: string };
  trades: KernelTradeJson[];
  elapsedMs: number;
}

const finite = (v: number | string): number | string | null =>
  typeof v === 'number' && !Number.isFinite(v) ? null : v;

function tradeJson(t: KernelTrade): KernelTradeJson {
  return {
    book: t.book,
    symbol: t.symbol,
    size: t.size.toFixed(),
    entryBar: t.entryBar,
    exitBar: t.exitBar,
    entryTime: iso(t.entryTime),
    exitTime: iso(t.exitTime),
    entryPrice: t.entryPrice.toDecimalPlaces(8).toFixed(),
    exitPrice: t.exitPrice.toDecimalPlaces(8).toFixed(),
    pnl: t.pnl.toDecimalPlaces(8).toFixed(),
    returnPct: t.returnPct,
    commission: t.fees.toDecimalPlaces(8).toFixed(),
    liquidated: t.liquidated,
  };
}

function label(r: KernelRunResult): string {
  const i = r.plan.instances;
  return i.length === 1 ? (i[0]?.definition.name ?? i[0]?.id ?? '?') : `portfolio of ${i.length}`;
}

export function kernelJsonDocument(r: KernelRunResult, elapsedMs: number): KernelBacktestJson {
  const first = r.plan.data[0];
  const s = first?.bars;
  const one = r.plan.instances.length === 1 ? r.plan.instances[0] : undefined;
  return {
    mode: 'kernel',
    strategy: label(r),
    params: one ? { ...r.result.kernel.instances[0]?.params } : {},
    instances: r.result.kernel.instances.map((rt) => ({
      id: rt.id,
      strategy: rt.name,
      symbol: rt.cfg.symbol,
      category: rt.cfg.category,
      interval: rt.cfg.interval,
      params: { ...rt.params },
    })),
    data: {
      source: r.plan.data.map((d) => d.source).join(' '),
      bars: s?.length ?? 0,
      start: s ? iso(s.time[0] as number) : '',
      end: s ? iso(s.time[s.length - 1] as number) : '',
      interval: s ? intervalLabel(s.time) : '?',
    },
    stats: Object.fromEntries(
      Object.entries(r.stats).map(([k, v]) => [k, finite(v as number | string)]),
    ) as Record<keyof BacktestStats, number | string | null>,
    report: {
      ...r.report,
      profitFactor: Number.isFinite(r.report.profitFactor) ? r.report.profitFactor : null,
      deniedLine: deniedLine(r.report),
    },
    trades: r.trades.map(tradeJson),
    elapsedMs: Math.round(elapsedMs),
  };
}

function fmt(v: number | string): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return 'n/a';
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}

function groupTable(title: string, head: string, g: Readonly<Record<string, GroupFigures>>): string[] {
  const rows = Object.entries(g);
  if (rows.length === 0) return [];
  const w = Math.max(head.length, ...rows.map(([k]) => k.length));
  return [
    title,
    `  ${head.padEnd(w)}  ${'trades'.padStart(6)}  ${'wins'.padStart(5)}  ${'net'.padStart(12)}`,
    ...rows.map(
      ([k, f]) =>
        `  ${k.padEnd(w)}  ${String(f.trades).padStart(6)}  ${String(f.wins).padStart(5)}  ${f.net.padStart(12)}`,
    ),
    '',
  ];
}

const ROWS: [keyof BacktestStats, string, string][] = [
  ['durationDays', 'Duration', 'days'],
  ['exposurePct', 'Exposure Time', '%'],
  ['equityFinal', 'Equity Final', ''],
  ['equityPeak', 'Equity Peak', ''],
  ['commissions', 'Fees', ''],
  ['returnPct', 'Return', '%'],
  ['buyHoldReturnPct', 'Buy & Hold Return', '%'],
  ['returnAnnPct', 'Return (Ann., 365 d)', '%'],
  ['volatilityAnnPct', 'Volatility (Ann.)', '%'],
  ['cagrPct', 'CAGR', '%'],
  ['sharpe', 'Sharpe Ratio', ''],
  ['sortino', 'Sortino Ratio', ''],
  ['calmar', 'Calmar Ratio', ''],
  ['maxDrawdownPct', 'Max. Drawdown', '%'],
  ['avgDrawdownPct', 'Avg. Drawdown', '%'],
  ['maxDrawdownDurationDays', 'Max. Drawdown Duration', 'days'],
  ['trades', '# Trades', ''],
  ['winRatePct', 'Win Rate', '%'],
  ['bestTradePct', 'Best Trade', '%'],
  ['worstTradePct', 'Worst Trade', '%'],
  ['avgTradePct', 'Avg. Trade', '%'],
  ['profitFactor', 'Profit Factor', ''],
  ['expectancyPct', 'Expectancy', '%'],
  ['sqn', 'SQN', ''],
];

export function kernelTextSummary(r: KernelRunResult, elapsedMs: number): string {
  const rep = r.report;
  const head = r.result.kernel.instances.map((rt) => {
    const params = Object.entries(rt.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    return `${rt.id}: ${rt.name}${params ? ` ${params}` : ''} on ${rt.cfg.symbol} ${rt.cfg.category} ${rt.cfg.interval}`;
  });
  const data = r.plan.data.map((d) => {
    const t = d.bars.time;
    return `${d.source}: ${d.bars.length} bars (${intervalLabel(t)}), ${iso(t[0] as number)} → ${iso(t[t.length - 1] as number)}${d.detail ? `, detail ${intervalLabel(d.detail.time)}` : ''}${d.funding ? `, ${d.funding.times.length} funding times` : ''}`;
  });
  const rows = ROWS.map(([k, name, unit]) => {
    const v = fmt(r.stats[k]);
    return `${`${name}${unit === '%' ? ' [%]' : ''}`.padEnd(26)} ${v}${unit === 'days' && v !== 'n/a' ? ' days' : ''}`;
  });
  const lines = [
    `kernel backtest, ${label(r)}`,
    ...head,
    ...data,
    '',
    ...rows,
    '',
    `Risk: ${deniedLine(rep)}`,
    `Approvals: ${rep.approvalsAsked} request${rep.approvalsAsked === 1 ? '' : 's'} a live bot would have asked (approved in the backtest)`,
    ...(rep.fundingPayments ? [`Funding: ${rep.funding} USDT over ${rep.fundingPayments} payments`] : []),
    ...(rep.liquidations ? [`Liquidations: ${rep.liquidations}`] : []),
    '',
    ...groupTable('By strategy', 'instance', rep.byBook),
    ...groupTable('By symbol', 'symbol', rep.bySymbol),
    ...(rep.byPeriod ? groupTable('By period', 'period', rep.byPeriod) : []),
    'Defaults used:',
    ...rep.defaults.map((d) => `  ${d}`),
    ...(r.plan.data.some((d) => d.detail) ? [`Intrabar: ${rep.intrabarRule}`] : []),
    `elapsed ${Math.round(elapsedMs)} ms`,
  ];
  return lines.join('\n');
}

export function kernelTradesCsv(r: KernelRunResult): string {
  const cols: (keyof KernelTradeJson)[] = [
    'book',
    'symbol',
    'size',
    'entryBar',
    'exitBar',
    'entryTime',
    'exitTime',
    'entryPrice',
    'exitPrice',
    'pnl',
    'returnPct',
    'commission',
    'liquidated',
  ];
  const lines = [cols.join(',')];
  for (const t of r.trades) {
    const j = tradeJson(t);
    lines.push(cols.map((c) => String(j[c])).join(','));
  }
  return `${lines.join('\n')}\n`;
}
