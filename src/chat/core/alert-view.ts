// How each alert kind reads in chat. Approval requests are rendered by the approval board instead,
// because they carry buttons and are edited as votes arrive.
import { dec } from '../../domain/decimal.js';
import type { ParsedAlert } from './alerts.js';
import { fmtDuration, fmtMoney, fmtPrice, fmtSigned } from './format.js';
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
            ...(a.fee !== undefined ? ([['Fee', `${a.fee} ${a.feeCurrency}`]] as [string, string][]) : []),
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
          note(`intent #${a.intentId}${a.strategy ? ` from ${a.strategy}` : ''}`),
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
  }
}
