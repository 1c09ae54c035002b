// Per-user token buckets: a flood from one user empties only that user's bucket, so others are never
// starved. The "slow down" answer is given once per empty spell, then further messages are dropped.
// This one lives in one process's memory; shared-rate-limit.ts keeps the same buckets in Redis.
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

export interface RateVerdict {
  decision: RateDecision;
  /** Seconds until the next message from this key would be allowed (0 when it would be now). */
  retryAfterSec: number;
}

/** What the chat core asks before handling a message. */
export interface ChatRateLimiter {
  admit(key: string): Promise<RateVerdict>;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { capacity: 8, refillPerSec: 0.5 };

interface Bucket {
  tokens: number;
  at: number;
  warned: boolean;
}

export class RateLimiter implements ChatRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    private readonly clock: Clock,
    private readonly opts: RateLimitOptions = DEFAULT_RATE_LIMIT,
  ) {}

  admit(key: string): Promise<RateVerdict> {
    const decision = this.take(key);
    return Promise.resolve({ decision, retryAfterSec: this.retryAfterSec(key) });
  }

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
