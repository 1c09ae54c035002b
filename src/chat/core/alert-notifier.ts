// The engine's Notifier, delivered to chat: each engine notification becomes a stored alert and a
// send-alert job (raiseAlert), so workers without chat connections still reach operators.
import type { Queue } from 'bullmq';
import type { Db } from '../../db/client.js';
import type { Notification, Notifier } from '../../engine/notify.js';
import { logger } from '../../platform/logger.js';
import { raiseAlert, type Alert } from './alerts.js';

export function alertOf(n: Notification): Alert {
  switch (n.kind) {
    case 'fill':
      return {
        kind: 'fill',
        symbol: n.symbol,
        side: n.side,
        qty: n.qty.toFixed(),
        price: n.price.toFixed(),
        intentId: n.intentId,
      };
    case 'risk-denial':
      return { kind: 'risk-denial', intentId: n.intentId, symbol: n.symbol, reasons: n.reasons };
    case 'risk-breach':
      return { kind: 'risk-breach', message: n.message, action: n.action };
    case 'approval-request':
      return { kind: 'approval-request', approvalId: n.approvalId, intentId: n.intentId };
    case 'approval-decided':
      return { kind: 'approval-decided', approvalId: n.approvalId, outcome: n.outcome, by: n.by };
    case 'kill-switch':
      return { kind: 'kill-switch', state: n.state, by: n.by, reason: n.reason };
    case 'order-failed':
      return { kind: 'order-failed', intentId: n.intentId, symbol: n.symbol, reason: n.reason };
    case 'reconnect':
      return { kind: 'reconnect', stream: n.stream, detail: n.detail };
    case 'reconciliation-drift':
      return { kind: 'reconciliation-drift', details: [n.message] };
    case 'job-failure':
      return { kind: 'job-failure', job: n.job, error: n.message };
  }
}

export function createAlertNotifier(db: Db, queue: Queue): Notifier {
  return {
    async notify(n) {
      try {
        await raiseAlert(db, queue, alertOf(n));
      } catch (e) {
        // A lost notification must not fail the trade that caused it; the log keeps it.
        logger().error({ kind: n.kind, err: e instanceof Error ? e.message : String(e) }, 'alert not raised');
      }
    },
  };
}
