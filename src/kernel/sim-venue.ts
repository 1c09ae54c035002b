// The simulated venue a backtest runs the kernel against, bar by bar: market orders fill at the next
// bar's open, resting limits and conditional orders against the bar's range, with Bybit's fee rules
// (linear fees in the settle coin; a spot buy pays its fee in the base coin received).
import { Decimal, ZERO } from '../domain/decimal.js';
import type { Fill } from '../domain/fill.js';
import type { Instrument } from '../domain/instrument.js';
import { roundPrice } from '../domain/instrument.js';
import type { Bar } from '../sdk/types.js';
import { symbolKey } from './books.js';
import { bankruptcyPrice, DEFAULT_MMR, liquidationPrice } from './margin.js';
import type { Command, KernelOrder, OrderReport } from './types.js';

export interface VenueCosts {
  readonly takerFee: Decimal;
  readonly makerFee: Decimal;
  /** Adverse price move on every taker fill, in basis points (market, stop, marketable limit). */
  readonly slippageBps: Decimal;
  /** Fees of one category where they differ from the rates above (a portfolio of spot and linear). */
  readonly byCategory?: Partial<
    Readonly<Record<Instrument['category'], { readonly takerFee: Decimal; readonly makerFee: Decimal }>>
  >;
}

/** What a cross-margin account holds besides the symbol being matched (the backtest reads it from the kernel). */
export interface CrossAccount {
  /** Account equity at the last marks (float, for the trigger). */
  equity(): number;
  /** The same, exact (for the settlement price). */
  exactEquity(): Decimal;
  /** The symbol's last mark (the close before the bar being matched). */
  mark(category: Instrument['category'], symbol: string): number | null;
  /** Position value of every other symbol at its mark (their maintenance margin's base). */
  otherNotional(category: Instrument['category'], symbol: string): number;
}

export interface VenueMargin {
  /**
   * isolated: each position is liquidated on its own margin; cross: a symbol's position is liquidated when
   * the whole account's equity meets the account's maintenance margin, settled where equity reaches zero.
   */
  readonly mode: 'isolated' | 'cross';
  /** Leverage of a linear symbol no instance set one for (Bybit's account default). */
  readonly defaultLeverage: Decimal;
  /** Maintenance margin rate (Bybit's first risk-limit tier). */
  readonly mmr: Decimal;
}

export const DEFAULT_MARGIN: VenueMargin = {
  mode: 'isolated',
  defaultLeverage: new Decimal(1),
  mmr: DEFAULT_MMR,
};

/**
 * Which of several orders a bar hit first when no lower interval says: orders at the open (gaps) first,
 * then stops, then take-profits and limits — the pessimistic reading, stated in every report.
 */
export const INTRABAR_RULE =
  'within a bar: orders the open already crossed fill first (at the open), then stops, then a liquidation, then take-profits and limits';

interface Resting {
  order: KernelOrder;
  left: Decimal;
  /** Market orders wait for the next open; a resting order is armed from the bar after it was placed. */
  armedFromBar: number;
  /** Placed while the venue worked bar `midBarOf` (protection after an entry filled at its open): that bar's open was before it. */
  midBarOf: number;
}

export class SimVenue {
  private readonly resting = new Map<string, Resting>();
  private readonly net = new Map<string, Decimal>();
  /** The venue's average entry of each net position (what its liquidation price is measured from). */
  private readonly entry = new Map<string, Decimal>();
  private execSeq = 0;
  readonly fills: Fill[] = [];
  leverage = new Map<string, Decimal>();

  constructor(
    private readonly instruments: ReadonlyMap<string, Instrument>,
    private readonly costs: VenueCosts,
    private readonly margin: VenueMargin = DEFAULT_MARGIN,
    private readonly cross: CrossAccount | null = null,
  ) {}

