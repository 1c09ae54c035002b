// Per-user token buckets: a flood from one user empties only that user's bucket, so others are never
// starved. The "slow down" answer is given once per empty spell, then further messages are dropped.
import type { Clock } from '../../domain/clock.js';

export interface RateLimitOptions {
  /** Burst size. */
  capacity: number;
  /** Tokens regained per second. */
  refillPerSec: number;
  /** Buckets idle this long are forgotten (memory bound). */
  idleMs?: number;
}

export type RateDecision = 'allow' | 'warn' | 'drop';

interface Bucket {
  tokens: number;
  at: number;
  warned: boolean;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    private readonly clock: Clock,
    private readonly opts: RateLimitOptions = { capacity: 8, refillPerSec: 0.5 },
  ) {}

  take(key: string): RateDecision {
    const now = this.clock.now();
    this.sweep(now);
    const b = this.buckets.get(key) ?? { tokens: this.opts.capacity, at: now, warned: false };
    b.tokens = Math.min(this.opts.capacity, b.tokens + ((now - b.at) / 1000) * this.opts.refillPerSec);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      b.warned = false;
      return 'allow';
    }
    if (b.warned) return 'drop';
    b.warned = true;
    return 'warn';
  }

  /** Seconds until the next message from this key would be allowed. */
  retryAfterSec(key: string): number {
    const b = this.buckets.get(key);
    if (!b || b.tokens >= 1) return 0;
    return Math.ceil((1 - b.tokens) / this.opts.refillPerSec);
  }

  private sweep(now: number): void {
    const idle = this.opts.idleMs ?? 15 * 60_000;
    if (now - this.lastSweep < idle) return;
    this.lastSweep = now;
    for (const [k, b] of this.buckets) if (now - b.at > idle) this.buckets.delete(k);
  }
}
