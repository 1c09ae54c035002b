// The approval request as a phone-sized message: what would be traded, what it risks, what it costs, and
// how the votes stand. Reads only; the numbers come from the intent and its latest risk decision.
import { dec, type Decimal } from '../../domain/decimal.js';
import { TAKER_FEE } from '../../engine/pipeline.js';
import type { ApprovalDetail } from '../../db/repos/views.js';
import { approvalButtons } from './callback-data.js';
import { fmtDuration, fmtMoney, fmtPct, fmtPrice, fmtQty, fmtTime } from './format.js';
import { fields, note, type Reply } from './reply.js';

/** Bybit's base taker fees, used when the risk decision does not carry a fee rate. */

export interface ApprovalContext {
  /** Account equity in quote; null when unknown. */
  equity: Decimal | null;
  /** Current signed position in the symbol. */
  positionSize: Decimal;
  /** Gross exposure across symbols before this trade. */
  grossExposure: Decimal;
  now: number;
}

function inputDec(inputs: Record<string, unknown>, key: string): Decimal | null {
  const v = inputs[key];
  if (typeof v !== 'string') return null;
  try {
    return dec(v);
  } catch {
    return null;
  }
}

export type ApprovalState = 'pending' | 'approved' | 'rejected' | 'expired';

export function approvalState(d: ApprovalDetail, now: number): ApprovalState {
  const s = d.approval.status;
  if (s === 'approved' || s === 'rejected' || s === 'expired') return s;
  return now >= d.approval.expiresAt.getTime() ? 'expired' : 'pending';
}

function voterName(v: { platform: string; userId: string }): string {
  return `${v.platform}:${v.userId}`;
}

export function renderApproval(d: ApprovalDetail, ctx: ApprovalContext): Reply {
  const { intent, decision, approval } = d;
  const inputs = decision?.inputs ?? {};
  const qty = decision?.qty ?? intent.qty;
  const price = decision?.price ?? intent.limitPrice ?? approval.refPrice;
  const notional = decision?.notional ?? (qty && price ? qty.mul(price) : intent.notional);
  const equity = inputDec(inputs, 'equity') ?? ctx.equity;
  const rows: [string, string][] = [
    ['Symbol', `${intent.symbol} (${intent.category})`],
    ['Side', intent.side.toUpperCase()],
    ['Quantity', qty ? fmtQty(qty) : '—'],
    [
      'Price',
      price ? (intent.limitPrice ? `${fmtPrice(price)} (limit)` : `≈ ${fmtPrice(price)} (market)`) : 'market',
    ],
    ['Notional', notional ? fmtMoney(notional) : '—'],
  ];
  rows.push(['Stop', intent.stopPrice ? fmtPrice(intent.stopPrice) : 'none']);
  if (intent.stopPrice && qty && price) {
    const risk = price.sub(intent.stopPrice).abs().mul(qty);
    const pct = equity && equity.gt(0) ? ` (${fmtPct(risk.div(equity).mul(100))} of equity)` : '';
    rows.push(['Risk', `${fmtMoney(risk)}${pct}`]);
  }
  if (notional) {
    const rate =
      inputDec(inputs, 'feeRate') ?? dec(TAKER_FEE[intent.category === 'spot' ? 'spot' : 'linear']);
    rows.push(['Est. fees', fmtMoney(notional.mul(rate))]);
  }
  if (qty && price) {
    const signed = intent.side === 'Sell' ? qty.neg() : qty;
    const before = ctx.positionSize;
    const after = before.add(signed);
    const gross = (inputDec(inputs, 'grossExposure') ?? ctx.grossExposure).add(
      after.abs().sub(before.abs()).mul(price),
    );
    const lev = equity && equity.gt(0) ? ` · ${gross.div(equity).toFixed(2)}x` : '';
    rows.push(['Exposure after', `${fmtMoney(gross)}${lev}`]);
  }
  if (intent.source !== 'manual' || intent.requestedBy) {
    rows.push(['From', intent.strategyInstanceId ?? intent.requestedBy ?? intent.source]);
  }
  const state = approvalState(d, ctx.now);
  const approvers = d.votes.filter((v) => v.vote === 'approve').map(voterName);
  const base: Reply = {
    title: `Approval #${approval.id}: ${intent.side.toUpperCase()} ${intent.symbol}`,
    blocks: [fields(rows)],
  };
  switch (state) {
    case 'pending':
      return {
        ...base,
        tone: 'warn',
        blocks: [
          ...base.blocks,
          note(
            `Votes ${approvers.length}/${approval.requiredVotes}${approvers.length ? ` (${approvers.join(', ')})` : ''}` +
              ` · expires in ${fmtDuration(approval.expiresAt.getTime() - ctx.now)}`,
          ),
        ],
        buttons: [approvalButtons(approval.id)],
      };
    case 'approved':
      return {
        ...base,
        title: `${base.title}: APPROVED`,
        tone: 'ok',
        blocks: [
          ...base.blocks,
          note(`Approved by ${approval.decidedBy ?? approvers.join(', ')}${decidedAt(d)}`),
        ],
      };
    case 'rejected': {
      const by =
        approval.decidedBy ??
        d.votes
          .filter((v) => v.vote === 'reject')
          .map(voterName)
          .join(', ');
      return {
        ...base,
        title: `${base.title}: REJECTED`,
        tone: 'info',
        blocks: [...base.blocks, note(`Rejected by ${by}${decidedAt(d)}`)],
      };
    }
    case 'expired': {
      // A strategy withdraws its own waiting entry when it turns (engine/approvals.ts) before anyone voted.
      const strategy = approval.decidedBy?.startsWith('strategy:') ? approval.decidedBy.slice(9) : null;
      return {
        ...base,
        title: `${base.title}: ${strategy ? 'WITHDRAWN' : 'EXPIRED'}`,
        tone: 'info',
        blocks: [
          ...base.blocks,
          note(
            strategy
              ? `Withdrawn by ${strategy}${decidedAt(d)}: the strategy signalled the other way before it was approved; not traded.`
              : `Expired at ${fmtTime(approval.expiresAt.getTime())} UTC without enough votes; not traded.`,
          ),
        ],
      };
    }
  }
}

function decidedAt(d: ApprovalDetail): string {
  return d.approval.decidedAt ? ` at ${fmtTime(d.approval.decidedAt.getTime())} UTC` : '';
}
