// Paper trading's order books: the venue's public `orderbook.{depth}.{symbol}` frames applied as Bybit says
// (a snapshot replaces the book, a delta sets levels, size "0" deletes one), so takers walk real depth.
// https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook
import { type Decimal, dec } from '../../domain/decimal.js';
import type { Category } from '../../domain/instrument.js';

export interface BookLevel {
  price: Decimal;
  size: Decimal;
  /** As the venue printed them ("27450.00"): republished unchanged. */
  wirePrice: string;
  wireSize: string;
}

interface Side {
  levels: Map<string, BookLevel>;
  /** Best first; rebuilt lazily after a change. */
  sorted: BookLevel[] | null;
}

interface Book {
  bids: Side;
  asks: Side;
  /** Market time of the frame that last changed the book. */
  at: number;
}

const side = (): Side => ({ levels: new Map(), sorted: null });

export class LiveBooks {
  private readonly books = new Map<string, Book>();

  /** Apply one frame's data; `snapshot` replaces what was held (also Bybit's `u=1` reset). */
  apply(
    category: Category,
    symbol: string,
    kind: 'snapshot' | 'delta',
    b: readonly (readonly [string, string])[],
    a: readonly (readonly [string, string])[],
    at: number,
  ): void {
    const key = `${category}:${symbol}`;
    let book = this.books.get(key);
    if (!book || kind === 'snapshot') {
      book = { bids: side(), asks: side(), at };
      this.books.set(key, book);
    }
    // A delta before any snapshot cannot be placed: it waits for the snapshot the venue sends on subscribe.
    set(book.bids, b);
    set(book.asks, a);
    book.at = at;
  }

  /** Forget a category's books (its stream reconnects: the next snapshot rebuilds them). */
  reset(category: Category): void {
    for (const key of [...this.books.keys()]) if (key.startsWith(`${category}:`)) this.books.delete(key);
  }

  /** Best bid and ask, or null until both sides have levels. */
  top(category: Category, symbol: string): { bid: BookLevel; ask: BookLevel } | null {
    const book = this.books.get(`${category}:${symbol}`);
    if (!book) return null;
    const bid = sorted(book.bids, 'desc')[0];
    const ask = sorted(book.asks, 'asc')[0];
    return bid && ask ? { bid, ask } : null;
  }

  /** One side, best first: `bids` for a seller to take, `asks` for a buyer. */
  levels(category: Category, symbol: string, which: 'bids' | 'asks'): readonly BookLevel[] {
    const book = this.books.get(`${category}:${symbol}`);
    if (!book) return [];
    return which === 'bids' ? sorted(book.bids, 'desc') : sorted(book.asks, 'asc');
  }
}

function set(s: Side, rows: readonly (readonly [string, string])[]): void {
  if (rows.length === 0) return;
  for (const [p, q] of rows) {
    const size = dec(q);
    if (size.isZero()) s.levels.delete(p);
    else s.levels.set(p, { price: dec(p), size, wirePrice: p, wireSize: q });
  }
  s.sorted = null;
}

function sorted(s: Side, order: 'asc' | 'desc'): BookLevel[] {
  if (!s.sorted) {
    s.sorted = [...s.levels.values()].sort((x, y) =>
      order === 'asc' ? x.price.cmp(y.price) : y.price.cmp(x.price),
    );
  }
  return s.sorted;
}
