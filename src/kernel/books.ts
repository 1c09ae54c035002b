// Books: every position has an owner (a strategy instance, the operator's manual book, or "external"
// for trades made outside bosun). Each book's position is folded from its own fills; the venue's net
// position on a symbol is the sum of the books (one-way mode nets them).
import { Decimal, ZERO } from '../domain/decimal.js';
import type { Fill, FundingPayment } from '../domain/fill.js';
import type { Category } from '../domain/instrument.js';
import {
  applyFill,
  applyFunding,
  emptyPosition,
  type Position,
  type PositionInstrument,
} from '../domain/position.js';
import type { Side } from '../domain/side.js';
import { tradeStep } from '../domain/trade-result.js';

/** The operator's trades from chat share one book: one-way mode nets them anyway, and `/close SYMBOL` must mean one thing. */
export const MANUAL_BOOK = 'manual';
/** Trades reconcile finds at the venue that no book made: never folded into a strategy's book. */
export const EXTERNAL_BOOK = 'external';

export function symbolKey(category: Category, symbol: string): string {
  return `${category}:${symbol}`;
}

/** One closed round trip of a book: what risk's loss streak and daily loss read. */
export interface ClosedRoundTrip {
  readonly book: string;
  readonly category: Category;
  readonly symbol: string;
  readonly closedAt: number;
  /** Price PnL − fees from the opening fill to the closing one (funding is not a trade's result). */
  readonly pnl: Decimal;
}

export type BookFillResult =
  | {
      ok: true;
      before: Position;
      after: Position;
      /** opened | added | reduced | closed | flipped: what a fill notice says. */
      effect: FillEffect;
      /** Set when this fill closed (or flipped) a round trip. */
      closed: ClosedRoundTrip | null;
    }
  | { ok: false; message: string };

export type FillEffect = 'opened' | 'added' | 'reduced' | 'closed' | 'flipped';

export function fillEffect(before: Decimal, after: Decimal): FillEffect {
  if (before.isZero()) return 'opened';
  if (after.isZero()) return 'closed';
  if (before.isPositive() !== after.isPositive()) return 'flipped';
  return after.abs().gt(before.abs()) ? 'added' : 'reduced';
}

/** A book's position on one instrument, and the level its current round trip is measured from. */
interface Slot {
  pos: Position;
  tripBase: Decimal;
}

export class BookLedger {
  private readonly slots = new Map<string, Map<string, Slot>>();
  private readonly instruments = new Map<string, PositionInstrument>();

  register(inst: PositionInstrument): void {
    this.instruments.set(symbolKey(inst.category, inst.symbol), inst);
  }

  private slot(book: string, key: string): Slot {
    let byKey = this.slots.get(book);
    if (!byKey) {
      byKey = new Map();
      this.slots.set(book, byKey);
    }
    let s = byKey.get(key);
    if (!s) {
      const inst = this.instruments.get(key);
      if (!inst) throw new RangeError(`no instrument registered for ${key}`);
      s = { pos: emptyPosition(inst), tripBase: ZERO };
      byKey.set(key, s);
    }
    return s;
  }

  position(book: string, category: Category, symbol: string): Position {
    return this.slot(book, symbolKey(category, symbol)).pos;
  }

  /** Fold one fill into its book; the caller has already made sure the fill is new (by trade id). */
  applyFill(book: string, category: Category, fill: Fill): BookFillResult {
    const key = symbolKey(category, fill.symbol);
    const s = this.slot(book, key);
    const before = s.pos;
    const r = applyFill(before, fill);
    if (!r.ok) return { ok: false, message: `${book}: ${r.error.message}` };
    const after = r.position;
    const effect = fillEffect(before.size, after.size);
    // Round trips as everywhere else in bosun (domain/trade-result): a flip closes with its whole fee.
    const step = tradeStep(before, after, s.tripBase);
    s.tripBase = step.base;
    s.pos = after;
    const closed: ClosedRoundTrip | null = step.closedPnl
      ? { book, category, symbol: fill.symbol, closedAt: fill.ts, pnl: step.closedPnl }
      : null;
    return { ok: true, before, after, effect, closed };
  }

  applyFunding(book: string, category: Category, payment: FundingPayment): void {
    const s = this.slot(book, symbolKey(category, payment.symbol));
    const r = applyFunding(s.pos, payment);
    if (r.ok) s.pos = r.position;
  }

  /** The venue's view: the sum of every book's signed size on the symbol. */
  netSize(category: Category, symbol: string): Decimal {
    const key = symbolKey(category, symbol);
    let net = ZERO;
    for (const byKey of this.slots.values()) {
      const s = byKey.get(key);
      if (s) net = net.plus(s.pos.size);
    }
    return net;
  }

  /** Every book's position on a symbol, flat ones left out. */
  booksOn(category: Category, symbol: string): { book: string; position: Position }[] {
    const key = symbolKey(category, symbol);
    const out: { book: string; position: Position }[] = [];
    for (const [book, byKey] of this.slots) {
      const s = byKey.get(key);
      if (s && !s.pos.size.isZero()) out.push({ book, position: s.pos });
    }
    return out;
  }

  /** All positions of all books (including flat ones that have history). */
  *entries(): IterableIterator<{ book: string; position: Position }> {
    for (const [book, byKey] of this.slots) {
      for (const s of byKey.values()) yield { book, position: s.pos };
    }
  }

  /**
   * Net positions per instrument, as the venue holds them: what risk's portfolio view measures. The
   * average entry of a net position is the size-weighted entry of the books on its side.
   */
  netPositions(): { category: Category; symbol: string; size: Decimal; avgEntry: Decimal | null }[] {
    const acc = new Map<string, { category: Category; symbol: string; size: Decimal; cost: Decimal }>();
    for (const { position: p } of this.entries()) {
      const key = symbolKey(p.category, p.symbol);
      const a = acc.get(key) ?? { category: p.category, symbol: p.symbol, size: ZERO, cost: ZERO };
      a.size = a.size.plus(p.size);
      a.cost = a.cost.plus(p.size.mul(p.avgEntryPrice ?? ZERO));
      acc.set(key, a);
    }
    return [...acc.values()].map((a) => ({
      category: a.category,
      symbol: a.symbol,
      size: a.size,
      avgEntry: a.size.isZero() ? null : a.cost.div(a.size),
    }));
  }
}

/**
 * Whether an order of `qty` on `side` really only reduces the venue's net position. One-way mode nets
 * the books: a book closing its short while another book's long is larger is a buy that adds to the
 * venue's long, and a reduce-only flag would make the venue refuse it.
 */
export function reducesAtVenue(net: Decimal, side: Side, qty: Decimal): boolean {
  if (side === 'Buy') return net.isNegative() && qty.lte(net.abs());
  return net.isPositive() && qty.lte(net);
}

export function sumSizes(sizes: readonly Decimal[]): Decimal {
  return sizes.reduce((a, b) => a.plus(b), new Decimal(0));
}
