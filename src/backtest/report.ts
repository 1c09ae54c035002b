// Presenting a result: the CONTRACT's `--json` document, a plain-text summary and the trades CSV.
import { iso } from './candles.js';
import type { BacktestResult } from './run-backtest.js';
import type { BacktestStats } from './stats.js';
import type { TradeJson } from './trade-record.js';
import { dataPeriodMs } from './stats-time.js';

export interface BacktestJson {
  strategy: string;
  params: Record<string, number>;
  data: { source: string; bars: number; start: string; end: string; interval: string };
  options: Record<string, string | null>;
  stats: Record<keyof BacktestStats, number | string | null>;
  trades: TradeJson[];
  openTradesAtEnd: number;
  skippedOrders: number;
  elapsedMs: number;
}

/** JSON has no NaN or Infinity: undefined ratios (no trades, zero volatility) become null. */
function finite(v: number | string): number | string | null {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

/** "1m", "4h", "1D", "1W", "1M" from the bar spacing, for titles and the JSON document. */
export function intervalLabel(time: Float64Array): string {
  const p = dataPeriodMs(time);
  if (!Number.isFinite(p) || p <= 0) return '?';
  const day = 86_400_000;
  if (p >= 28 * day && p <= 31 * day) return '1M';
  if (p >= 365 * day) return `${Math.round(p / (365 * day))}Y`;
  if (p % (7 * day) === 0) return `${p / (7 * day)}W`;
  if (p % day === 0) return `${p / day}D`;
  if (p % 3_600_000 === 0) return `${p / 3_600_000}h`;
  if (p % 60_000 === 0) return `${p / 60_000}m`;
  return `${p / 1000}s`;
}

export function toJsonDocument(r: BacktestResult, source: string, elapsedMs: number): BacktestJson {
  const s = r.series;
  const o = r.options;
  const stats = Object.fromEntries(
    Object.entries(r.stats).map(([k, v]) => [k, finite(v as number | string)]),
  ) as Record<keyof BacktestStats, number | string | null>;
  return {
    strategy: r.strategy,
    params: { ...r.params },
    data: {
      source,
      bars: s.length,
      start: iso(s.time[0] as number),
      end: iso(s.time[s.length - 1] as number),
      interval: intervalLabel(s.time),
    },
    options: {
      cash: o.cash.toFixed(),
      commission: o.commission.toFixed(),
      commissionFixed: o.commissionFixed.toFixed(),
      spread: o.spread.toFixed(),
      slippageBps: o.slippageBps.toFixed(),
      qtyStep: o.qtyStep.toFixed(),
      minNotional: o.minNotional.toFixed(),
      compat: o.compat,
      fill: o.fill,
    },
    stats,
    trades: r.trades.map((t) => t.toJSON()),
    openTradesAtEnd: r.openTradesAtEnd,
    skippedOrders: r.skippedOrders,
    elapsedMs: Math.round(elapsedMs),
  };
}

const LABELS: [keyof BacktestStats, string, string][] = [
  ['durationDays', 'Duration', 'days'],
  ['exposurePct', 'Exposure Time', '%'],
  ['equityFinal', 'Equity Final', ''],
  ['equityPeak', 'Equity Peak', ''],
  ['commissions', 'Commissions', ''],
  ['returnPct', 'Return', '%'],
  ['buyHoldReturnPct', 'Buy & Hold Return', '%'],
  ['returnAnnPct', 'Return (Ann.)', '%'],
  ['volatilityAnnPct', 'Volatility (Ann.)', '%'],
  ['cagrPct', 'CAGR', '%'],
  ['sharpe', 'Sharpe Ratio', ''],
  ['sortino', 'Sortino Ratio', ''],
  ['calmar', 'Calmar Ratio', ''],
  ['alphaPct', 'Alpha', '%'],
  ['beta', 'Beta', ''],
  ['maxDrawdownPct', 'Max. Drawdown', '%'],
  ['avgDrawdownPct', 'Avg. Drawdown', '%'],
  ['maxDrawdownDurationDays', 'Max. Drawdown Duration', 'days'],
  ['avgDrawdownDurationDays', 'Avg. Drawdown Duration', 'days'],
  ['trades', '# Trades', ''],
  ['winRatePct', 'Win Rate', '%'],
  ['bestTradePct', 'Best Trade', '%'],
  ['worstTradePct', 'Worst Trade', '%'],
  ['avgTradePct', 'Avg. Trade', '%'],
  ['maxTradeDurationDays', 'Max. Trade Duration', 'days'],
  ['avgTradeDurationDays', 'Avg. Trade Duration', 'days'],
  ['profitFactor', 'Profit Factor', ''],
  ['expectancyPct', 'Expectancy', '%'],
  ['sqn', 'SQN', ''],
  ['kelly', 'Kelly Criterion', ''],
];

function fmt(v: number | string): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return 'n/a';
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}

export function textSummary(r: BacktestResult, source: string, elapsedMs: number): string {
  const s = r.series;
  const params = Object.entries(r.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const head = [
    `${r.strategy} ${params} on ${source}`,
    `${s.length} bars (${intervalLabel(s.time)}), ${iso(s.time[0] as number)} → ${iso(s.time[s.length - 1] as number)}` +
      (r.options.compat ? `, compat ${r.options.compat}` : ''),
    '',
  ];
  const rows = LABELS.map(([k, label, unit]) => {
    const v = fmt(r.stats[k]);
    return `${`${label}${unit === '%' ? ' [%]' : ''}`.padEnd(26)} ${v}${unit === 'days' && v !== 'n/a' ? ' days' : ''}`;
  });
  const notes: string[] = [];
  if (r.skippedOrders)
    notes.push(
      `${r.skippedOrders} order(s) skipped: too small for the quantity step, minimum notional or margin`,
    );
  if (r.ignoredStops) notes.push(`${r.ignoredStops} stop(s) ignored: on the wrong side of the fill price`);
  if (r.openTradesAtEnd)
    notes.push(
      `${r.openTradesAtEnd} trade(s) entered on the last bar are left open (in equity, not in trade stats)`,
    );
  return [...head, ...rows, '', ...notes, `elapsed ${Math.round(elapsedMs)} ms`].join('\n');
}

/** One row per closed trade, CONTRACT field names as the header. */
export function tradesCsv(r: BacktestResult): string {
  const cols: (keyof TradeJson)[] = [
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
    'stop',
  ];
  const lines = [cols.join(',')];
  for (const t of r.trades) {
    const j = t.toJSON();
    lines.push(cols.map((c) => String(j[c] ?? '')).join(','));
  }
  return `${lines.join('\n')}\n`;
}
