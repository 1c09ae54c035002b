// A position as a fold over fills (one-way mode, signed size): average entry, realized PnL, fees, funding.
// Linear (USDT-margined) and spot share the fold; spot never goes short.
import { Decimal, ZERO, minDec } from './decimal.js';
import type { Fill, FundingPayment } from './fill.js';
import type { Instrument } from './instrument.js';
import { signedQty } from './side.js';

/**
 * The average entry is kept to 18 decimal places. That makes every later product (closed qty × price
 * difference) exact within Decimal's 40 significant digits, so closing in one fill or in many partials
 * realizes the same PnL to the last digit. The residue (< 1e-18 per unit) is far below any money scale.
 */
export const AVG_PRICE_DECIMALS = 18;

export type PositionInstrument = Pick<Instrument, 'symbol' | 'category' | 'baseCoin' | 'quoteCoin'>;

export interface Position {
  readonly symbol: string;
  readonly category: Instrument['category'];
  readonly baseCoin: string;
  readonly quoteCoin: string;
  /** Signed: positive long, negative short, zero flat. Never negative for spot. */
  readonly size: Decimal;
  /** Null when flat. */
  readonly avgEntryPrice: Decimal | null;
  /** |size| × avgEntryPrice: the entry notional of what is open. */
  readonly costBasis: Decimal;
  /** Gross realized PnL in quote coin: Σ (exit − entry) × closed qty × sign. */
  readonly realizedPnl: Decimal;
  /** Fees in quote coin, including base-coin fees valued at their fill price. Rebates are negative. */
  readonly fees: Decimal;
  /** Fees in coins that cannot be valued here (neither base nor quote); not in netRealizedPnl. */
  readonly otherFees: ReadonlyMap<string, Decimal>;
  /** Funding received (positive) or paid (negative). */
  readonly funding: Decimal;
  /** realizedPnl − fees + funding. */
  readonly netRealizedPnl: Decimal;
  readonly fillCount: number;
  /** Time of the fill that opened the current (non-flat) position. */
  readonly openedAt: number | null;
  readonly updatedAt: number | null;
}

export const POSITION_ERROR = {
  SymbolMismatch: 'SymbolMismatch',
  InsufficientHoldings: 'InsufficientHoldings',
  InvalidFill: 'InvalidFill',
} as const;
export type PositionError = { kind: (typeof POSITION_ERROR)[keyof typeof POSITION_ERROR]; message: string };

export type PositionResult = { ok: true; position: Position } | { ok: false; error: PositionError };
export type PositionFoldResult =
  { ok: true; position: Position } | { ok: false; error: PositionError; index: number };

export function emptyPosition(inst: PositionInstrument): Position {
  return {
    symbol: inst.symbol,
    category: inst.category,
    baseCoin: inst.baseCoin,
    quoteCoin: inst.quoteCoin,
    size: ZERO,
    avgEntryPrice: null,
    costBasis: ZERO,
    realizedPnl: ZERO,
    fees: ZERO,
    otherFees: new Map(),
    funding: ZERO,
    netRealizedPnl: ZERO,
    fillCount: 0,
    openedAt: null,
    updatedAt: null,
  };
}

function fail(kind: PositionError['kind'], message: string): PositionResult {
  return { ok: false, error: { kind, message } };
}

function roundAvg(v: Decimal): Decimal {
  return v.toDecimalPlaces(AVG_PRICE_DECIMALS, Decimal.ROUND_HALF_EVEN);
}

/**
 * The fill's fee split into its effect on holdings and on the quote-coin fee total. A spot buy's fee is
 * taken from the base coin received, so the holding really is smaller; it is valued at the fill price.
 */
function feeEffect(pos: Position, fill: Fill): { baseFee: Decimal; quoteFee: Decimal; other: boolean } {
  if (fill.feeCurrency === pos.quoteCoin) return { baseFee: ZERO, quoteFee: fill.fee, other: false };
  if (fill.feeCurrency === pos.baseCoin && pos.category === 'spot') {
    return { baseFee: fill.fee, quoteFee: fill.fee.mul(fill.price), other: false };
  }
  return { baseFee: ZERO, quoteFee: ZERO, other: true };
}

