// Position sizing: fixed notional, fixed fractional (risk a percentage of equity to the stop), and ATR.
// Results are the desired quantity; the instrument rounds it down and checks its filters afterwards.
import { dec, minDec, ZERO, type Decimal } from '../domain/decimal.js';
import { roundQtyDown, type Instrument } from '../domain/instrument.js';
import type { Side } from '../domain/side.js';
import { fmt } from './format.js';
import type { SizingSpec } from './types.js';

export type SizeResult = { ok: true; qty: Decimal; basis: string } | { ok: false; reason: string };

/** A strategy's `sizing` block from bosun.yaml (decimal strings), as src/platform/config.ts validates it. */
export type SizingConfigInput =
  | { readonly mode: 'fixed-notional'; readonly notional: string }
  | { readonly mode: 'risk-fraction'; readonly riskPct: string; readonly stopPct: string }
  | {
      readonly mode: 'atr';
      readonly riskPct: string;
      readonly atrPeriod: number;
      readonly atrMultiple: string;
    };

export function sizingFromConfig(cfg: SizingConfigInput): SizingSpec {
  switch (cfg.mode) {
    case 'fixed-notional':
      return { mode: 'fixed-notional', notional: dec(cfg.notional) };
    case 'risk-fraction':
      return { mode: 'risk-fraction', riskPct: dec(cfg.riskPct), stopPct: dec(cfg.stopPct) };
    case 'atr':
      return {
        mode: 'atr',
        riskPct: dec(cfg.riskPct),
        atrPeriod: cfg.atrPeriod,
        atrMultiple: dec(cfg.atrMultiple),
      };
  }
}

function maxQty(inst: Instrument, market: boolean): Decimal {
  return market ? inst.maxMarketOrderQty : inst.maxOrderQty;
}

/** Quote amount at a price; sizing rules cap at the instrument's maximum rather than fail. */
export function sizeFixedNotional(
  inst: Instrument,
  notional: Decimal,
  price: Decimal,
  market: boolean,
): SizeResult {
  if (!notional.isFinite() || notional.lte(ZERO))
    return { ok: false, reason: `fixed-notional sizing needs a positive notional, got ${fmt(notional)}` };
  return {
    ok: true,
    qty: minDec(notional.div(price), maxQty(inst, market)),
    basis: `fixed notional ${fmt(notional)} ${inst.quoteCoin} at ${fmt(price)}`,
  };
}

/**
 * qty = equity × riskPct / 100 / stopDistance, so a stop-out loses at most riskPct % of equity. The quantity
 * is floored to the step here and stepped back once more if Decimal's 40-digit division rounded up onto a
 * step, so rounding never adds risk.
 */
export function sizeByRisk(
  inst: Instrument,
  p: { equity: Decimal; riskPct: Decimal; stopDistance: Decimal; market: boolean },
): SizeResult {
  if (!p.equity.gt(ZERO)) return { ok: false, reason: `equity is ${fmt(p.equity)}: nothing to risk` };
  if (!p.riskPct.gt(ZERO)) return { ok: false, reason: `riskPct must be above 0, got ${fmt(p.riskPct)}` };
  if (!p.stopDistance.isFinite() || !p.stopDistance.gt(ZERO))
    return { ok: false, reason: 'the stop distance must be above 0' };
  const budget = p.equity.mul(p.riskPct).div(100);
  let qty = minDec(budget.div(p.stopDistance), maxQty(inst, p.market));
  const floored = roundQtyDown(inst, qty);
  if (floored.mul(p.stopDistance).gt(budget)) qty = floored.minus(inst.qtyStep);
  return {
    ok: true,
    qty,
    basis: `${fmt(p.riskPct)}% of equity ${fmt(p.equity)} over a stop distance of ${fmt(p.stopDistance)}`,
  };
}

/** Stop distance for risk-fraction: the proposal's stop price when given (on the losing side), else stopPct of entry. */
export function riskFractionStop(
  side: Side,
  entry: Decimal,
  stopPct: Decimal,
  stopPrice?: Decimal,
): { ok: true; distance: Decimal } | { ok: false; reason: string } {
  if (stopPrice === undefined) return { ok: true, distance: entry.mul(stopPct).div(100) };
  const wrongSide = side === 'Buy' ? stopPrice.gte(entry) : stopPrice.lte(entry);
  if (wrongSide) {
    const where = side === 'Buy' ? 'below' : 'above';
    return {
      ok: false,
      reason: `stop ${fmt(stopPrice)} must be ${where} the entry ${fmt(entry)} for a ${side}`,
    };
  }
  return { ok: true, distance: entry.minus(stopPrice).abs() };
}

/** Size by a sizing rule for an entry at `price`. */
export function sizeBySpec(
  inst: Instrument,
  spec: SizingSpec,
  p: { side: Side; price: Decimal; equity: Decimal; market: boolean; stopPrice?: Decimal; atr?: Decimal },
): SizeResult {
  switch (spec.mode) {
    case 'fixed-notional':
      return sizeFixedNotional(inst, spec.notional, p.price, p.market);
    case 'risk-fraction': {
      const stop = riskFractionStop(p.side, p.price, spec.stopPct, p.stopPrice);
      if (!stop.ok) return stop;
      return sizeByRisk(inst, { ...p, riskPct: spec.riskPct, stopDistance: stop.distance });
    }
    case 'atr': {
      if (p.atr === undefined || !p.atr.gt(ZERO))
        return {
          ok: false,
          reason: `atr sizing needs the ${spec.atrPeriod}-bar ATR, which is not available`,
        };
      return sizeByRisk(inst, {
        ...p,
        riskPct: spec.riskPct,
        stopDistance: p.atr.mul(spec.atrMultiple),
      });
    }
  }
}
