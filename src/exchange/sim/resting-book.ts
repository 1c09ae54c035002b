// Resting limit orders of one instrument, kept sorted so a price move only looks at the orders it crosses:
// bids best (highest) first, asks best (lowest) first, earlier arrival first at equal prices.
import type { Decimal } from '../../domain/decimal.js';
import type { SimOrder } from './orders.js';

function before(side: 'Buy' | 'Sell', a: SimOrder, b: SimOrder): boolean {
  const c = a.price.cmp(b.price);
  if (c !== 0) return side === 'Buy' ? c > 0 : c < 0;
  return a.seq < b.seq;
}

class SortedSide {
  readonly list: SimOrder[] = [];
  constructor(private readonly side: 'Buy' | 'Sell') {}

  private lowerBound(o: SimOrder): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.list[mid] as SimOrder;
      if (before(this.side, m, o)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(o: SimOrder): void {
    this.list.splice(this.lowerBound(o), 0, o);
  }

  remove(o: SimOrder): boolean {
    const i = this.lowerBound(o);
    if (this.list[i] === o) {
      this.list.splice(i, 1);
      return true;
    }
    return false;
  }
}

export class RestingBook {
  private readonly bids = new SortedSide('Buy');
  private readonly asks = new SortedSide('Sell');

  add(o: SimOrder): void {
    (o.side === 'Buy' ? this.bids : this.asks).insert(o);
  }

  remove(o: SimOrder): boolean {
    return (o.side === 'Buy' ? this.bids : this.asks).remove(o);
  }

  /** Orders a trade at `price` reaches: bids at or above it, asks at or below it, best first. */
  crossedBy(price: Decimal): SimOrder[] {
    const out: SimOrder[] = [];
    for (const o of this.bids.list) {
      if (o.price.lt(price)) break;
      out.push(o);
    }
    for (const o of this.asks.list) {
      if (o.price.gt(price)) break;
      out.push(o);
    }
    return out;
  }

  get size(): number {
    return this.bids.list.length + this.asks.list.length;
  }
}
