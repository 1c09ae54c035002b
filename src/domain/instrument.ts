// Instrument specs with Bybit's lot/price filters; the instrument owns all rounding of prices and quantities.
// Filters follow /v5/market/instruments-info (linear: qtyStep, minNotionalValue; spot: basePrecision, minOrderAmt).
import { Decimal, ZERO } from './decimal.js';

export const CATEGORIES = ['linear', 'spot'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Instrument {
  readonly symbol: string;
  readonly category: Category;
  readonly baseCoin: string;
  readonly quoteCoin: string;
  readonly tickSize: Decimal;
  /** linear: qtyStep; spot: basePrecision. */
  readonly qtyStep: Decimal;
  readonly minOrderQty: Decimal;
  readonly maxOrderQty: Decimal;
  /** Market orders may have a lower cap than limit orders (linear maxMktOrderQty). */
  readonly maxMarketOrderQty: Decimal;
  /** linear: minNotionalValue; spot: minOrderAmt (in quote). */
  readonly minNotional: Decimal;
  readonly maxLeverage: Decimal;
}

export const PRICE_ROUNDING = ['down', 'up', 'nearest'] as const;
export type PriceRounding = (typeof PRICE_ROUNDING)[number];

/** Why a quantity cannot be made valid for an instrument: data, not exceptions, so callers can show it. */
export type QtyProblem =
  | { kind: 'non-positive'; message: string }
  | { kind: 'below-min-qty'; message: string }
  | { kind: 'above-max-qty'; message: string }
  | { kind: 'below-min-notional'; message: string };

export type QtyResult = { ok: true; qty: Decimal } | { ok: false; problem: QtyProblem };

function floorToStep(v: Decimal, step: Decimal): Decimal {
  return v.div(step).floor().mul(step);
}

/** Round a quantity down to the step. Never rounds up: we never trade more than asked. */
export function roundQtyDown(inst: Instrument, qty: Decimal): Decimal {
  return floorToStep(qty, inst.qtyStep);
}

/**
 * Turn a desired quantity into one the exchange accepts, or say why it cannot be done.
 * A positive quantity that would round to zero or below the minimum is refused, never silently dropped.
 */
export function makeQty(
  inst: Instrument,
  qty: Decimal,
  opts: { price?: Decimal; market?: boolean } = {},
): QtyResult {
  if (!qty.isFinite() || qty.lte(ZERO)) {
    return {
      ok: false,
      problem: { kind: 'non-positive', message: `quantity must be positive, got ${qty.toFixed()}` },
    };
  }
  const rounded = roundQtyDown(inst, qty);
  if (rounded.lt(inst.minOrderQty) || rounded.isZero()) {
    return {
      ok: false,
      problem: {
        kind: 'below-min-qty',
        message: `${inst.symbol}: quantity ${qty.toFixed()} is below the minimum ${inst.minOrderQty.toFixed()} (step ${inst.qtyStep.toFixed()})`,
      },
    };
  }
  const max = opts.market ? inst.maxMarketOrderQty : inst.maxOrderQty;
  if (rounded.gt(max)) {
    return {
      ok: false,
      problem: {
        kind: 'above-max-qty',
        message: `${inst.symbol}: quantity ${rounded.toFixed()} is above the maximum ${max.toFixed()}`,
      },
    };
  }
  if (opts.price && rounded.mul(opts.price).lt(inst.minNotional)) {
    return {
      ok: false,
      problem: {
        kind: 'below-min-notional',
        message: `${inst.symbol}: order value ${rounded.mul(opts.price).toFixed()} is below the minimum ${inst.minNotional.toFixed()} ${inst.quoteCoin}`,
      },
    };
  }
  return { ok: true, qty: rounded };
}

/** Round a price to the tick in the stated direction ('down' for buy limits, 'up' for sells keeps us passive). */
export function roundPrice(inst: Instrument, price: Decimal, direction: PriceRounding): Decimal {
  const ticks = price.div(inst.tickSize);
  const n =
    direction === 'down'
      ? ticks.floor()
      : direction === 'up'
        ? ticks.ceil()
        : ticks.toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
  return n.mul(inst.tickSize);
}

export function isOnStep(value: Decimal, step: Decimal): boolean {
  return value.mod(step).isZero();
}

/** Number of decimals a step implies, for formatting (0.001 -> 3). */
export function stepDecimals(step: Decimal): number {
  return Math.max(0, step.decimalPlaces());
}
