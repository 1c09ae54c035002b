// How each alert kind reads in chat. Approval requests are rendered by the approval board instead,
// because they carry buttons and are edited as votes arrive; chat backtests from their stored run.
import { intervalName, type ChatRun } from '../../backtest/chat-run.js';
import { dec } from '../../domain/decimal.js';
import { DENIAL_REPEAT_WINDOW_MS, type ParsedAlert } from './alerts.js';
import { fmtCoin, fmtDuration, fmtMoney, fmtPrice, fmtSigned, fmtTime } from './format.js';
import { fields, note, table, text, type Reply } from './reply.js';

export function renderAlert(a: ParsedAlert): Reply {
  switch (a.kind) {
    case 'fill':
      return {
        title: `${a.complete ? 'Filled' : 'Partly filled'}: ${a.side.toUpperCase()} ${a.symbol}`,
        tone: 'ok',
        blocks: [
          fields([
            ['Quantity', a.qty],
            ['Price', fmtPrice(dec(a.price))],
            ['Notional', fmtMoney(dec(a.qty).mul(dec(a.price)))],
            // At the coin's precision: a 0.055% fee on 27.9 USDT is 0.02, not 0.0153450.
            ...(a.fee !== undefined
              ? ([['Fee', `${fmtCoin(dec(a.fee), a.feeCurrency)} ${a.feeCurrency}`]] as [string, string][])
              : []),
            ...(a.strategy ? ([['Strategy', a.strategy]] as [string, string][]) : []),
          ]),
          ...(a.orderLinkId || a.intentId
            ? [note(a.orderLinkId ? `order ${a.orderLinkId}` : `intent #${a.intentId}`)]
            : []),
        ],
      };
    case 'risk-denial':
      return {
        title: `Risk denied: ${a.side ? `${a.side.toUpperCase()} ` : ''}${a.symbol}`,
        tone: 'warn',
        blocks: [
          text(a.reasons.map((r) => `• ${r.reason}`).join('\n') || 'no reason given'),
          note(
            `intent #${a.intentId}${a.strategy ? ` from ${a.strategy}` : ''} · the same denial on ${a.symbol} is not sent again for ${DENIAL_REPEAT_WINDOW_MS / 60_000} min`,
          ),
        ],
      };
    case 'risk-breach':
      return {
        title: 'Risk limit breached',
        tone: 'error',
        blocks: [text(a.message), note(`Action: ${a.action}`)],
      };
    case 'kill-switch':
      if (a.state === 'ACTIVE') {
        return {
          title: 'Trading resumed',
          tone: 'ok',
          blocks: [
            fields([
              ['By', a.by],
              ['Reason', a.reason],
            ]),
          ],
        };
      }
      return {
        title: 'KILL SWITCH: trading HALTED',
        tone: 'error',
        blocks: [
          fields([
            ['By', a.by],
            ['Reason', a.reason],
            ...(a.cancelledOrders !== undefined
              ? ([['Orders cancelled', String(a.cancelledOrders)]] as [string, string][])
              : []),
            ...(a.closingPositions
              ? ([['Closing', a.closingPositions.join(', ') || 'no positions']] as [string, string][])
              : []),
          ]),
          note('An admin must /resume to trade again.'),
        ],
      };
    case 'reconnect':
      return {
        title: `Reconnected: ${a.stream}`,
        tone: 'warn',
        blocks: [
          text(
            `${a.downtimeMs !== undefined ? `The stream was down for ${fmtDuration(a.downtimeMs)}` : 'The stream reconnected'}; reconciliation runs now.`,
          ),
          ...(a.detail ? [note(a.detail)] : []),
        ],
      };
    case 'reconciliation-drift':
      return {
        title: 'Reconciliation found drift',
        tone: 'error',
        blocks: [
          text(
            a.details
              .slice(0, 10)
              .map((d) => `• ${d}`)
              .join('\n'),
          ),
          note('The exchange is taken as the truth.'),
        ],
      };
    case 'job-failure':
      return {
        title: `Job failed: ${a.job}`,
        tone: 'error',
        blocks: [
          text(a.error.slice(0, 500)),
          ...(a.attempts !== undefined ? [note(`after ${a.attempts} attempt(s)`)] : []),
        ],
      };
    case 'order-failed':
      return {
        title: `Order failed: ${a.symbol}`,
        tone: 'error',
        blocks: [text(a.reason), note(`intent #${a.intentId}`)],
      };
    case 'approval-request':
      return {
        title: `Approval #${a.approvalId} requested`,
        tone: 'warn',
        blocks: [text('Send /pending to see it.')],
      };
    case 'approval-decided':
      return { title: `Approval #${a.approvalId} ${a.outcome}`, tone: 'info', blocks: [text(`by ${a.by}`)] };
    case 'digest':
      return {
        title: `Daily digest ${a.day}`,
        tone: 'info',
        blocks: [
          table(
            ['', 'Value'],
            [
              ['Equity', fmtMoney(dec(a.equity))],
              ['PnL', fmtSigned(dec(a.pnl))],
              ['Trades', String(a.trades)],
              ['Open positions', String(a.openPositions)],
              ['Pending approvals', String(a.pendingApprovals)],
            ],
          ),
        ],
      };
    case 'heartbeat':
      return {
        title: 'Heartbeat',
        tone: a.lastTickAgoMs !== undefined ? 'warn' : 'info',
        blocks: [
          text(a.message),
          ...(a.lastTickAgoMs !== undefined
            ? [note(`last strategy tick ${fmtDuration(a.lastTickAgoMs)} ago`)]
            : []),
        ],
      };
    // Delivered from the stored run (renderBacktestStatus / renderBacktestResult); this is the fallback.
    case 'backtest-progress':
      return { title: `Backtest #${a.runId}: ${a.stage}`, tone: 'info', blocks: [] };
    case 'backtest-result':
      return {
        title: `Backtest #${a.runId} finished`,
        tone: 'info',
        blocks: [text(`Send /backtest #${a.runId} to see it.`)],
      };
  }
}

