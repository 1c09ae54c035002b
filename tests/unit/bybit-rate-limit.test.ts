import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../src/exchange/bybit/errors.js';
import { RateLimiter, TokenBucket, type Timing } from '../../src/exchange/bybit/rate-limit.js';

/** Time only moves when someone sleeps. */
function fakeTiming(start = 0): Timing & { slept: number[] } {
  let t = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
}

const limiter = (timing: Timing, ip = { capacity: 600, windowMs: 5_000 }, maxWaitMs = 10_000) =>
  new RateLimiter({ timing, maxWaitMs, ip, marginMs: 0 });

describe('TokenBucket (tokens return one window after use)', () => {
  it('lets a burst of `capacity` through, then waits for the oldest token to come back', () => {
    const b = new TokenBucket(10, 1000);
    const waits = Array.from({ length: 12 }, (_, i) => b.reserve(i * 10));
    expect(waits.slice(0, 10)).toEqual(Array(10).fill(0));
    // Token 0 was used at t=0, so the 11th call (asked at t=100) may go at t=1000.
    expect(waits[10]).toBe(900);
    expect(waits[11]).toBe(1010 - 110);
  });

  it('never allows more than `capacity` calls in any window, whatever the arrival pattern', () => {
    const b = new TokenBucket(10, 1000);
    const sent: number[] = [];
    let t = 0;
    for (let i = 0; i < 200; i++) {
      t += (i * 37) % 90; // bursty, uneven arrivals
      sent.push(t + b.reserve(t));
    }
    for (const s of sent) expect(sent.filter((x) => x > s - 1000 && x <= s).length).toBeLessThanOrEqual(10);
  });

  it('hands tokens back as the window passes', () => {
    const b = new TokenBucket(5, 1000);
    for (let i = 0; i < 5; i++) b.reserve(0);
    expect(b.available(999)).toBe(0);
    expect(b.available(1000)).toBe(5);
  });
});

describe('RateLimiter', () => {
  it('holds order/create to 10 per second: 30 calls need two full windows of waiting', async () => {
    const timing = fakeTiming();
    const rl = limiter(timing);
    for (let i = 0; i < 30; i++) await rl.acquire('order/create:linear', 10, 'order/create');
    expect(timing.now()).toBe(2_000);
  });

  it('keeps endpoints apart: a busy endpoint does not slow another', async () => {
    const timing = fakeTiming();
    const rl = limiter(timing);
    for (let i = 0; i < 10; i++) await rl.acquire('order/create:linear', 10, 'order/create');
    await rl.acquire('position/list:linear', 50, 'position/list');
    expect(timing.slept).toEqual([]);
  });

  it('the IP bucket caps everything together', async () => {
    const timing = fakeTiming();
    const rl = limiter(timing, { capacity: 3, windowMs: 1_000 });
    for (let i = 0; i < 4; i++) await rl.acquire(`public-${i}`, null, 'market/kline');
    expect(timing.slept).toEqual([1000]);
  });

  it('waits out a short block until the reset timestamp', async () => {
    const timing = fakeTiming(5_000);
    const rl = limiter(timing);
    rl.block('order/create:linear', 5_750);
    await rl.acquire('order/create:linear', 10, 'order/create');
    expect(timing.now()).toBe(5_750);
  });

  it('fails fast with RateLimitedError (and the reset time) when the block is longer than allowed', async () => {
    const timing = fakeTiming(0);
    const rl = limiter(timing, undefined, 1_000);
    rl.block('ip', 600_000);
    const err = await rl.acquire('wallet', 50, 'account/wallet-balance').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).resetAt).toBe(600_000);
    expect((err as RateLimitedError).scope).toBe('ip');
    expect(timing.slept).toEqual([]);
  });
});
