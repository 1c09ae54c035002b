// Intent ids and orderLinkIds: Bybit's 36-char [A-Za-z0-9_-] limit, round trips, and refusal of foreign ids.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  intentIdTime,
  isBosunOrderLinkId,
  isIntentId,
  isValidOrderLinkId,
  makeIntentId,
  MAX_ATTEMPT,
  orderLinkIdFor,
  parseOrderLinkId,
} from '../../src/domain/ids.js';

const bytesArb = fc.uint8Array({ minLength: 8, maxLength: 8 });
const nowArb = fc.integer({ min: 0, max: 36 ** 9 - 1 });

describe('intent ids', () => {
  it('are 22 chars of [0-9a-z], carry their time, and sort by it', () => {
    fc.assert(
      fc.property(nowArb, nowArb, bytesArb, bytesArb, (t1, t2, r1, r2) => {
        const a = makeIntentId(t1, r1);
        const b = makeIntentId(t2, r2);
        expect(a).toMatch(/^[0-9a-z]{22}$/);
        expect(isIntentId(a)).toBe(true);
        expect(intentIdTime(a)).toBe(t1);
        if (t1 < t2) expect(a < b).toBe(true);
      }),
    );
  });

  it('differ when the randomness differs at the same millisecond', () => {
    const t = Date.UTC(2026, 0, 1);
    expect(makeIntentId(t, new Uint8Array(8))).not.toBe(
      makeIntentId(t, Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1)),
    );
  });

  it('refuse too little randomness and negative or fractional times', () => {
    expect(() => makeIntentId(1, new Uint8Array(4))).toThrow(RangeError);
    expect(() => makeIntentId(-1, new Uint8Array(8))).toThrow(RangeError);
    expect(() => makeIntentId(1.5, new Uint8Array(8))).toThrow(RangeError);
  });
});

describe('orderLinkIdFor', () => {
  it('always yields an id Bybit accepts (≤ 36 chars of [A-Za-z0-9_-]) that parses back to intent and attempt', () => {
    fc.assert(
      fc.property(nowArb, bytesArb, fc.integer({ min: 1, max: MAX_ATTEMPT }), (t, r, attempt) => {
        const intentId = makeIntentId(t, r);
        const link = orderLinkIdFor(intentId, attempt);
        expect(link.length).toBeLessThanOrEqual(36);
        expect(isValidOrderLinkId(link)).toBe(true);
        expect(parseOrderLinkId(link)).toEqual({ intentId, attempt });
      }),
    );
  });

  it('stays within 36 chars for the longest intent id and attempt allowed', () => {
    const link = orderLinkIdFor('z'.repeat(26), MAX_ATTEMPT);
    expect(link).toBe(`bsn-${'z'.repeat(26)}-9999`);
    expect(link.length).toBeLessThanOrEqual(36);
    expect(isValidOrderLinkId(link)).toBe(true);
  });

  it('refuses ids and attempts it cannot encode', () => {
    expect(() => orderLinkIdFor('z'.repeat(27), 1)).toThrow(RangeError);
    expect(() => orderLinkIdFor('Has-Dash', 1)).toThrow(RangeError);
    expect(() => orderLinkIdFor('abc', 0)).toThrow(RangeError);
    expect(() => orderLinkIdFor('abc', MAX_ATTEMPT + 1)).toThrow(RangeError);
    expect(() => orderLinkIdFor('abc', 1.5)).toThrow(RangeError);
  });
});

describe('recognising orderLinkIds', () => {
  it('tells bosun orders from manual or foreign ones', () => {
    expect(isBosunOrderLinkId('bsn-abc123-2')).toBe(true);
    for (const foreign of [
      '',
      'spot-client-order-001',
      'bsn-abc',
      'bsn-abc-0',
      'bsn-ABC-1',
      'bsn-abc-01',
      'xbsn-abc-1',
    ]) {
      expect(isBosunOrderLinkId(foreign), foreign).toBe(false);
    }
  });

  it('validates Bybit orderLinkId syntax', () => {
    expect(isValidOrderLinkId('spot-client-order-001')).toBe(true);
    expect(isValidOrderLinkId('a'.repeat(37))).toBe(false);
    expect(isValidOrderLinkId('a b')).toBe(false);
    expect(isValidOrderLinkId('id:1')).toBe(false);
    expect(isValidOrderLinkId('')).toBe(false);
  });
});