/** Apply one fill. Opening/adding re-averages the entry; reducing realizes at the old average; a flip does both. */
export function applyFill(pos: Position, fill: Fill): PositionResult {
  if (fill.symbol !== pos.symbol) {
    return fail('SymbolMismatch', `fill ${fill.tradeId} is for ${fill.symbol}, position is ${pos.symbol}`);
  }
  if (!fill.qty.isFinite() || fill.qty.lte(ZERO) || !fill.price.isFinite() || fill.price.lte(ZERO)) {
    return fail('InvalidFill', `fill ${fill.tradeId}: quantity and price must be positive`);
  }
  if (!fill.fee.isFinite()) return fail('InvalidFill', `fill ${fill.tradeId}: fee must be finite`);
  const fee = feeEffect(pos, fill);
  if (fee.baseFee.abs().gte(fill.qty)) {
    return fail('InvalidFill', `fill ${fill.tradeId}: a base-coin fee cannot consume the whole quantity`);
  }
  const delta = signedQty(fill.side, fill.qty).minus(fee.baseFee);
  const size = pos.size.plus(delta);
  if (pos.category === 'spot' && size.lt(ZERO)) {
    return fail(
      'InsufficientHoldings',
      `${pos.symbol}: fill ${fill.tradeId} sells ${delta.neg().toFixed()} ${pos.baseCoin} but only ${pos.size.toFixed()} is held`,
    );
  }

  let avg = pos.avgEntryPrice;
  let costBasis = pos.costBasis;
  let realized = pos.realizedPnl;
  let openedAt = pos.openedAt;
  const sameWay = pos.size.isZero() || pos.size.isPositive() === delta.isPositive();
  if (sameWay) {
    costBasis = costBasis.plus(delta.abs().mul(fill.price));
    avg = roundAvg(costBasis.div(size.abs()));
    if (pos.size.isZero()) openedAt = fill.ts;
  } else {
    const closed = minDec(pos.size.abs(), delta.abs());
    const sign = pos.size.isPositive() ? 1 : -1;
    // A partial close costs closed × the (18-place) average, which is linear in the quantity, so splitting
    // a fill changes nothing; closing everything takes all the cost basis left, residue included, so a
    // round trip realizes exactly Σ exit notional − Σ entry notional.
    const entry = pos.avgEntryPrice ?? fill.price;
    const closedCost = closed.eq(pos.size.abs()) ? pos.costBasis : entry.mul(closed);
    realized = realized.plus(fill.price.mul(closed).minus(closedCost).mul(sign));
    if (size.isZero()) {
      avg = null;
      costBasis = ZERO;
      openedAt = null;
    } else if (size.isPositive() === pos.size.isPositive()) {
      // The average does not move on a reduce; only adding re-averages.
      costBasis = pos.costBasis.minus(closedCost);
    } else {
      // Through zero: the remainder opens a new position at the fill price.
      avg = fill.price;
      costBasis = fill.price.mul(size.abs());
      openedAt = fill.ts;
    }
  }

  let otherFees = pos.otherFees;
  if (fee.other) {
    const m = new Map(otherFees);
    m.set(fill.feeCurrency, (m.get(fill.feeCurrency) ?? ZERO).plus(fill.fee));
    otherFees = m;
  }
  const fees = pos.fees.plus(fee.quoteFee);
  return {
    ok: true,
    position: {
      ...pos,
      size,
      avgEntryPrice: avg,
      costBasis,
      realizedPnl: realized,
      fees,
      otherFees,
      netRealizedPnl: realized.minus(fees).plus(pos.funding),
      fillCount: pos.fillCount + 1,
      openedAt,
      updatedAt: Math.max(pos.updatedAt ?? fill.ts, fill.ts),
    },
  };
}

/** Book a funding payment (perpetuals). It changes net PnL, never size or entry. */
export function applyFunding(pos: Position, payment: FundingPayment): PositionResult {
  if (payment.symbol !== pos.symbol) {
    return fail(
      'SymbolMismatch',
      `funding ${payment.id} is for ${payment.symbol}, position is ${pos.symbol}`,
    );
  }
  const funding = pos.funding.plus(payment.amount);
  return {
    ok: true,
    position: {
      ...pos,
      funding,
      netRealizedPnl: pos.realizedPnl.minus(pos.fees).plus(funding),
      updatedAt: Math.max(pos.updatedAt ?? payment.ts, payment.ts),
    },
  };
}

/** Fold fills in the order given; stops at the first error and says which fill caused it. */
export function foldPosition(inst: PositionInstrument, fills: readonly Fill[]): PositionFoldResult {
  let pos = emptyPosition(inst);
  for (const [index, fill] of fills.entries()) {
    const r = applyFill(pos, fill);
    if (!r.ok) return { ...r, index };
    pos = r.position;
  }
  return { ok: true, position: pos };
}

/** (mark − entry) × signed size; zero when flat. */
export function unrealizedPnl(pos: Position, markPrice: Decimal): Decimal {
  if (pos.avgEntryPrice === null || pos.size.isZero()) return ZERO;
  return markPrice.minus(pos.avgEntryPrice).mul(pos.size);
}

export function isFlat(pos: Position): boolean {
  return pos.size.isZero();
}
