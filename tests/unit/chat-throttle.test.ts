// Flood control: one user's flood never blocks another user; outbound messages are paced per chat at
// the platforms' limits (Telegram 1/s per chat and 20/min per group, Slack 1/s per channel).
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../src/chat/core/pacer.js';
import { RateLimiter } from '../../src/chat/core/rate-limit.js';
import { ManualClock } from '../../src/domain/clock.js';

describe('RateLimiter', () => {
  it('answers a flood with one "slow down", then drops, while others pass', () => {
    const clock = new ManualClock(1_000_000);
    const rl = new RateLimiter(clock, { capacity: 5, refillPerSec: 1 });
    const flood = Array.from({ length: 50 }, () => rl.take('telegram:1'));
    expect(flood.filter((d) => d === 'allow')).toHaveLength(5);
    expect(flood.filter((d) => d === 'warn')).toHaveLength(1);
    expect(flood.filter((d) => d === 'drop')).toHaveLength(44);
    expect(rl.take('telegram:2')).toBe('allow');
    expect(rl.retryAfterSec('telegram:1')).toBe(1);
    clock.advance(1000);
    expect(rl.take('telegram:1')).toBe('allow');
    // After recovering, a new flood gets a new warning.
    expect(rl.take('telegram:1')).toBe('warn');
  });
});

describe('Pacer', () => {
  it('spaces messages to one Telegram chat 1 s apart but not different chats', () => {
    const clock = new ManualClock(0);
    const p = new Pacer(clock, async () => {});
    expect([p.reserve('telegram', '7'), p.reserve('telegram', '7'), p.reserve('telegram', '7')]).toEqual([
      0, 1000, 2000,
    ]);
    expect(p.reserve('telegram', '8')).toBe(0);
    expect(p.reserve('slack', 'C1')).toBe(0);
    expect(p.reserve('slack', 'C1')).toBe(1000);
  });

  it('holds a Telegram group to 20 messages per minute', () => {
    const clock = new ManualClock(0);
    const p = new Pacer(clock, async () => {});
    const delays = Array.from({ length: 22 }, () => p.reserve('telegram', '-100123'));
    expect(delays.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i * 1000));
    // The 21st waits until the first slot leaves the 60 s window.
    expect(delays[20]).toBe(60_000);
    expect(delays[21]).toBe(61_000);
  });

  it('pushes a chat back after a 429', () => {
    const clock = new ManualClock(0);
    const p = new Pacer(clock, async () => {});
    p.backoff('telegram', '7', 5000);
    expect(p.reserve('telegram', '7')).toBe(5000);
  });
});
