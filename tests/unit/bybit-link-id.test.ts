import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidOrderLinkId, orderLinkIdFor } from '../../src/exchange/bybit/link-id.js';

describe('orderLinkIdFor', () => {
  it('is deterministic: the same intent and attempt give the same id', () => {
    expect(orderLinkIdFor('intent-42')).toBe(orderLinkIdFor('intent-42'));
    expect(orderLinkIdFor('intent-42', 3)).toBe(orderLinkIdFor('intent-42', 3));
  });

  it('keeps short plain intent ids readable', () => {
    expect(orderLinkIdFor('intent-42')).toBe('intent-42');
    expect(orderLinkIdFor('intent-42', 2)).toBe('intent-42_r2');
  });

  it('hashes ids that are too long or use other characters, keeping a readable prefix', () => {
    const uuid = '3f2b8c1e-9d4a-4e6b-8f00-1234567890ab';
    const id = orderLinkIdFor(uuid, 1);
    expect(isValidOrderLinkId(id)).toBe(true);
    expect(id.startsWith('3f2b8c1e_')).toBe(true);
    expect(orderLinkIdFor('btc sma:buy/1')).toMatch(/^btcsmabu_[0-9a-f]{20}$/);
  });

  it('always yields 1-36 chars of [A-Za-z0-9_-], for any intent id and attempt', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200 }),
        fc.integer({ min: 0, max: 99_999 }),
        (s, n) => {
          const id = orderLinkIdFor(s, n);
          return id.length <= 36 && /^[A-Za-z0-9_-]+$/.test(id);
        },
      ),
    );
  });

  it('never maps two different (intent, attempt) pairs to one id', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.string({ minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 50 })),
        fc.tuple(fc.string({ minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 50 })),
        ([a, i], [b, j]) => (a === b && i === j) || orderLinkIdFor(a, i) !== orderLinkIdFor(b, j),
      ),
    );
    // The tricky neighbours: a plain id that looks like a suffixed one, and a hashed one.
    const ids = ['x', 'x_r1', 'x-r1', 'x_r1x'].flatMap((s) => [0, 1, 2].map((n) => orderLinkIdFor(s, n)));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses an empty intent id and a bad attempt number', () => {
    expect(() => orderLinkIdFor('')).toThrow(RangeError);
    expect(() => orderLinkIdFor('a', -1)).toThrow(RangeError);
    expect(() => orderLinkIdFor('a', 1.5)).toThrow(RangeError);
  });
});
