// The simulated broker: backtesting.py 0.6.6's order processing (close orders first, stop-losses,
// then entries sized from free margin, FIFO netting of opposite trades) on exact fixed-point money.
// Per-bar marking runs on float64 for the equity curve only; fills and cash never touch floats.
import type { Decimal } from '../domain/decimal.js';
import type { PortfolioView, PositionSide, Side, Signal } from '../strategies/types.js';
import { BrokerView } from './broker-view.js';
import type { CandleSeries } from './candles.js';
import { abs, Costs } from './costs.js';
import { fxMul, fxNumber, fxOf, type Fx } from './fixed.js';
import type { BacktestOptions } from './options.js';

interface OpenTrade {
  readonly size: bigint;
  readonly entry: bigint;
  readonly entryBar: number;
  readonly stop: bigint | null;
  readonly stopF: number;
}

export interface ClosedTrade {
  readonly size: bigint;
  readonly entryBar: number;
  readonly exitBar: number;
  readonly entryPrice: bigint;
  readonly exitPrice: bigint;
  readonly commission: bigint;
  readonly pnl: bigint;
  /** backtesting.py's ReturnPct as a fraction (net of commissions). */
  readonly returnFrac: number;
  readonly stop: bigint | null;
}

export class Broker {
  readonly fx: Fx;
  readonly equity: Float64Array;
  readonly closed: ClosedTrade[] = [];
  /** Replaced, never mutated, so a peak snapshot can keep a reference. */
  trades: readonly OpenTrade[] = [];
  cash: bigint;
  pending: Signal | null = null;
  /** Orders dropped: zero size after rounding, below the minimum notional, or not enough margin. */
  skippedOrders = 0;
  /** Stops ignored because they were on the wrong side of the fill price. */
  ignoredStops = 0;
  outOfMoney = false;
  /** The bar the strategy is looking at, for the portfolio view's marks. */
  viewBar = 0;
  positionSide: PositionSide = 'flat';
  readonly view: PortfolioView = new BrokerView(this);

  private readonly costs: Costs;
  /** Highest float equity before the last bar, and the exact state that produced it. */
  private peakF = -Infinity;
  private peakBar = -1;
  private peakCash = 0n;
  private peakTrades: readonly OpenTrade[] = [];
  private cashF: number;
  private netSizeF = 0;
  private netCostF = 0;
  private stopCount = 0;
  private readonly shift: bigint;
  private readonly scale: number;
  private readonly compat: boolean;
  private readonly onClose: boolean;

  constructor(
    private readonly s: CandleSeries,
    o: BacktestOptions,
  ) {
    this.costs = new Costs(s.priceDecimals, o);
    this.fx = this.costs.fx;
    this.shift = 10n ** BigInt(this.fx.digits - s.priceDecimals);
    this.scale = 10 ** s.priceDecimals;
    this.cash = fxOf(this.fx, o.cash);
    this.cashF = o.cash.toNumber();
    this.compat = o.compat === 'backtesting.py';
    this.onClose = o.fill === 'close';
    this.equity = new Float64Array(s.length);
  }

  /** Exact fx value of a price read from the series. */
  private px(x: number): bigint {
    return BigInt(Math.round(x * this.scale)) * this.shift;
  }

  /** Process queued orders against bar i, then record equity at its close (backtesting.py's broker.next). */
  next(i: number): void {
    if (this.pending !== null || this.stopCount > 0) {
      const sig = this.pending;
      this.pending = null;
      this.process(i, sig, false);
    }
    this.record(i);
  }

  /** Queue the strategy's decision for the next fill. */
  submit(sig: Signal): void {
    this.pending = sig;
  }

  /** Close what is open after the last bar: at its open (compat, like finalize_trades) or its close. */
  finalize(last: number): void {
    if (this.outOfMoney) return;
    if (this.compat) {
      const sig = this.pending;
      this.pending = null;
      this.process(last, sig, true);
    } else {
      this.pending = null;
      const p = this.px(this.s.close[last] as number);
      for (const t of this.trades) this.closeTrade(t, this.costs.exitPrice(p, t.size > 0), last);
    }
    this.record(last);
  }

