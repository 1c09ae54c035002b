// What a decision tells the operators: the kernel's notices and approval requests as the engine's typed
// notifications (the chat layer renders them), with intent row ids where chat shows them.
import type { Command, Notice } from '../../kernel/types.js';
import type { Notification } from '../notify.js';

function fromNotice(n: Notice, ids: ReadonlyMap<string, number>): Notification | null {
  switch (n.kind) {
    case 'fill':
      return {
        kind: 'fill',
        symbol: n.symbol,
        side: n.side,
        qty: n.qty,
        price: n.price,
        intentId: null,
        book: n.book,
        effect: n.effect,
        realizedPnl: n.realizedPnl,
        fee: n.fee,
      };
    case 'denied': {
      const intentId = ids.get(n.intentRef);
      if (intentId === undefined) return null;
      return {
        kind: 'risk-denial',
        intentId,
        symbol: n.symbol,
        reasons: n.reasons.map((r) => ({ check: r.check, reason: r.reason })),
      };
    }
    case 'intent-ended': {
      const intentId = ids.get(n.intentRef);
      if (intentId === undefined || (n.status !== 'failed' && n.status !== 'cancelled')) return null;
      return { kind: 'order-failed', intentId, symbol: n.symbol, reason: n.reason };
    }
    case 'liquidated':
      return {
        kind: 'risk-breach',
        message: `${n.symbol}: the venue liquidated ${n.qty.toFixed()} of ${n.book} at ${n.price.toFixed()}`,
        action: 'position closed by the exchange',
      };
    case 'log':
    case 'funding':
      return null;
  }
}

export function noticesOf(
  commands: readonly Command[],
  ids: ReadonlyMap<string, number>,
  approvals: readonly { intentRef: string; approvalId: number }[],
): Notification[] {
  const out: Notification[] = [];
  for (const c of commands) {
    if (c.kind !== 'notice') continue;
    const n = fromNotice(c.notice, ids);
    if (n) out.push(n);
  }
  for (const a of approvals) {
    const intentId = ids.get(a.intentRef);
    if (intentId !== undefined) out.push({ kind: 'approval-request', approvalId: a.approvalId, intentId });
  }
  return out;
}
