// Client-side rate limiting: a token bucket per endpoint (Bybit's per-UID limits) plus one for the IP,
// and hard blocks until a reset time after the venue said "too many" (10006 / 403).
import { RateLimitedError } from './errors.js';

export interface Timing {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTiming = (now: () => number): Timing => ({
  now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});

/**
 * A token bucket whose tokens come back one window after they were spent. Bybit counts a rolling window
 * (N per second), and a bucket refilled continuously at N/s would let 2N through in the first second (→ 10006);
 * returning each token exactly one window later never exceeds N in any window. Reservations are made at call
 * time, so concurrent callers queue fairly.
 */
export class TokenBucket {
  /** When each spent token was (or will be) used, oldest first. */
  private readonly spent: number[] = [];

  constructor(
    readonly capacity: number,
    readonly windowMs: number,
  ) {}

  /** Takes one token and returns how long the caller must wait before using it (0 = now). */
  reserve(now: number): number {
    this.expire(now);
    const free =
      this.spent.length < this.capacity
        ? now
        : Math.max(now, (this.spent[this.spent.length - this.capacity] ?? now) + this.windowMs);
    // First come, first served: never ahead of a caller already queued.
    const at = Math.max(free, this.spent[this.spent.length - 1] ?? free);
    this.spent.push(at);
    return at - now;
  }

  available(now: number): number {
    this.expire(now);
    return Math.max(0, this.capacity - this.spent.length);
  }

  private expire(now: number): void {
    let n = 0;
    while (n < this.spent.length && (this.spent[n] ?? 0) <= now - this.windowMs) n++;
    if (n > 0) this.spent.splice(0, n);
  }
}

export interface LimiterOptions {
  timing: Timing;
  /** Waits longer than this fail fast with RateLimitedError instead of sleeping. */
  maxWaitMs: number;
  ip: { capacity: number; windowMs: number };
  /** Added to the one-second venue window so network jitter cannot squeeze N+1 calls into it. */
  marginMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly ip: TokenBucket;
  private readonly blocks = new Map<string, number>();
  private ipBlockedUntil = 0;

  constructor(private readonly opts: LimiterOptions) {
    this.ip = new TokenBucket(opts.ip.capacity, opts.ip.windowMs + opts.marginMs);
  }

  /**
   * Waits for a token on the IP bucket and, when `perSecond` is set, on the endpoint bucket.
   * Throws RateLimitedError when a block or the queue would make the caller wait longer than maxWaitMs.
   */
  async acquire(key: string, perSecond: number | null, endpoint: string): Promise<void> {
    const now = this.opts.timing.now();
    const blockedUntil = Math.max(this.ipBlockedUntil, this.blocks.get(key) ?? 0);
    const blockWait = Math.max(0, blockedUntil - now);
    if (blockWait > this.opts.maxWaitMs) {
      const scope = this.ipBlockedUntil >= blockedUntil ? 'ip' : 'endpoint';
      throw new RateLimitedError({
        code: null,
        endpoint,
        detail: `rate limited until ${new Date(blockedUntil).toISOString()}`,
        resetAt: blockedUntil,
        scope,
      });
    }
    let wait = blockWait;
    const start = now + blockWait;
    wait = Math.max(wait, blockWait + this.ip.reserve(start));
    if (perSecond !== null) wait = Math.max(wait, blockWait + this.bucket(key, perSecond).reserve(start));
    if (wait > 0) await this.opts.timing.sleep(wait);
  }

  /** The venue said stop: nothing on this key (or the whole IP) goes out before `until`. */
  block(key: string | 'ip', until: number): void {
    if (key === 'ip') {
      this.ipBlockedUntil = Math.max(this.ipBlockedUntil, until);
      return;
    }
    this.blocks.set(key, Math.max(this.blocks.get(key) ?? 0, until));
  }

  /** Calls on `key` that would leave now, without waiting on a bucket or a block. */
  availableNow(key: string, perSecond: number | null): number {
    const now = this.opts.timing.now();
    if (this.blockedUntil(key) > now) return 0;
    const ip = this.ip.available(now);
    return perSecond === null ? ip : Math.min(ip, this.bucket(key, perSecond).available(now));
  }

  blockedUntil(key: string): number {
    return Math.max(this.ipBlockedUntil, this.blocks.get(key) ?? 0);
  }

  private bucket(key: string, perSecond: number): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(perSecond, 1000 + this.opts.marginMs);
      this.buckets.set(key, b);
    }
    return b;
  }
}
