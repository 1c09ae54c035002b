// Perp realized PnL per position reduction. Each fill goes through the portfolio's own position fold, so
// the rows' realized PnL sums to exactly the fold's realizedPnl; a flip is a close row plus an open row.
import { ZERO, minDec } from '../domain/decimal.js';
import { fillFromStored } from '../domain/fill.js';
import { applyFill, emptyPosition, type PositionInstrument } from '../domain/position.js';
import { signedQty } from '../domain/side.js';
import { Allocation } from './alloc.js';
import type { PerpRow, ReportFill } from './types.js';

export type PerpRowsResult = { ok: true; rows: PerpRow[] } | { ok: false; error: string };

/** Rows for one symbol's perp trade fills, in time order. */
export function perpRows(inst: PositionInstrument, fills: readonly ReportFill[]): PerpRowsResult {
  let pos = emptyPosition(inst);
  const rows: PerpRow[] = [];
  for (const f of fills) {
    const fill = fillFromStored(f);
    if (!fill) return { ok: false, error: `fill ${f.execId}: side "${f.side}" is not Buy or Sell` };
    const r = applyFill(pos, fill);
    if (!r.ok) return { ok: false, error: r.error.message };
    const delta = signedQty(fill.side, fill.qty);
    const fee = new Allocation(fill.fee, fill.qty);
    const reduces = !pos.size.isZero() && pos.size.isPositive() !== delta.isPositive();
    const closed = reduces ? minDec(pos.size.abs(), fill.qty) : ZERO;
    if (reduces) {
      rows.push({
        kind: 'close',
        symbol: inst.symbol,
        quoteCoin: inst.quoteCoin,
        execId: f.execId,
        time: f.execTime,
        direction: pos.size.isPositive() ? 'long' : 'short',
        qty: closed,
        entryPrice: pos.avgEntryPrice ?? fill.price,
        exitPrice: fill.price,
        realizedPnl: r.position.realizedPnl.minus(pos.realizedPnl),
        fee: fee.take(closed),
        feeCurrency: fill.feeCurrency,
      });
    }
    const opened = fill.qty.minus(closed);
    if (opened.gt(ZERO)) {
      rows.push({
        kind: 'open',
        symbol: inst.symbol,
        quoteCoin: inst.quoteCoin,
        execId: f.execId,
        time: f.execTime,
        direction: fill.side === 'Buy' ? 'long' : 'short',
        qty: opened,
        entryPrice: fill.price,
        exitPrice: null,
        realizedPnl: ZERO,
        fee: fee.take(opened),
        feeCurrency: fill.feeCurrency,
      });
    }
    pos = r.position;
  }
  return { ok: true, rows };
}
