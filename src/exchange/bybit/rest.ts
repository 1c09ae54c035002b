// Every REST call goes through here: rate-limit tokens, retCode check, error mapping, and the retry policy
// (back off on transient, wait out rate limits, resync the clock once on 10002).
import type { Category } from '../../domain/instrument.js';
import type { Logger } from '../../platform/logger.js';
import { type Endpoint, RATE_LIMITS, rateLimitKey } from './constants.js';
import { errorForFailure, errorForRetCode, type MapContext } from './error-map.js';
import {
  ClockSkewError,
  type ExchangeError,
  OutcomeUnknownError,
  RateLimitedError,
  TransientError,
} from './errors.js';
import type { RateLimiter, Timing } from './rate-limit.js';
import { describeFailure } from './sanitize.js';

/** The part of every bybit-api REST answer we rely on. */
export interface Envelope {
  retCode: number;
  retMsg: string;
  result: unknown;
  time?: number;
  rateLimitApi?: { remainingRequests: number; maxRequests: number; resetAtTimestamp: number } | undefined;
}

export interface CallOptions {
  /** Repeating the call is harmless (reads, cancels, absolute settings). Order creation is not. */
  idempotent: boolean;
  orderLinkId?: string;
}

export interface RestCallerOptions {
  limiter: RateLimiter;
  timing: Timing;
  secrets: readonly string[];
  maxRetries: number;
  backoffBaseMs: number;
  maxRateLimitWaitMs: number;
  ipBanMs: number;
  log: Logger;
  /** Re-measure the venue clock offset (called on 10002 before the single retry). */
  resyncClock: () => Promise<void>;
}

const linkId = (o: CallOptions) => (o.orderLinkId ? { orderLinkId: o.orderLinkId } : {});

/** The venue's per-second limit for an endpoint (linear's for calls without a category). */
const perSecondOf = (endpoint: Endpoint, category: Category | null): number | null =>
  category ? RATE_LIMITS[endpoint][category] : RATE_LIMITS[endpoint].linear;

export class RestCaller {
  constructor(private readonly o: RestCallerOptions) {}

  /** Calls to `endpoint` that would leave now without waiting on the client-side rate limit. */
  availableNow(endpoint: Endpoint, category: Category | null): number {
    return this.o.limiter.availableNow(rateLimitKey(endpoint, category), perSecondOf(endpoint, category));
  }

  async call(
    endpoint: Endpoint,
    category: Category | null,
    fn: () => Promise<Envelope>,
    opts: CallOptions,
  ): Promise<unknown> {
    const key = rateLimitKey(endpoint, category);
    const perSecond = perSecondOf(endpoint, category);
    let clockRetried = false;
    for (let attempt = 0; ; attempt++) {
      await this.o.limiter.acquire(key, perSecond, endpoint);
      const out = await this.once(endpoint, key, fn, opts);
      if (out.ok) return out.result;
      const err = out.err;
      if (!this.shouldRetry(err, attempt, opts, clockRetried)) throw err;
      this.o.log.warn({ err: err.toJSON(), attempt }, 'bybit call failed; retrying');
      // A rate-limit block is already recorded: the next acquire() waits it out.
      if (err instanceof ClockSkewError) {
        clockRetried = true;
        await this.o.resyncClock();
      } else if (!(err instanceof RateLimitedError)) {
        await this.o.timing.sleep(this.o.backoffBaseMs * 2 ** attempt);
      }
    }
  }

  private async once(
    endpoint: Endpoint,
    key: string,
    fn: () => Promise<Envelope>,
    opts: CallOptions,
  ): Promise<{ ok: true; result: unknown } | { ok: false; err: ExchangeError }> {
    const ctx: MapContext = {
      endpoint,
      now: this.o.timing.now(),
      ipBanMs: this.o.ipBanMs,
      secrets: this.o.secrets,
      ...(opts.orderLinkId ? { orderLinkId: opts.orderLinkId } : {}),
    };
    let res: Envelope;
    try {
      res = await fn();
    } catch (e) {
      ctx.now = this.o.timing.now();
      const err = errorForFailure(describeFailure(e, this.o.secrets, ctx.now), ctx);
      if (err instanceof RateLimitedError) this.o.limiter.block(err.scope === 'ip' ? 'ip' : key, err.resetAt);
      return { ok: false, err };
    }
    if (typeof res !== 'object' || res === null || typeof res.retCode !== 'number') {
      // Not a V5 envelope (a proxy page?): the venue may or may not have acted.
      const detail = 'unexpected response (no retCode)';
      return { ok: false, err: new OutcomeUnknownError({ code: null, endpoint, detail, ...linkId(opts) }) };
    }
    const rl = res.rateLimitApi;
    if (rl && rl.remainingRequests <= 0 && rl.resetAtTimestamp > ctx.now)
      this.o.limiter.block(key, rl.resetAtTimestamp);
    if (res.retCode === 0) return { ok: true, result: res.result };
    const err = errorForRetCode(res.retCode, String(res.retMsg ?? ''), ctx, rl?.resetAtTimestamp ?? null);
    if (err instanceof RateLimitedError) this.o.limiter.block(key, err.resetAt);
    return { ok: false, err };
  }

  private shouldRetry(
    err: ExchangeError,
    attempt: number,
    opts: CallOptions,
    clockRetried: boolean,
  ): boolean {
    if (err instanceof ClockSkewError) return !clockRetried;
    if (attempt >= this.o.maxRetries) return false;
    if (err instanceof RateLimitedError)
      return err.resetAt - this.o.timing.now() <= this.o.maxRateLimitWaitMs;
    if (err instanceof TransientError || err instanceof OutcomeUnknownError) return opts.idempotent;
    return false;
  }
}
