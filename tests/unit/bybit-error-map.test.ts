import { describe, expect, it } from 'vitest';
import {
  classOfRetCode,
  errorForFailure,
  errorForRetCode,
  type MapContext,
} from '../../src/exchange/bybit/error-map.js';
import {
  AuthError,
  ClockSkewError,
  DuplicateOrderError,
  NotModifiedError,
  OrderNotFoundError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
} from '../../src/exchange/bybit/errors.js';
import type { SafeFailure } from '../../src/exchange/bybit/sanitize.js';

const ctx: MapContext = { endpoint: 'order/create', now: 1_000_000, ipBanMs: 600_000, secrets: [] };

describe('retCode → error class, by number', () => {
  const cases: Array<[number, new (...a: never[]) => Error, string, string]> = [
    [10000, TransientError, 'transient', 'retry'],
    [10016, TransientError, 'transient', 'retry'],
    [10006, RateLimitedError, 'rate-limited', 'wait'],
    [10002, ClockSkewError, 'clock', 'resync-clock'],
    [170007, OutcomeUnknownError, 'outcome-unknown', 'reconcile'],
    [170146, OutcomeUnknownError, 'outcome-unknown', 'reconcile'],
    [110072, DuplicateOrderError, 'idempotent', 'reconcile'],
    [170141, DuplicateOrderError, 'idempotent', 'reconcile'],
    [12141, DuplicateOrderError, 'idempotent', 'reconcile'],
    [110043, NotModifiedError, 'not-modified', 'success'],
    [110025, NotModifiedError, 'not-modified', 'success'],
    [110026, NotModifiedError, 'not-modified', 'success'],
    [10001, PermanentError, 'permanent', 'reject'],
    [110007, PermanentError, 'permanent', 'reject'],
    [110094, PermanentError, 'permanent', 'reject'],
    [10003, AuthError, 'permanent', 'halt'],
    [10004, AuthError, 'permanent', 'halt'],
    [10005, AuthError, 'permanent', 'halt'],
    [110001, OrderNotFoundError, 'permanent', 'reconcile'],
  ];
  it.each(cases)('%i → %o', (code, cls, kind, consequence) => {
    const e = errorForRetCode(code, 'msg', ctx);
    expect(e).toBeInstanceOf(cls);
    expect(e.kind).toBe(kind);
    expect(e.consequence).toBe(consequence);
    expect(e.code).toBe(code);
  });

  it('treats an unknown code as permanent (the venue answered "no"), not as retryable', () => {
    expect(classOfRetCode(999_999)).toBe('permanent');
    expect(errorForRetCode(999_999, 'x', ctx)).toBeInstanceOf(PermanentError);
  });

  it('classifies by number even when the message says something else', () => {
    expect(errorForRetCode(10006, 'Order does not exist', ctx)).toBeInstanceOf(RateLimitedError);
    expect(errorForRetCode(110001, 'Too many visits!', ctx)).toBeInstanceOf(OrderNotFoundError);
  });

  it('a 10006 waits until the venue reset timestamp, or one second without one', () => {
    const withReset = errorForRetCode(10006, 'Too many visits!', ctx, 1_002_345) as RateLimitedError;
    expect(withReset.resetAt).toBe(1_002_345);
    expect(withReset.scope).toBe('endpoint');
    const without = errorForRetCode(10006, 'Too many visits!', ctx) as RateLimitedError;
    expect(without.resetAt).toBe(1_001_000);
  });

  it('an outcome-unknown placement carries the orderLinkId to reconcile with', () => {
    const e = errorForRetCode(170146, 'timeout', { ...ctx, orderLinkId: 'abc' }) as OutcomeUnknownError;
    expect(e.orderLinkId).toBe('abc');
  });
});

describe('HTTP and network failures', () => {
  const f = (p: Partial<SafeFailure>): SafeFailure => ({
    status: null,
    retCode: null,
    netCode: null,
    text: 't',
    resetAt: null,
    ...p,
  });

  it('403 is an IP rate limit honoured for the ban period unless the venue says when', () => {
    const e = errorForFailure(f({ status: 403 }), ctx) as RateLimitedError;
    expect(e).toBeInstanceOf(RateLimitedError);
    expect(e.scope).toBe('ip');
    expect(e.resetAt).toBe(1_600_000);
    const told = errorForFailure(f({ status: 403, resetAt: 1_005_000 }), ctx) as RateLimitedError;
    expect(told.resetAt).toBe(1_005_000);
  });

  it('5xx backs off; 429 waits; 401 halts; 404 is permanent', () => {
    expect(errorForFailure(f({ status: 502 }), ctx)).toBeInstanceOf(TransientError);
    expect(errorForFailure(f({ status: 429 }), ctx)).toBeInstanceOf(RateLimitedError);
    const auth = errorForFailure(f({ status: 401 }), ctx);
    expect(auth).toBeInstanceOf(AuthError);
    expect(auth.consequence).toBe('halt');
    expect(errorForFailure(f({ status: 404 }), ctx)).toBeInstanceOf(PermanentError);
  });

  it('a refused connection was never sent (transient); a timeout or reset may have landed (outcome unknown)', () => {
    expect(errorForFailure(f({ netCode: 'ECONNREFUSED' }), ctx)).toBeInstanceOf(TransientError);
    for (const netCode of ['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET', null]) {
      const e = errorForFailure(f({ netCode }), { ...ctx, orderLinkId: 'L1' });
      expect(e).toBeInstanceOf(OutcomeUnknownError);
      expect((e as OutcomeUnknownError).orderLinkId).toBe('L1');
    }
  });

  it('a non-2xx body with a retCode is classified by that code', () => {
    expect(errorForFailure(f({ status: 400, retCode: 10001 }), ctx)).toBeInstanceOf(PermanentError);
    expect(errorForFailure(f({ status: 400, retCode: 10002 }), ctx)).toBeInstanceOf(ClockSkewError);
  });
});
