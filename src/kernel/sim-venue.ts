// The simulated venue a backtest runs the kernel against, bar by bar: market orders fill at the next
// bar's open, resting limits and conditional orders against the bar's range, with Bybit's fee rules
// (linear fees in the settle coin; a spot buy pays its fee in the base coin received).
import { Decimal, ZERO } from '../domain/decimal.js';
import type { Fill } from '../domain/fill.js';
import type { Instrument } from '../domain/instrument.js';
import { roundPrice } from '../domain/instrument.js';
import type { Bar } from '../sdk/types.js';
import { symbolKey } from './books.js';
import type { Command, KernelOrder, OrderReport } from './types.js';

export interface VenueCosts {
  readonly takerFee: Decimal;
  readonly makerFee: Decimal;
  /** Adverse price move on every taker fill, in basis points (market, stop, marketable limit). */
  readonly slippageBps: Decimal;
}

/**
 * Which of several orders a bar hit first when no lower interval says: orders at the open (gaps) first,
 * then stops, then take-profits and limits — the pessimistic reading, stated in every report.
 */
export const INTRABAR_RULE =
  'within a bar: orders the open already crossed fill first (at the open), then stops, then take-profits and limits';

interface Resting {
  order: KernelOrder;
  left: Decimal;
  /** Market orders wait for the next open; a resting order is armed from the bar after it was placed. */
  armedFromBar: number;
}

export class SimVenue {
  private readonly resting = new Map<string, Resting>();
  private readonly net = new Map<string, Decimal>();
  private execSeq = 0;
  readonly fills: Fill[] = [];
  leverage = new Map<string, Decimal>();

  constructor(
    private readonly instruments: ReadonlyMap<string, Instrument>,
    private readonly costs: VenueCosts,
  ) {}

  /** Apply the kernel's commands (placed orders wait for the venue's next step). */
  execute(commands: readonly Command[], barIndex: number): OrderReport[] {
    const reports: OrderReport[] = [];
    for (const c of commands) {
      switch (c.kind) {
        case 'place':
          this.resting.set(c.order.ref, { order: c.order, left: c.order.qty, armedFromBar: barIndex + 1 });
          break;
        case 'amend': {
          const r = this.resting.get(c.ref);
          if (!r) break;
          const trigger =
            c.triggerPrice && r.order.trigger
              ? { ...r.order.trigger, price: c.triggerPrice }
              : r.order.trigger;
          const qty = c.qty ?? r.order.qty;
          r.order = { ...r.order, qty, trigger };
          r.left = qty;
          break;
        }
        case 'cancel':
          if (this.resting.delete(c.ref))
            reports.push({ kind: 'ended', ref: c.ref, status: 'Cancelled', reason: c.reason });
          break;
        case 'set-leverage':
          this.leverage.set(symbolKey(c.category, c.symbol), c.leverage);
          break;
        default:
          break;
      }
    }
    return reports;
  }

  /**
   * The venue's step for bar `i` of a series: the next hit order (or null when none is left this bar).
   * One at a time, so the kernel can answer each fill (cancel a take-profit when its stop filled) before
   * the next order is looked at.
   */
  nextHit(
    symbolCat: { category: Instrument['category']; symbol: string },
    bar: Bar,
    i: number,
  ): OrderReport | null {
    let best: { r: Resting; price: Decimal; taker: boolean; rank: number } | null = null;
    for (const r of this.resting.values()) {
      const o = r.order;
      if (o.symbol !== symbolCat.symbol || o.category !== symbolCat.category || i < r.armedFromBar) continue;
      const hit = this.hitPrice(o, bar, i === r.armedFromBar);
      if (!hit) continue;
      if (!best || hit.rank < best.rank) best = { r, ...hit };
    }
    if (!best) return null;
    const { r, price, taker } = best;
    const o = r.order;
    if (o.postOnly && taker) {
      this.resting.delete(o.ref);
      return {
        kind: 'ended',
        ref: o.ref,
        status: 'Cancelled',
        reason: 'post-only order would have taken liquidity',
      };
    }
    const key = symbolKey(o.category, o.symbol);
    const net = this.net.get(key) ?? ZERO;
    let qty = r.left;
    if (o.reduceOnly) {
      // Bybit cuts a reduce-only order to the position, and cancels it when there is nothing to reduce.
      const can = o.side === 'Buy' ? net.isNegative() : net.isPositive();
      if (!can) {
        this.resting.delete(o.ref);
        return {
          kind: 'ended',
          ref: o.ref,
          status: 'Cancelled',
          reason: 'reduce-only order had no position to reduce',
        };
      }
      qty = Decimal.min(qty, net.abs());
    }
    this.resting.delete(o.ref);
    return { kind: 'fill', ref: o.ref, fill: this.fill(o, qty, price, !taker, bar.openTime) };
  }

