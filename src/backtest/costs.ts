// Trading costs and sizing on exact fixed point: spread and slippage fill prices, commissions, and
// the order size that free margin buys (backtesting.py's formula in compat mode, a plain one otherwise).
import { dec, ONE, type Decimal } from '../domain/decimal.js';
import { decimalsOf } from './candles.js';
import {
  fxDecimal,
  fxMul,
  fxOf,
  makeFx,
  rAdd,
  ratio,
  rDec,
  rDiv,
  rFloor,
  rFx,
  rMul,
  rSub,
  type Fx,
  type Ratio,
} from './fixed.js';
import type { BacktestOptions } from './options.js';

/** backtesting.py's default order size, 1 − 2⁻⁵² of free margin (so that it reads as a fraction). */
const COMPAT_FRACTION: Ratio = ratio(2n ** 52n - 1n, 2n ** 52n);
const COMPAT_FRACTION_DEC = dec('0.9999999999999997779553950749686919152736663818359375');
const ZERO_R = ratio(0n);

const digitsOf = (d: Decimal): number => decimalsOf(d.toFixed());
export const abs = (v: bigint): bigint => (v < 0n ? -v : v);

export class Costs {
  readonly fx: Fx;
  readonly step: bigint;
  readonly minNotional: bigint;
  private readonly entryUp: bigint;
  private readonly entryDown: bigint;
  private readonly slipUp: bigint;
  private readonly slipDown: bigint;
  private readonly rate: bigint;
  private readonly fixed: bigint;
  private readonly compat: boolean;

  constructor(
    priceDecimals: number,
    private readonly o: BacktestOptions,
  ) {
    const slip = o.slippageBps.div(10_000);
    const adjD = priceDecimals + Math.max(digitsOf(o.spread), digitsOf(slip));
    const money = Math.max(digitsOf(o.cash), digitsOf(o.commissionFixed), digitsOf(o.minNotional));
    // Room for qty × adjusted price × rate, the longest product the broker forms: all of it stays exact.
    let digits = Math.max(money, digitsOf(o.qtyStep) + adjD + digitsOf(o.commission), adjD);
    // A callable commission can return any decimal: give it room, then round (see fxOf).
    if (o.commissionFn) digits = Math.max(digits, 18);
    this.fx = makeFx(digits);
    const f = (d: Decimal): bigint => fxOf(this.fx, d);
    this.entryUp = f(ONE.plus(o.spread).plus(slip));
    this.entryDown = f(ONE.minus(o.spread).minus(slip));
    this.slipUp = f(ONE.plus(slip));
    this.slipDown = f(ONE.minus(slip));
    this.rate = f(o.commission);
    this.fixed = f(o.commissionFixed);
    this.step = f(o.qtyStep);
    this.minNotional = f(o.minNotional);
    this.compat = o.compat === 'backtesting.py';
  }

  /** Entry fill: spread and slippage against the trader. */
  entryPrice(p: bigint, long: boolean): bigint {
    return fxMul(this.fx, p, long ? this.entryUp : this.entryDown);
  }

  /** Exit fill of a trade of this sign: slippage only (backtesting.py exits at the unadjusted price). */
  exitPrice(p: bigint, closingLong: boolean): bigint {
    return fxMul(this.fx, p, closingLong ? this.slipDown : this.slipUp);
  }

  /** Commission of a fill: fixed + |size| × price × rate, or the callable's answer. */
  commission(size: bigint, price: bigint): bigint {
    const fn = this.o.commissionFn;
    if (fn) return fxOf(this.fx, fn(fxDecimal(this.fx, size), fxDecimal(this.fx, price)));
    return this.fixed + fxMul(this.fx, fxMul(this.fx, abs(size), price), this.rate);
  }

  /** Cost per unit for sizing and the margin check. */
  private unitCost(adj: bigint, p: bigint, long: boolean): Ratio {
    const { fx, o } = this;
    if (this.compat) {
      // backtesting.py: adjusted price + commission(order.size, unadjusted price) / |order.size|.
      if (o.commissionFn) {
        const c = o.commissionFn(long ? COMPAT_FRACTION_DEC : COMPAT_FRACTION_DEC.neg(), fxDecimal(fx, p));
        return rAdd(rFx(fx, adj), rDiv(rDec(c), COMPAT_FRACTION));
      }
      const perUnit = rAdd(rFx(fx, adj), rMul(rFx(fx, p), rFx(fx, this.rate)));
      return rAdd(perUnit, rDiv(rFx(fx, this.fixed), COMPAT_FRACTION));
    }
    if (o.commissionFn)
      return rAdd(rFx(fx, adj), rDec(o.commissionFn(long ? ONE : ONE.neg(), fxDecimal(fx, adj))));
    return rMul(rFx(fx, adj), rAdd(ratio(1n), rFx(fx, this.rate)));
  }

  /** The fixed part paid once per order (outside compat mode, where it is not per unit). */
  private orderFixed(): Ratio {
    return this.compat || this.o.commissionFn ? ZERO_R : rFx(this.fx, this.fixed);
  }

  /**
   * Units (a multiple of the step) that free margin buys at fill price p. Compat: floor(free × (1 − 2⁻⁵²)
   * / unit cost); otherwise everything free after the fixed commission.
   */
  size(free: bigint, adj: bigint, p: bigint, long: boolean): bigint {
    const fx = this.fx;
    const budget = this.compat
      ? rMul(rFx(fx, free), COMPAT_FRACTION)
      : rSub(rFx(fx, free), this.orderFixed());
    if (budget.n <= 0n) return 0n;
    return rFloor(rDiv(budget, rMul(this.unitCost(adj, p, long), rFx(fx, this.step)))) * this.step;
  }

  /** backtesting.py's margin check after netting: can free margin pay for |qty| units? */
  affordable(qty: bigint, free: bigint, adj: bigint, p: bigint, long: boolean): boolean {
    const spend = rAdd(rMul(rFx(this.fx, abs(qty)), this.unitCost(adj, p, long)), this.orderFixed());
    return rSub(spend, rFx(this.fx, free)).n <= 0n;
  }
}
