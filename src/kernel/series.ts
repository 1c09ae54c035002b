// A window of closed bars per series a strategy reads: its own and the informative ones it declared.
// Bars are copied in (feeders reuse their bar objects) into a fixed ring; the ordered array is built
// only when a strategy asks for it.
import type { Bar, SeriesView } from '../sdk/types.js';

interface MutableBar {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export class SeriesWindow implements SeriesView {
  private readonly ring: MutableBar[] = [];
  private head = 0;
  private count = 0;
  private ordered: Bar[] | null = null;
  closedNow = false;

  constructor(
    readonly symbol: string,
    readonly interval: string,
    private readonly capacity: number,
  ) {}

  push(bar: Bar): void {
    let slot: MutableBar;
    if (this.ring.length < this.capacity) {
      slot = { ...bar };
      this.ring.push(slot);
    } else {
      slot = this.ring[this.head] as MutableBar;
      slot.openTime = bar.openTime;
      slot.open = bar.open;
      slot.high = bar.high;
      slot.low = bar.low;
      slot.close = bar.close;
      slot.volume = bar.volume;
    }
    this.head = (this.head + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
    this.ordered = null;
    this.closedNow = true;
  }

  get last(): Bar | null {
    if (this.count === 0) return null;
    return this.ring[(this.head - 1 + this.capacity) % this.capacity] ?? null;
  }

  get bars(): readonly Bar[] {
    if (this.ordered) return this.ordered;
    const out: Bar[] = [];
    if (this.ring.length < this.capacity) out.push(...this.ring);
    else for (let k = 0; k < this.capacity; k++) out.push(this.ring[(this.head + k) % this.capacity] as Bar);
    this.ordered = out;
    return out;
  }
}