  /** Apply the kernel's commands (placed orders wait for the venue's next step). */
  execute(commands: readonly Command[], barIndex: number, midBar = false): OrderReport[] {
    const reports: OrderReport[] = [];
    for (const c of commands) {
      switch (c.kind) {
        case 'place':
          {
            // A stop or take-profit placed in reaction to a fill inside a bar is at the venue for the rest of it.
            const now = midBar && c.order.type === 'Market' && c.order.trigger !== null;
            this.resting.set(c.order.ref, {
              order: c.order,
              left: c.order.qty,
              armedFromBar: now ? barIndex : barIndex + 1,
              midBarOf: now ? barIndex : -1,
            });
          }
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
    /** False for the later lower-interval parts of a bar (--detail): only the first one holds its open. */
    opening = true,
  ): OrderReport | null {
    let best: { r: Resting; price: Decimal; taker: boolean; rank: number } | null = null;
    for (const r of this.resting.values()) {
      const o = r.order;
      if (o.symbol !== symbolCat.symbol || o.category !== symbolCat.category || i < r.armedFromBar) continue;
      const atOpen = r.midBarOf !== i;
      const hit = this.hitPrice(o, bar, opening && atOpen && i === r.armedFromBar, atOpen);
      if (!hit) continue;
      if (!best || hit.rank < best.rank) best = { r, ...hit };
    }
    const liq = this.liquidation(symbolCat.category, symbolCat.symbol, bar);
    if (liq && (!best || liq.rank < best.rank)) {
      const key = symbolKey(symbolCat.category, symbolCat.symbol);
      this.net.set(key, ZERO);
      this.entry.delete(key);
      this.execSeq += 1;
      return {
        kind: 'liquidated',
        ref: '',
        ...symbolCat,
        price: liq.price,
        ts: bar.openTime,
        tradeId: `bt-liq-${this.execSeq}`,
      };
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

  /** An isolated linear position whose mark meets its liquidation price in this bar, and where that ranks. */
  private liquidation(
    category: Instrument['category'],
    symbol: string,
    bar: Bar,
  ): { price: Decimal; rank: number } | null {
    if (category !== 'linear') return null;
    if (this.margin.mode === 'cross') return this.crossLiquidation(category, symbol, bar);
    const key = symbolKey(category, symbol);
    const net = this.net.get(key);
    const entry = this.entry.get(key);
    if (!net || net.isZero() || !entry) return null;
    const inst = this.instruments.get(key) as Instrument;
    const lev = this.leverage.get(key) ?? this.margin.defaultLeverage;
    const long = net.isPositive();
    const lp = liquidationPrice(inst, long, entry, lev, this.margin.mmr).toNumber();
    const price = bankruptcyPrice(long, entry, lev);
    if (long ? bar.open <= lp : bar.open >= lp) return { price, rank: 0.5 };
    if (long ? bar.low <= lp : bar.high >= lp) return { price, rank: 1.5 };
    return null;
  }

  /**
   * Cross margin: equity at price p is E + n(p − m) (E at the marks, m this symbol's mark); the position is
   * liquidated where that meets MMR × (|n|·p + the other positions' value), and settled where equity is 0.
   */
  private crossLiquidation(
    category: Instrument['category'],
    symbol: string,
    bar: Bar,
  ): { price: Decimal; rank: number } | null {
    const key = symbolKey(category, symbol);
    const net = this.net.get(key);
    const acc = this.cross;
    if (!acc || !net || net.isZero()) return null;
    const m = acc.mark(category, symbol);
    if (m === null) return null;
    const n = net.toNumber();
    const mmr = this.margin.mmr.toNumber();
    const e = acc.equity();
    const long = n > 0;
    const trigger =
      (n * m + mmr * acc.otherNotional(category, symbol) - e) / (n * (long ? 1 - mmr : 1 + mmr));
    const hitAtOpen = long ? bar.open <= trigger : bar.open >= trigger;
    const hit = hitAtOpen || (long ? bar.low <= trigger : bar.high >= trigger);
    if (!hit) return null;
    const price = new Decimal(String(m)).minus(acc.exactEquity().div(net));
    return { price: Decimal.max(price, ZERO), rank: hitAtOpen ? 0.5 : 1.5 };
  }

  private hitPrice(
    o: KernelOrder,
    bar: Bar,
    firstBar: boolean,
    /** The order was resting when the bar opened: a gap through it fills at the open. */
    atOpen: boolean,
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
        if (atOpen && open <= t) return { price: slip(open, buy), taker: true, rank: 0 };
        if (bar.low <= t) return { price: slip(t, buy), taker: true, rank: o.purpose === 'stop' ? 1 : 2 };
      } else {
        if (atOpen && open >= t) return { price: slip(open, buy), taker: true, rank: 0 };
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
    const fees = this.costs.byCategory?.[o.category] ?? this.costs;
    const rate = maker ? fees.makerFee : fees.takerFee;
    const spotBuy = o.category === 'spot' && o.side === 'Buy';
    const fee = spotBuy ? qty.mul(rate) : qty.mul(price).mul(rate);
    const key = symbolKey(o.category, o.symbol);
    const signed = o.side === 'Buy' ? qty : qty.neg();
    const before = this.net.get(key) ?? ZERO;
    const after = before.plus(spotBuy ? signed.minus(fee) : signed);
    this.net.set(key, after);
    // The entry re-averages when the position grows, stays when it shrinks, restarts when it flips.
    const prev = this.entry.get(key);
    if (after.isZero()) this.entry.delete(key);
    else if (before.isZero() || before.isPositive() !== after.isPositive()) this.entry.set(key, price);
    else if (after.abs().gt(before.abs()) && prev)
      this.entry.set(key, prev.mul(before.abs()).plus(price.mul(qty)).div(after.abs()));
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

  /** Something on the symbol the bar could touch: a resting order, or a position that could be liquidated. */
  busy(category: Instrument['category'], symbol: string): boolean {
    if (this.resting.size > 0) return true;
    const net = this.net.get(symbolKey(category, symbol));
    return net !== undefined && !net.isZero();
  }
}
