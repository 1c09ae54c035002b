import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.js';
import {
  ClockSkewError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
} from '../../src/exchange/bybit/errors.js';
import { RateLimiter, type Timing } from '../../src/exchange/bybit/rate-limit.js';
import { RestCaller, type Envelope } from '../../src/exchange/bybit/rest.js';

function setup(opts: { maxRetries?: number } = {}) {
  let t = 1_000_000;
  const slept: number[] = [];
  const timing: Timing = {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
  let resyncs = 0;
  const caller = new RestCaller({
    limiter: new RateLimiter({
      timing,
      maxWaitMs: 10_000,
      ip: { capacity: 600, windowMs: 5_000 },
      marginMs: 0,
    }),
    timing,
    secrets: ['k', 'the-secret'],
    maxRetries: opts.maxRetries ?? 3,
    backoffBaseMs: 100,
    maxRateLimitWaitMs: 10_000,
    ipBanMs: 600_000,
    log: createLogger({ level: 'silent' }),
    resyncClock: async () => {
      resyncs++;
    },
  });
  return { caller, slept, now: () => t, resyncs: () => resyncs };
}

const ok = (result: unknown = {}): Envelope => ({ retCode: 0, retMsg: 'OK', result });
const fail = (retCode: number, extra: Partial<Envelope> = {}): Envelope => ({
  retCode,
  retMsg: 'no',
  result: {},
  ...extra,
});

/** Answers from a script, one per call. */
function script(...answers: Array<Envelope | (() => never)>) {
  let i = 0;
  const fn = async (): Promise<Envelope> => {
    const a = answers[Math.min(i++, answers.length - 1)]!;
    return typeof a === 'function' ? a() : a;
  };
  return { fn, calls: () => i };
}

describe('REST call policy', () => {
  it('checks retCode on an HTTP-200 answer: a rejection is an error, not a result', async () => {
    const { caller } = setup();
    const s = script(fail(110007));
    await expect(caller.call('order/create', 'linear', s.fn, { idempotent: false })).rejects.toBeInstanceOf(
      PermanentError,
    );
    expect(s.calls()).toBe(1);
  });

  it('backs off on a transient error for an idempotent call and then succeeds', async () => {
    const { caller, slept } = setup();
    const s = script(fail(10016), fail(10016), ok({ v: 1 }));
    await expect(caller.call('position/list', 'linear', s.fn, { idempotent: true })).resolves.toEqual({
      v: 1,
    });
    expect(slept).toEqual([100, 200]);
  });

  it('never repeats a non-idempotent call after a transient or unknown outcome', async () => {
    const { caller } = setup();
    const s = script(fail(10000));
    await expect(caller.call('order/create', 'linear', s.fn, { idempotent: false })).rejects.toBeInstanceOf(
      TransientError,
    );
    const lost = script(() => {
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    });
    await expect(
      caller.call('order/create', 'linear', lost.fn, { idempotent: false, orderLinkId: 'L' }),
    ).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(s.calls() + lost.calls()).toBe(2);
  });

  it('waits until the reset timestamp after 10006, then retries (even an order: it was not processed)', async () => {
    const { caller, now } = setup();
    const start = now();
    const s = script(
      fail(10006, { rateLimitApi: { remainingRequests: 0, maxRequests: 10, resetAtTimestamp: start + 700 } }),
      ok(),
    );
    await caller.call('order/create', 'linear', s.fn, { idempotent: false });
    expect(s.calls()).toBe(2);
    expect(now()).toBeGreaterThanOrEqual(start + 700);
  });

  it('fails fast on an IP ban (403) instead of sleeping for ten minutes, and keeps refusing until it ends', async () => {
    const { caller, now } = setup();
    const s = script(() => {
      throw {
        code: 403,
        message: 'Forbidden',
        body: '',
        headers: {},
        requestOptions: { secret: 'the-secret' },
      };
    });
    const err = await caller.call('market/kline', null, s.fn, { idempotent: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).resetAt).toBe(now() + 600_000);
    const next = script(ok());
    await expect(caller.call('market/tickers', null, next.fn, { idempotent: true })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    expect(next.calls()).toBe(0);
  });

  it('on 10002 resyncs the clock and retries exactly once', async () => {
    const a = setup();
    const s = script(fail(10002), ok({ fine: true }));
    await expect(a.caller.call('order/create', 'linear', s.fn, { idempotent: false })).resolves.toEqual({
      fine: true,
    });
    expect(a.resyncs()).toBe(1);

    const b = setup();
    const again = script(fail(10002), fail(10002), ok());
    await expect(
      b.caller.call('order/create', 'linear', again.fn, { idempotent: false }),
    ).rejects.toBeInstanceOf(ClockSkewError);
    expect(b.resyncs()).toBe(1);
    expect(again.calls()).toBe(2);
  });

  it('an answer that is not a V5 envelope (a proxy page) is outcome-unknown, never a result', async () => {
    const { caller } = setup();
    const html = async () => '<html>502 Bad Gateway</html>' as unknown as Envelope;
    const e = await caller
      .call('order/create', 'linear', html, { idempotent: false, orderLinkId: 'L9' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OutcomeUnknownError);
    expect((e as OutcomeUnknownError).orderLinkId).toBe('L9');
  });

  it('gives up after maxRetries', async () => {
    const { caller } = setup({ maxRetries: 2 });
    const s = script(fail(10016));
    await expect(caller.call('position/list', 'linear', s.fn, { idempotent: true })).rejects.toBeInstanceOf(
      TransientError,
    );
    expect(s.calls()).toBe(3);
  });
});
