// A closed trade as callers see it: Decimal money computed on demand from the broker's exact
// fixed-point values, and the CONTRACT's JSON shape (decimal strings, returnPct in percent).
import type { Decimal } from '../domain/decimal.js';
import type { ClosedTrade } from './broker.js';
import { iso } from './candles.js';
import { fxDecimal, fxNumber, fxString, type Fx } from './fixed.js';

export interface TradeJson {
  size: string;
  entryBar: number;
  exitBar: number;
  entryTime: string;
  exitTime: string;
  entryPrice: string;
  exitPrice: string;
  pnl: string;
  returnPct: number;
  commission: string;
  stop: string | null;
}

export class TradeRecord {
  constructor(
    private readonly t: ClosedTrade,
    private readonly fx: Fx,
    private readonly time: Float64Array,
  ) {}

  get size(): Decimal {
    return fxDecimal(this.fx, this.t.size);
  }
  get side(): 'long' | 'short' {
    return this.t.size > 0n ? 'long' : 'short';
  }
  get entryBar(): number {
    return this.t.entryBar;
  }
  get exitBar(): number {
    return this.t.exitBar;
  }
  get entryTime(): number {
    return this.time[this.t.entryBar] as number;
  }
  get exitTime(): number {
    return this.time[this.t.exitBar] as number;
  }
  get entryPrice(): Decimal {
    return fxDecimal(this.fx, this.t.entryPrice);
  }
  get exitPrice(): Decimal {
    return fxDecimal(this.fx, this.t.exitPrice);
  }
  get pnl(): Decimal {
    return fxDecimal(this.fx, this.t.pnl);
  }
  get commission(): Decimal {
    return fxDecimal(this.fx, this.t.commission);
  }
  get stop(): Decimal | null {
    return this.t.stop === null ? null : fxDecimal(this.fx, this.t.stop);
  }
  /** Net return in percent (backtesting.py's ReturnPct × 100). */
  get returnPct(): number {
    return this.t.returnFrac * 100;
  }
  get returnFrac(): number {
    return this.t.returnFrac;
  }
  /** PnL as float64, for statistics only. */
  get pnlNumber(): number {
    return fxNumber(this.fx, this.t.pnl);
  }

  toJSON(): TradeJson {
    const s = (v: bigint): string => fxString(this.fx, v);
    return {
      size: s(this.t.size),
      entryBar: this.t.entryBar,
      exitBar: this.t.exitBar,
      entryTime: iso(this.entryTime),
      exitTime: iso(this.exitTime),
      entryPrice: s(this.t.entryPrice),
      exitPrice: s(this.t.exitPrice),
      pnl: s(this.t.pnl),
      returnPct: this.returnPct,
      commission: s(this.t.commission),
      stop: this.t.stop === null ? null : s(this.t.stop),
    };
  }
}
