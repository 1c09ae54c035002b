// Backtest settings: broker costs, sizing grid and the compatibility mode, resolved with defaults and
// validated with errors that name the option.
import { dec, ZERO, type Decimal, type DecimalInput } from '../domain/decimal.js';

export const COMPAT_MODES = ['backtesting.py'] as const;
export type CompatMode = (typeof COMPAT_MODES)[number];
export const FILL_MODES = ['open', 'close'] as const;
export type FillMode = (typeof FILL_MODES)[number];

/** backtesting.py's callable commission: (signed size, price) → cash commission. */
export type CommissionFn = (size: Decimal, price: Decimal) => Decimal;

export interface BacktestOptionsInput {
  cash?: DecimalInput;
  /** Relative commission per fill, e.g. "0.001" = 0.1 %, charged on entry and on exit. */
  commission?: DecimalInput;
  /** Fixed cash commission per fill, added to the relative one. */
  commissionFixed?: DecimalInput;
  /** Replaces commission and commissionFixed (backtesting.py's callable form). */
  commissionFn?: CommissionFn;
  /** Relative bid-ask spread: longs enter at price × (1 + spread), shorts at price × (1 − spread). */
  spread?: DecimalInput;
  /** Adverse slippage on every fill, in basis points. */
  slippageBps?: DecimalInput;
  /** Quantity grid: sizes are whole multiples of it. */
  qtyStep?: DecimalInput;
  /** Orders below this notional are skipped. */
  minNotional?: DecimalInput;
  compat?: CompatMode | null;
  /** Market orders fill at the next bar's open (default) or at the signal bar's close. */
  fill?: FillMode;
}

export interface BacktestOptions {
  readonly cash: Decimal;
  readonly commission: Decimal;
  readonly commissionFixed: Decimal;
  readonly commissionFn: CommissionFn | null;
  readonly spread: Decimal;
  readonly slippageBps: Decimal;
  readonly qtyStep: Decimal;
  readonly minNotional: Decimal;
  readonly compat: CompatMode | null;
  readonly fill: FillMode;
}

export class BacktestOptionError extends Error {
  override readonly name = 'BacktestOptionError';
  constructor(
    readonly option: keyof BacktestOptionsInput,
    message: string,
  ) {
    super(message);
  }
}

/** Whole units, as backtesting.py trades them. */
export const COMPAT_QTY_STEP = '1';
/** Fractional by default outside compat mode: 1e-6 is Bybit spot BTCUSDT's base precision. */
export const DEFAULT_QTY_STEP = '0.000001';

function read(name: keyof BacktestOptionsInput, v: DecimalInput | undefined, dflt: string): Decimal {
  if (v === undefined) return dec(dflt);
  try {
    return dec(v);
  } catch {
    throw new BacktestOptionError(name, `${name} must be a decimal number, got "${String(v)}"`);
  }
}

function check(ok: boolean, name: keyof BacktestOptionsInput, what: string, got: Decimal): void {
  if (!ok) throw new BacktestOptionError(name, `${name} must be ${what}, got ${got.toFixed()}`);
}

export function resolveOptions(input: BacktestOptionsInput = {}): BacktestOptions {
  const compat = input.compat ?? null;
  const o: BacktestOptions = {
    cash: read('cash', input.cash, '10000'),
    commission: read('commission', input.commission, '0'),
    commissionFixed: read('commissionFixed', input.commissionFixed, '0'),
    commissionFn: input.commissionFn ?? null,
    spread: read('spread', input.spread, '0'),
    slippageBps: read('slippageBps', input.slippageBps, '0'),
    qtyStep: read('qtyStep', input.qtyStep, compat ? COMPAT_QTY_STEP : DEFAULT_QTY_STEP),
    minNotional: read('minNotional', input.minNotional, '0'),
    compat,
    fill: input.fill ?? 'open',
  };
  check(o.cash.gt(ZERO), 'cash', 'greater than 0', o.cash);
  // backtesting.py's bounds: negative rates are maker rebates.
  check(
    o.commission.gte('-0.1') && o.commission.lt('0.1'),
    'commission',
    'from -0.1 to below 0.1',
    o.commission,
  );
  check(o.commissionFixed.gte(ZERO), 'commissionFixed', '0 or more', o.commissionFixed);
  check(o.spread.gte(ZERO) && o.spread.lt('0.5'), 'spread', 'from 0 to below 0.5', o.spread);
  check(
    o.slippageBps.gte(ZERO) && o.slippageBps.lt('5000'),
    'slippageBps',
    'from 0 to below 5000',
    o.slippageBps,
  );
  check(o.qtyStep.gt(ZERO), 'qtyStep', 'greater than 0', o.qtyStep);
  check(o.minNotional.gte(ZERO), 'minNotional', '0 or more', o.minNotional);
  return o;
}
