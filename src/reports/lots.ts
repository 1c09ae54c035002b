// Spot realized PnL by FIFO lots: each sell consumes the oldest open buys, one row per match, with each
// side's fee shared out by quantity in the fee's own currency (a buy fee in BTC stays in BTC).
import type { Decimal } from '../domain/decimal.js';
import { ZERO, minDec } from '../domain/decimal.js';
import type { PositionInstrument } from '../domain/position.js';
import { Allocation } from './alloc.js';
import type { ReportFill, SpotLotRow } from './types.js';

interface OpenLot {
  readonly fill: ReportFill;
  qty: Decimal;
  readonly fee: Allocation;
}

export type SpotLotsResult =
  | { ok: true; rows: SpotLotRow[]; open: { qty: Decimal; openTime: number; openPrice: Decimal }[] }
  | { ok: false; error: string };

/**
 * The base quantity a fill moves. A base-coin fee comes out of the coins: a buy receives qty − fee and a
 * sell gives up qty + fee — the same rule the position fold uses, so a flat FIFO book realizes what the
 * fold realizes.
 */
export function spotMovedQty(inst: PositionInstrument, f: ReportFill): Decimal {
  const baseFee = f.feeCurrency === inst.baseCoin ? f.fee : ZERO;
  return f.side === 'Buy' ? f.qty.minus(baseFee) : f.qty.plus(baseFee);
}

/** Match one symbol's spot trade fills (in time order) FIFO. */
export function matchSpotLots(inst: PositionInstrument, fills: readonly ReportFill[]): SpotLotsResult {
  const lots: OpenLot[] = [];
  const rows: SpotLotRow[] = [];
  for (const f of fills) {
    if (!f.qty.isFinite() || f.qty.lte(ZERO) || !f.price.isFinite() || f.price.lte(ZERO)) {
      return { ok: false, error: `fill ${f.execId}: quantity and price must be positive` };
    }
    const moved = spotMovedQty(inst, f);
    if (moved.lte(ZERO)) {
      return { ok: false, error: `fill ${f.execId}: a base-coin fee cannot consume the whole quantity` };
    }
    if (f.side === 'Buy') {
      lots.push({ fill: f, qty: moved, fee: new Allocation(f.fee, moved) });
      continue;
    }
    const held = lots.reduce((s, l) => s.plus(l.qty), ZERO);
    if (held.lt(moved)) {
      return {
        ok: false,
        error: `${inst.symbol}: fill ${f.execId} sells ${moved.toFixed()} ${inst.baseCoin} but only ${held.toFixed()} is held`,
      };
    }
    const closeFee = new Allocation(f.fee, moved);
    let left = moved;
    while (left.gt(ZERO)) {
      const lot = lots[0];
      if (!lot) break;
      const qty = minDec(lot.qty, left);
      const costBasis = qty.mul(lot.fill.price);
      const proceeds = qty.mul(f.price);
      rows.push({
        kind: 'lot',
        symbol: inst.symbol,
        baseCoin: inst.baseCoin,
        quoteCoin: inst.quoteCoin,
        qty,
        openTime: lot.fill.execTime,
        openPrice: lot.fill.price,
        openExecId: lot.fill.execId,
        closeTime: f.execTime,
        closePrice: f.price,
        closeExecId: f.execId,
        costBasis,
        proceeds,
        realizedPnl: proceeds.minus(costBasis),
        openFee: lot.fee.take(qty),
        openFeeCurrency: lot.fill.feeCurrency,
        closeFee: closeFee.take(qty),
        closeFeeCurrency: f.feeCurrency,
      });
      lot.qty = lot.qty.minus(qty);
      left = left.minus(qty);
      if (lot.qty.isZero()) lots.shift();
    }
  }
  return {
    ok: true,
    rows,
    open: lots.map((l) => ({ qty: l.qty, openTime: l.fill.execTime, openPrice: l.fill.price })),
  };
}