  private hitPrice(
    o: KernelOrder,
    bar: Bar,
    firstBar: boolean,
  ): { price: Decimal; taker: boolean; rank: number } | null {
    const inst = this.instruments.get(symbolKey(o.category, o.symbol)) as Instrument;
    const open = bar.open;
    const slip = (p: number, buy: boolean) => {
      const px = new Decimal(String(p));
      const moved = px.mul(
        this.costs.slippageBps
          .div(10_000)
          .mul(buy ? 1 : -1)
          .plus(1),
      );
      return roundPrice(inst, moved, buy ? 'up' : 'down');
    };
    const buy = o.side === 'Buy';
    if (o.trigger) {
      const t = o.trigger.price.toNumber();
      if (o.trigger.direction === 'fall') {
        if (open <= t) return { price: slip(open, buy), taker: true, rank: 0 };
        if (bar.low <= t) return { price: slip(t, buy), taker: true, rank: o.purpose === 'stop' ? 1 : 2 };
      } else {
        if (open >= t) return { price: slip(open, buy), taker: true, rank: 0 };
        if (bar.high >= t) return { price: slip(t, buy), taker: true, rank: o.purpose === 'stop' ? 1 : 2 };
      }
      return null;
    }
    if (o.type === 'Market') return { price: slip(open, buy), taker: true, rank: 0 };
    const limit = (o.price as Decimal).toNumber();
    // A limit the open already crossed on its first bar is marketable on arrival: it takes at the open.
    if (firstBar && (buy ? open <= limit : open >= limit))
      return { price: slip(open, buy), taker: true, rank: 0 };
    if (buy ? bar.low <= limit : bar.high >= limit)
      return { price: o.price as Decimal, taker: false, rank: 2 };
    return null;
  }

  private fill(o: KernelOrder, qty: Decimal, price: Decimal, maker: boolean, ts: number): Fill {
    const inst = this.instruments.get(symbolKey(o.category, o.symbol)) as Instrument;
    const rate = maker ? this.costs.makerFee : this.costs.takerFee;
    const spotBuy = o.category === 'spot' && o.side === 'Buy';
    const fee = spotBuy ? qty.mul(rate) : qty.mul(price).mul(rate);
    const key = symbolKey(o.category, o.symbol);
    const signed = o.side === 'Buy' ? qty : qty.neg();
    this.net.set(key, (this.net.get(key) ?? ZERO).plus(spotBuy ? signed.minus(fee) : signed));
    this.execSeq += 1;
    const fill: Fill = {
      tradeId: `bt-${this.execSeq}`,
      orderLinkId: o.ref,
      symbol: o.symbol,
      side: o.side,
      qty,
      price,
      fee,
      feeCurrency: spotBuy ? inst.baseCoin : inst.quoteCoin,
      ts,
      isMaker: maker,
    };
    this.fills.push(fill);
    return fill;
  }

  netSize(category: Instrument['category'], symbol: string): Decimal {
    return this.net.get(symbolKey(category, symbol)) ?? ZERO;
  }

  restingCount(): number {
    return this.resting.size;
  }
}
