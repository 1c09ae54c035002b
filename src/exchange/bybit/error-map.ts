// Venue codes → error classes, by number and in one place (https://bybit-exchange.github.io/docs/v5/error).
// Never by substring of retMsg: messages change, numbers do not.
import {
  AuthError,
  ClockSkewError,
  DuplicateOrderError,
  type ExchangeError,
  type ErrorKind,
  NotModifiedError,
  OrderNotFoundError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
} from './errors.js';
import { scrub, type SafeFailure } from './sanitize.js';

type CodeClass = ErrorKind | 'auth' | 'not-found';

/** Every code we act on specially; anything else with retCode ≠ 0 is permanent (the venue answered "no"). */
export const RET_CODES: Readonly<Record<number, CodeClass>> = {
  10000: 'transient', // server timeout (for order/create the placement path reconciles anyway)
  10016: 'transient', // server error
  10019: 'transient', // service restarting
  10006: 'rate-limited', // per-UID "Too many visits"
  10018: 'rate-limited', // IP rate limit
  10429: 'rate-limited', // system-level frequency protection
  10002: 'clock', // timestamp outside recv_window
  170007: 'outcome-unknown', // backend timeout waiting for the order result
  170146: 'outcome-unknown', // order creation timeout
  110072: 'idempotent', // orderLinkId duplicate (linear)
  170141: 'idempotent', // duplicate clientOrderId (spot)
  12141: 'idempotent', // duplicate clientOrderId (V5 envelope, per ccxt)
  110043: 'not-modified', // leverage not modified
  110025: 'not-modified', // position mode not modified
  110026: 'not-modified', // margin mode not modified
  34040: 'not-modified', // trading-stop not modified
  10003: 'auth', // API key invalid / wrong environment
  10004: 'auth', // signature error (usually a wrong secret)
  10005: 'auth', // permission denied
  10007: 'auth', // user authentication failed
  10008: 'auth', // account banned
  10009: 'auth', // IP banned
  10010: 'auth', // unmatched IP
  33004: 'auth', // API key expired
  110001: 'not-found', // order does not exist
  170213: 'not-found', // spot order does not exist
  10001: 'permanent', // parameter error
  110003: 'permanent', // price out of range
  110004: 'permanent', // wallet balance insufficient
  110007: 'permanent', // available balance insufficient
  110008: 'permanent', // order already finished
  110010: 'permanent', // order already cancelled
  110012: 'permanent', // insufficient available balance
  110017: 'permanent', // reduce-only qty truncates to zero
  110044: 'permanent', // available margin insufficient
  110045: 'permanent', // wallet balance insufficient
  110094: 'permanent', // below minimum notional
  170130: 'permanent', // spot parameter invalid
  170131: 'permanent', // spot balance insufficient
  170134: 'permanent', // spot price decimals too long
  170136: 'permanent', // spot qty below minimum
  170137: 'permanent', // spot qty decimals too long
  170140: 'permanent', // spot order value below minimum
  170148: 'permanent', // spot market amount decimals too long
  12137: 'permanent', // qty has too many decimals
};

export function classOfRetCode(code: number): CodeClass {
  return RET_CODES[code] ?? 'permanent';
}

export interface MapContext {
  endpoint: string;
  now: number;
  /** Wait after HTTP 403 when the venue gives no reset time. */
  ipBanMs: number;
  orderLinkId?: string;
  secrets: readonly string[];
}

/** An HTTP-200 envelope with retCode ≠ 0. */
export function errorForRetCode(
  code: number,
  retMsg: string,
  ctx: MapContext,
  resetAt: number | null = null,
): ExchangeError {
  const init = { code, endpoint: ctx.endpoint, detail: scrub(retMsg || 'rejected', ctx.secrets) };
  switch (classOfRetCode(code)) {
    case 'transient':
      return new TransientError(init);
    case 'rate-limited':
      // With no reset header the per-UID window is one second.
      return new RateLimitedError({ ...init, resetAt: resetAt ?? ctx.now + 1000, scope: 'endpoint' });
    case 'clock':
      return new ClockSkewError(init);
    case 'outcome-unknown':
      return new OutcomeUnknownError({
        ...init,
        ...(ctx.orderLinkId ? { orderLinkId: ctx.orderLinkId } : {}),
      });
    case 'idempotent':
      return new DuplicateOrderError(init);
    case 'not-modified':
      return new NotModifiedError(init);
    case 'auth':
      return new AuthError(init);
    case 'not-found':
      return new OrderNotFoundError(init);
    case 'permanent':
      return new PermanentError(init);
  }
}

// Connection never established: the request did not reach the venue, so it is safe to repeat.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** A rejected SDK call (non-2xx or no response), already reduced to safe facts. */
export function errorForFailure(f: SafeFailure, ctx: MapContext): ExchangeError {
  const linkId = ctx.orderLinkId ? { orderLinkId: ctx.orderLinkId } : {};
  if (f.status !== null) {
    const init = { code: f.status, endpoint: ctx.endpoint, detail: f.text };
    if (f.status === 403) {
      return new RateLimitedError({ ...init, resetAt: f.resetAt ?? ctx.now + ctx.ipBanMs, scope: 'ip' });
    }
    if (f.status === 429)
      return new RateLimitedError({ ...init, resetAt: f.resetAt ?? ctx.now + 1000, scope: 'ip' });
    if (f.status >= 500) return new TransientError(init);
    if (f.retCode !== null) return errorForRetCode(f.retCode, f.text, ctx, f.resetAt);
    if (f.status === 401) return new AuthError(init);
    return new PermanentError(init);
  }
  const init = { code: null, endpoint: ctx.endpoint, detail: f.text };
  if (f.netCode && NOT_SENT.has(f.netCode)) return new TransientError(init);
  // Timeouts, resets, hang-ups: the venue may have acted on it.
  return new OutcomeUnknownError({ ...init, ...linkId });
}
