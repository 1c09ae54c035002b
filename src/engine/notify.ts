// What the engine tells operators, as typed notifications; the composition root routes them to chat.
import type { Decimal } from '../domain/decimal.js';

export type Notification =
  | {
      kind: 'fill';
      symbol: string;
      side: string;
      qty: Decimal;
      price: Decimal;
      intentId: number | null;
      /** The book it belongs to, what it did to that book, and a closing fill's result and fee. */
      book?: string;
      effect?: 'opened' | 'added' | 'reduced' | 'closed' | 'flipped';
      realizedPnl?: Decimal | null;
      fee?: Decimal;
    }
  | { kind: 'risk-denial'; intentId: number; symbol: string; reasons: { check: string; reason: string }[] }
  | { kind: 'risk-breach'; message: string; action: string }
  | { kind: 'approval-request'; approvalId: number; intentId: number }
  | {
      kind: 'approval-decided';
      approvalId: number;
      intentId: number;
      outcome: 'approved' | 'rejected' | 'expired';
      by: string;
    }
  | { kind: 'kill-switch'; state: string; by: string; reason: string }
  | { kind: 'order-failed'; intentId: number; symbol: string; reason: string }
  | { kind: 'reconnect'; stream: string; detail: string }
  | { kind: 'reconciliation-drift'; message: string }
  | { kind: 'job-failure'; job: string; message: string };

export interface Notifier {
  notify(n: Notification): Promise<void>;
}

/** Collects notifications in memory: tests and the backtester. */
export class MemoryNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async notify(n: Notification): Promise<void> {
    this.sent.push(n);
  }
}