/** "sma-cross(5,20) BTCUSDT 1m". */
export function backtestLabel(
  run: Pick<ChatRun, 'strategy' | 'symbol' | 'interval'> & {
    request: Pick<ChatRun['request'], 'strategyParams'>;
  },
): string {
  const params = Object.values(run.request.strategyParams).join(',');
  return `${run.strategy}(${params}) ${run.symbol} ${intervalName(run.interval)}`;
}

function rangeNote(run: ChatRun, bars?: number): string {
  const params = Object.entries(run.request.strategyParams)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const span = `${fmtTime(run.request.from)} → ${fmtTime(run.request.to)} UTC`;
  return [params, span, bars !== undefined ? `${bars.toLocaleString('en-US')} bars` : '']
    .filter(Boolean)
    .join(' · ');
}

const BAR_CELLS = 10;
const STAGE_TEXT = {
  queued: 'Waiting for a worker',
  loading: 'Loading candles',
  simulating: 'Simulating',
  rendering: 'Drawing the chart',
  done: 'Done',
  failed: 'Failed',
} as const;

/** The one-line status of a run, posted once and edited as it moves on. */
export function renderBacktestStatus(run: ChatRun): Reply {
  const p = run.request.progress ?? { stage: 'queued' as const, pct: 0 };
  const title = `Backtest #${run.id} ${run.status === 'running' ? 'running' : run.status}`;
  if (run.status === 'failed') {
    return { title, tone: 'error', blocks: [text(run.error ?? 'failed'), note(backtestLabel(run))] };
  }
  if (run.status === 'done') {
    const secs = run.stats ? ` in ${(run.stats.elapsedMs / 1000).toFixed(1)} s` : '';
    const bars = run.stats?.data.bars ?? p.bars;
    return {
      title,
      tone: 'ok',
      blocks: [
        text(`${backtestLabel(run)}: ${bars?.toLocaleString('en-US') ?? '?'} bars${secs}. Results below.`),
      ],
    };
  }
  const filled = Math.round((p.pct / 100) * BAR_CELLS);
  const bar = `${'▓'.repeat(filled)}${'░'.repeat(BAR_CELLS - filled)} ${Math.round(p.pct)}%`;
  const what =
    p.stage === 'simulating' && p.bars !== undefined
      ? `Simulating ${p.bars.toLocaleString('en-US')} bars`
      : STAGE_TEXT[p.stage];
  return { title, tone: 'info', blocks: [text(`${what}… ${bar}`), note(backtestLabel(run))] };
}

function statNum(v: number | string | null | undefined, dp: number, suffix = '', signed = false): string {
  const n = typeof v === 'string' ? Number(v) : v;
  if (n === null || n === undefined || !Number.isFinite(n)) return 'n/a';
  return `${signed && n >= 0 ? '+' : ''}${n.toFixed(dp)}${suffix}`;
}

/** A finished run for the chat that asked (or `/backtest last`): compact stats and the equity chart. */
export function renderBacktestResult(run: ChatRun): Reply {
  if (run.status === 'failed' || !run.stats) {
    return {
      title: `Backtest #${run.id} failed`,
      tone: 'error',
      blocks: [text(run.error ?? `Backtest #${run.id} is ${run.status}.`), note(backtestLabel(run))],
    };
  }
  const s = run.stats.stats;
  const money = (v: number | string | null | undefined): string =>
    typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? fmtMoney(dec(v)) : 'n/a';
  const rows: [string, string][] = [
    ['Return', statNum(s.returnPct, 2, '%', true)],
    ['Buy & hold', statNum(s.buyHoldReturnPct, 2, '%', true)],
    ['Final equity', money(s.equityFinal)],
    ['Max drawdown', statNum(s.maxDrawdownPct, 2, '%')],
    ['Sharpe', statNum(s.sharpe, 2)],
    ['Trades', statNum(s.trades, 0)],
    ['Win rate', statNum(s.winRatePct, 1, '%')],
    ['Profit factor', statNum(s.profitFactor, 2)],
    ['Exposure', statNum(s.exposurePct, 1, '%')],
  ];
  return {
    title: `Backtest #${run.id}: ${backtestLabel(run)}`,
    tone: 'ok',
    blocks: [
      table(['Stat', { header: 'Value', align: 'right' }], rows),
      note(rangeNote(run, run.stats.data.bars)),
    ],
    ...(run.chart
      ? {
          image: {
            png: run.chart,
            filename: `backtest-${run.id}.png`,
            caption: `Backtest #${run.id} equity`,
          },
        }
      : {}),
  };
}
