// Private frames on their way to the WebSocket front. A request whose reply should leave first holds the
// outbox; frames queue (in order, so no client ever sees an older state after a newer one) until the reply
// has been written and the lag has passed.
import type { PrivateBatch } from './engine.js';

export class PrivateOutbox {
  private holds = 0;
  private queue: PrivateBatch[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly send: (batch: PrivateBatch) => void) {}

  push(batch: PrivateBatch): void {
    if (this.holds > 0) this.queue.push(batch);
    else this.send(batch);
  }

  hold(): void {
    this.holds++;
  }

  /** Ends one hold after `lagMs`; the queue drains when no hold is left. */
  release(lagMs: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.holds = Math.max(0, this.holds - 1);
      if (this.holds === 0) this.drain();
    }, lagMs);
    this.timers.add(t);
  }

  /** On close: everything held goes out now. */
  flushNow(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.holds = 0;
    this.drain();
  }

  private drain(): void {
    const q = this.queue;
    this.queue = [];
    for (const b of q) this.send(b);
  }
}