  private record(i: number): void {
    const eq = this.cashF + this.netSizeF * (this.s.close[i] as number) - this.netCostF;
    this.equity[i] = eq;
    // The last bar is re-recorded by finalize, so its peak is judged from the final state instead.
    if (eq > this.peakF && i < this.s.length - 1) {
      this.peakF = eq;
      this.peakBar = i;
      this.peakCash = this.cash;
      this.peakTrades = this.trades;
    }
    if (eq <= 0 && !this.outOfMoney) this.bust(i);
  }

  /** backtesting.py's _OutOfMoneyError: close everything at this close, zero cash, stop trading. */
  private bust(i: number): void {
    const p = this.px(this.s.close[i] as number);
    for (const t of this.trades) this.closeTrade(t, p, i);
    this.cash = 0n;
    this.refresh();
    this.equity.fill(0, i);
    this.outOfMoney = true;
  }

  private process(i: number, sig: Signal | null, finalizing: boolean): void {
    let p = 0n;
    let at = i;
    if (finalizing || sig?.exit || sig?.enter) {
      if (this.onClose && i > 0) {
        p = this.px(this.s.close[i - 1] as number);
        at = i - 1;
      } else p = this.px(this.s.open[i] as number);
    }
    // Close orders sit at the front of the queue: finalize closes oldest first, position.close() newest first.
    if (finalizing) for (const t of this.trades) this.closeTrade(t, this.costs.exitPrice(p, t.size > 0), at);
    if (sig?.exit)
      for (const t of [...this.trades].reverse()) this.closeTrade(t, this.costs.exitPrice(p, t.size > 0), at);
    if (this.stopCount > 0) this.checkStops(i);
    if (sig?.enter && this.enter(sig.enter, sig.stop, p, i, at)) this.checkStops(i);
  }

  /** Stop-loss orders, newest first as backtesting.py queues them; a gap through the stop fills at the open. */
  private checkStops(i: number): void {
    const open = this.s.open[i] as number;
    const low = this.s.low[i] as number;
    const high = this.s.high[i] as number;
    const trades = this.trades;
    for (let k = trades.length - 1; k >= 0; k--) {
      const t = trades[k] as OpenTrade;
      if (t.stop === null) continue;
      const long = t.size > 0;
      if (long ? low <= t.stopF : high >= t.stopF) {
        const gap = long ? open < t.stopF : open > t.stopF;
        this.closeTrade(t, this.costs.exitPrice(gap ? this.px(open) : t.stop, long), i);
      }
    }
  }

  /** Free margin marked at `mark` (compat: this bar's close, as backtesting.py marks it). */
  private available(mark: bigint): bigint {
    let free = this.cash;
    for (const t of this.trades)
      free += fxMul(this.fx, t.size, mark - t.entry) - fxMul(this.fx, abs(t.size), mark);
    return free > 0n ? free : 0n;
  }

  private enter(side: Side, stop: Decimal | undefined, p: bigint, i: number, at: number): boolean {
    const { fx, costs } = this;
    const long = side === 'long';
    const adj = costs.entryPrice(p, long);
    const mark = this.compat ? this.px(this.s.close[i] as number) : p;
    const qty = costs.size(this.available(mark), adj, p, long);
    if (qty === 0n || (costs.minNotional > 0n && fxMul(fx, qty, adj) < costs.minNotional)) {
      this.skippedOrders++;
      return false;
    }
    let need = long ? qty : -qty;
    // No hedging: an opposite order first closes open trades, oldest first, at the unadjusted price.
    for (const t of this.trades) {
      if (t.size > 0 === long) continue;
      if (abs(need) >= abs(t.size)) {
        this.closeTrade(t, costs.exitPrice(p, t.size > 0), at);
        need += t.size;
      } else {
        this.reduceTrade(t, costs.exitPrice(p, t.size > 0), need, at);
        need = 0n;
      }
      if (need === 0n) break;
    }
    if (need === 0n) return false;
    if (!costs.affordable(need, this.available(mark), adj, p, long)) {
      this.skippedOrders++;
      return false;
    }
    let stopFx: bigint | null = null;
    if (stop !== undefined) {
      const s = fxOf(fx, stop.toDecimalPlaces(this.s.priceDecimals));
      if (long ? s < adj : s > adj) stopFx = s;
      else this.ignoredStops++;
    }
    this.cash -= costs.commission(need, adj);
    const stopF = stopFx === null ? NaN : fxNumber(fx, stopFx);
    this.trades = [...this.trades, { size: need, entry: adj, entryBar: at, stop: stopFx, stopF }];
    this.refresh();
    return stopFx !== null;
  }

