// The read-only portfolio view the backtester hands to strategies: Decimal values computed only
// when a strategy reads them, so strategies that only look at `side` cost nothing per bar.
import type { Decimal } from '../domain/decimal.js';
import type { PortfolioView, PositionSide } from '../strategies/types.js';
import { fxDecimal, fxMul, type Fx } from './fixed.js';

export interface ViewSource {
  readonly fx: Fx;
  readonly positionSide: PositionSide;
  readonly trades: readonly { readonly size: bigint; readonly entry: bigint }[];
  /** Exact equity at the close of the bar the strategy is looking at. */
  equityNow(): bigint;
}

export class BrokerView implements PortfolioView {
  constructor(private readonly b: ViewSource) {}

  get side(): PositionSide {
    return this.b.positionSide;
  }

  get size(): Decimal {
    return fxDecimal(
      this.b.fx,
      this.b.trades.reduce((a, t) => a + t.size, 0n),
    );
  }

  get avgEntry(): Decimal | null {
    const { fx, trades } = this.b;
    const size = trades.reduce((a, t) => a + t.size, 0n);
    if (size === 0n) return null;
    const cost = trades.reduce((a, t) => a + fxMul(fx, t.size, t.entry), 0n);
    return fxDecimal(fx, cost).div(fxDecimal(fx, size));
  }

  get equity(): Decimal {
    return fxDecimal(this.b.fx, this.b.equityNow());
  }
}