  private reduceTrade(t: OpenTrade, price: bigint, delta: bigint, at: number): void {
    const left = t.size + delta;
    if (left === 0n) {
      this.closeTrade(t, price, at);
      return;
    }
    const part: OpenTrade = { size: -delta, entry: t.entry, entryBar: t.entryBar, stop: null, stopF: NaN };
    this.trades = [...this.trades.map((x) => (x === t ? { ...t, size: left } : x)), part];
    this.closeTrade(part, price, at);
  }

  private closeTrade(t: OpenTrade, price: bigint, at: number): void {
    const fx = this.fx;
    this.trades = this.trades.filter((x) => x !== t);
    const exitComm = this.costs.commission(t.size, price);
    const gross = fxMul(fx, t.size, price - t.entry);
    this.cash += gross - exitComm;
    // backtesting.py books the entry commission again from the closed size (it matters for partial closes).
    const comm = exitComm + this.costs.commission(t.size, t.entry);
    const sizeF = fxNumber(fx, t.size);
    const entryF = fxNumber(fx, t.entry);
    const returnFrac =
      Math.sign(sizeF) * (fxNumber(fx, price) / entryF - 1) - fxNumber(fx, comm) / (Math.abs(sizeF) * entryF);
    this.closed.push({
      size: t.size,
      entryBar: t.entryBar,
      exitBar: at,
      entryPrice: t.entry,
      exitPrice: price,
      commission: comm,
      pnl: gross - comm,
      returnFrac,
      stop: t.stop,
    });
    this.refresh();
  }

  /** Float mirrors of the exact state, for the per-bar equity mark. */
  private refresh(): void {
    const fx = this.fx;
    this.cashF = fxNumber(fx, this.cash);
    let size = 0;
    let cost = 0;
    let stops = 0;
    let net = 0n;
    for (const t of this.trades) {
      const sz = fxNumber(fx, t.size);
      size += sz;
      cost += sz * fxNumber(fx, t.entry);
      if (t.stop !== null) stops++;
      net += t.size;
    }
    this.netSizeF = size;
    this.netCostF = cost;
    this.stopCount = stops;
    this.positionSide = net > 0n ? 'long' : net < 0n ? 'short' : 'flat';
  }

  /** Exact equity marked at bar i's close. */
  equityAt(i: number): bigint {
    return this.markAt(i, this.cash, this.trades);
  }

  equityNow(): bigint {
    return this.equityAt(this.viewBar);
  }

  private markAt(i: number, cash: bigint, trades: readonly OpenTrade[]): bigint {
    const c = this.px(this.s.close[i] as number);
    let eq = cash;
    for (const t of trades) eq += fxMul(this.fx, t.size, c - t.entry);
    return eq;
  }

  /** Exact equity at the curve's highest point (the first one, as numpy's max finds it). */
  equityPeak(): bigint {
    const last = this.s.length - 1;
    const final = this.equityAt(last);
    if (this.peakBar < 0 || (this.equity[last] as number) > this.peakF) return final;
    return this.markAt(this.peakBar, this.peakCash, this.peakTrades);
  }
}
