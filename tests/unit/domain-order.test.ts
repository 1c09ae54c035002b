// The order transition table and fill bookkeeping: every (status, event) pair, duplicates, overfills, splits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, type Decimal } from '../../src/domain/decimal.js';
import type { OrderCreated, OrderEvent, OrderEventType, OrderFilled } from '../../src/domain/events.js';
import { ORDER_EVENT_TYPES } from '../../src/domain/events.js';
import {
  BYBIT_ORDER_STATUSES,
  fromBybitStatus,
  ORDER_STATUSES,
  type OrderStatus,
} from '../../src/domain/order-status.js';
import {
  applyEvent,
  foldOrder,
  isAwaitingAck,
  leavesQty,
  notFoundAtVenue,
  type Order,
} from '../../src/domain/order.js';

const created = (qty = '1', price: string | null = '100'): OrderCreated => ({
  type: 'OrderCreated',
  ts: 1_000,
  orderLinkId: 'bsn-abc-1',
  intentId: 'abc',
  symbol: 'BTCUSDT',
  category: 'linear',
  side: 'Buy',
  orderType: price === null ? 'Market' : 'Limit',
  qty: dec(qty),
  price: price === null ? null : dec(price),
  timeInForce: 'GTC',
  reduceOnly: false,
});
const fill = (tradeId: string, qty: string, price = '100', fee = '0.01'): OrderFilled => ({
  type: 'OrderFilled',
  ts: 2_000,
  tradeId,
  qty: dec(qty),
  price: dec(price),
  fee: dec(fee),
  feeCurrency: 'USDT',
});

/** One sample of each event type; the fill is partial (0.1 of 1) so fill-dependent arms land predictably. */
const SAMPLE: Record<OrderEventType, OrderEvent> = {
  OrderCreated: created(),
  OrderDenied: { type: 'OrderDenied', ts: 3_000, reason: 'kill switch engaged' },
  OrderSubmitted: { type: 'OrderSubmitted', ts: 3_000 },
  OrderAccepted: { type: 'OrderAccepted', ts: 3_000, venueOrderId: 'V1' },
  OrderRejected: {
    type: 'OrderRejected',
    ts: 3_000,
    reason: 'insufficient balance',
    source: 'venue',
    code: 110007,
  },
  OrderFilled: fill('t-sample', '0.1'),
  OrderCancelRequested: { type: 'OrderCancelRequested', ts: 3_000, reason: 'user' },
  OrderCancelRejected: { type: 'OrderCancelRejected', ts: 3_000, reason: 'order not exists', code: 110001 },
  OrderCancelled: { type: 'OrderCancelled', ts: 3_000, reason: 'user' },
  OrderExpired: { type: 'OrderExpired', ts: 3_000, reason: 'stale intent' },
  OrderAmended: { type: 'OrderAmended', ts: 3_000, qty: dec('2'), price: dec('101') },
};

const C = created();
const SUB = SAMPLE.OrderSubmitted;
const ACK = SAMPLE.OrderAccepted;
/** Event paths that reach each status. */
const PATHS: Record<OrderStatus, OrderEvent[]> = {
  PendingSubmit: [C],
  Submitted: [C, SUB],
  New: [C, SUB, ACK],
  PartiallyFilled: [C, SUB, ACK, fill('t1', '0.4')],
  Filled: [C, SUB, ACK, fill('t1', '1')],
  PendingCancel: [C, SUB, ACK, SAMPLE.OrderCancelRequested],
  Cancelled: [C, SUB, ACK, SAMPLE.OrderCancelled],
  Rejected: [C, SUB, SAMPLE.OrderRejected],
  Expired: [C, SUB, ACK, SAMPLE.OrderExpired],
};

// Written independently of src/domain/order-transitions.ts: the status each sample event leads to, '-' = invalid.
const EXPECTED = `
status          Created Denied   Submitted Accepted        Rejected Filled          CancelRequested CancelRejected  Cancelled Expired Amended
PendingSubmit   -       Rejected Submitted -               -        -               -               -               Cancelled Expired -
Submitted       -       -        -         New             Rejected PartiallyFilled PendingCancel   -               Cancelled Expired -
New             -       -        -         New             Rejected PartiallyFilled PendingCancel   -               Cancelled Expired New
PartiallyFilled -       -        -         PartiallyFilled -        PartiallyFilled PendingCancel   -               Cancelled Expired PartiallyFilled
Filled          -       -        -         Filled          -        -               -               Filled          -         -       -
PendingCancel   -       -        -         PendingCancel   Rejected PendingCancel   -               New             Cancelled Expired PendingCancel
Cancelled       -       -        -         Cancelled       -        Cancelled       -               Cancelled       -         -       -
Rejected        -       -        -         -               -        -               -               Rejected        -         -       -
Expired         -       -        -         Expired         -        Expired         -               Expired         -         -       -
`;

function parseExpected(): Map<string, string> {
  const [header, ...rows] = EXPECTED.trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
  const events = (header ?? []).slice(1).map((e) => `Order${e}`);
  const table = new Map<string, string>();
  for (const [status, ...cells] of rows) {
    cells.forEach((cell, i) => table.set(`${status}|${events[i]}`, cell));
  }
  return table;
}

function build(events: OrderEvent[]): Order {
  const r = foldOrder(events);
  if (!r.ok) throw new Error(`path failed at ${r.index}: ${r.error.message}`);
  return r.order;
}

function must(r: ReturnType<typeof applyEvent>): Order {
  if (!r.ok) throw new Error(r.error.message);
  return r.order;
}

describe('order transition table', () => {
  const expected = parseExpected();

  it('covers exactly the statuses and event types the domain defines', () => {
    const statuses = new Set([...expected.keys()].map((k) => k.split('|')[0]));
    const events = new Set([...expected.keys()].map((k) => k.split('|')[1]));
    expect([...statuses].sort()).toEqual([...ORDER_STATUSES].sort());
    expect([...events].sort()).toEqual([...ORDER_EVENT_TYPES].sort());
    for (const [status, path] of Object.entries(PATHS)) expect(build(path).status).toBe(status);
  });

  for (const status of ORDER_STATUSES) {
    for (const eventType of ORDER_EVENT_TYPES) {
      const want = expected.get(`${status}|${eventType}`);
      it(`${status} + ${eventType} → ${want}`, () => {
        const r = applyEvent(build(PATHS[status]), SAMPLE[eventType]);
        if (want === '-') {
          expect(r).toMatchObject({
            ok: false,
            error: { kind: 'InvalidTransition', status, event: eventType },
          });
        } else {
          expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
          expect(r.ok && r.order.status).toBe(want);
        }
      });
    }
  }
});

describe('fill races and lost acknowledgements', () => {
  it('lets the last fill complete an order whose cancel is pending, and a late cancel refusal changes nothing', () => {
    let o = build([...PATHS.PartiallyFilled, SAMPLE.OrderCancelRequested]);
    o = must(applyEvent(o, fill('t2', '0.6', '101')));
    expect(o.status).toBe('Filled');
    expect(o.cumQty.toFixed()).toBe('1');
    expect(o.avgPrice?.toFixed()).toBe('100.6');
    o = must(applyEvent(o, SAMPLE.OrderCancelRejected));
    expect(o.status).toBe('Filled');
  });

  it('records a fill that trails the cancel confirmation and completes the order when it covers the rest', () => {
    let o = build([...PATHS.PartiallyFilled, SAMPLE.OrderCancelled]);
    o = must(applyEvent(o, fill('t2', '0.2')));
    expect(o.status).toBe('Cancelled');
    expect(o.cumQty.toFixed()).toBe('0.6');
    o = must(applyEvent(o, fill('t3', '0.4')));
    expect(o.status).toBe('Filled');
  });

  it('takes a market fill that beats the REST ack as acceptance, then absorbs the late ack', () => {
    let o = build([created('0.5', null), SUB]);
    o = must(applyEvent(o, { ...fill('t1', '0.5', '65000.1'), venueOrderId: 'V9' }));
    expect(o.status).toBe('Filled');
    expect(o.acknowledged).toBe(true);
    o = must(applyEvent(o, { type: 'OrderAccepted', ts: 5_000, venueOrderId: 'V9' }));
    expect(o.status).toBe('Filled');
    const other = applyEvent(o, { type: 'OrderAccepted', ts: 5_000, venueOrderId: 'V10' });
    expect(other).toMatchObject({
      ok: false,
      error: { kind: 'VenueIdMismatch', known: 'V9', received: 'V10' },
    });
  });

  it('keeps a lost-ack order Submitted until reconciliation proves it absent, then refuses a late ack or fill', () => {
    const o = build([C, SUB]);
    expect(isAwaitingAck(o)).toBe(true);
    const rejected = must(
      applyEvent(o, notFoundAtVenue(9_000, 'order/realtime by orderLinkId returned nothing')),
    );
    expect(rejected.status).toBe('Rejected');
    expect(rejected.reason).toMatch(/^not found at venue/);
    expect(applyEvent(rejected, ACK)).toMatchObject({ ok: false, error: { kind: 'InvalidTransition' } });
    expect(applyEvent(rejected, fill('t1', '0.1'))).toMatchObject({
      ok: false,
      error: { kind: 'InvalidTransition' },
    });
  });

  it('returns a cancel refused before any ack to Submitted, not New', () => {
    const o = build([C, SUB, SAMPLE.OrderCancelRequested, SAMPLE.OrderCancelRejected]);
    expect(o.status).toBe('Submitted');
    expect(isAwaitingAck(o)).toBe(true);
  });

  it('refuses to reject an order that already traded', () => {
    const o = build([...PATHS.PartiallyFilled, SAMPLE.OrderCancelRequested]);
    expect(applyEvent(o, SAMPLE.OrderRejected)).toMatchObject({
      ok: false,
      error: { kind: 'InvalidTransition' },
    });
  });
});

describe('fills', () => {
  it('rejects a duplicate tradeId before the transition, whatever the status, and leaves the order as it was', () => {
    const partial = build(PATHS.PartiallyFilled);
    expect(applyEvent(partial, fill('t1', '0.4'))).toMatchObject({
      ok: false,
      error: { kind: 'DuplicateFill', tradeId: 't1' },
    });
    // On a Filled order a new fill is an invalid transition, but a re-delivered one is reported as a duplicate.
    expect(applyEvent(build(PATHS.Filled), fill('t1', '1'))).toMatchObject({
      ok: false,
      error: { kind: 'DuplicateFill' },
    });
    expect(partial.cumQty.toFixed()).toBe('0.4');
  });

  it('rejects a fill that would take the filled quantity above the order quantity', () => {
    const r = applyEvent(build(PATHS.PartiallyFilled), fill('t2', '0.61'));
    expect(r).toMatchObject({ ok: false, error: { kind: 'Overfill' } });
    expect(r.ok ? null : r.error.message).toContain('1.01');
  });

  it('refuses an amendment below the filled quantity', () => {
    const r = applyEvent(build(PATHS.PartiallyFilled), { type: 'OrderAmended', ts: 1, qty: dec('0.4') });
    expect(r).toMatchObject({ ok: false, error: { kind: 'InvalidEvent' } });
  });

  it('keeps fees per currency and the leaves quantity', () => {
    let o = build(PATHS.New);
    o = must(applyEvent(o, fill('a', '0.25', '100', '0.0001')));
    o = must(applyEvent(o, { ...fill('b', '0.25', '100', '0.02'), feeCurrency: 'BTC' }));
    o = must(applyEvent(o, fill('c', '0.25', '100', '-0.005')));
    expect(o.fees.get('USDT')?.toFixed()).toBe('-0.0049');
    expect(o.fees.get('BTC')?.toFixed()).toBe('0.02');
    expect(leavesQty(o).toFixed()).toBe('0.25');
  });

  /** An order quantity in whole steps of 0.001, split into positive parts. */
  const splitArb = fc
    .array(fc.integer({ min: 1, max: 5_000 }), { minLength: 1, maxLength: 30 })
    .chain((parts) =>
      fc.record({
        parts: fc.constant(parts),
        prices: fc.array(fc.integer({ min: 1, max: 10_000_000 }), {
          minLength: parts.length,
          maxLength: parts.length,
        }),
      }),
    );
  const q = (units: number): Decimal => dec(`${units}e-3`);
  const p = (tenths: number): Decimal => dec(`${tenths}e-1`);

  it('ends Filled with cumQty = qty for any split into partial fills at one price, averaging exactly that price', () => {
    fc.assert(
      fc.property(splitArb, ({ parts, prices }) => {
        const total = parts.reduce((a, b) => a + b, 0);
        const price = p(prices[0] ?? 1);
        let o = build([created(q(total).toFixed(), price.toFixed()), SUB, ACK]);
        parts.forEach((units, i) => {
          expect(o.status).toBe(i === 0 ? 'New' : 'PartiallyFilled');
          o = must(applyEvent(o, fill(`t${i}`, q(units).toFixed(), price.toFixed())));
        });
        expect(o.status).toBe('Filled');
        expect(o.cumQty.eq(q(total))).toBe(true);
        expect(o.avgPrice?.eq(price)).toBe(true);
      }),
    );
  });

  it('averages mixed fill prices exactly: Σqty·price / Σqty, independent of fill order', () => {
    fc.assert(
      fc.property(splitArb, fc.integer(), ({ parts, prices }, seed) => {
        const total = parts.reduce((a, b) => a + b, 0);
        const fills = parts.map((units, i) => fill(`t${i}`, q(units).toFixed(), p(prices[i] ?? 1).toFixed()));
        // Oracle in integers: units of 0.001 × tenths = units of 0.0001 of notional.
        const notional = parts.reduce((a, units, i) => a + BigInt(units) * BigInt(prices[i] ?? 1), 0n);
        const shuffled = [...fills].sort((a, b) => hash(a.tradeId, seed) - hash(b.tradeId, seed));
        for (const order of [fills, shuffled]) {
          const o = build([created(q(total).toFixed(), '1'), SUB, ACK, ...order]);
          expect(o.status).toBe('Filled');
          expect(o.cumNotional.eq(dec(`${notional}e-4`))).toBe(true);
          expect(o.avgPrice?.eq(dec(`${notional}e-4`).div(q(total)))).toBe(true);
        }
      }),
    );
  });
});

function hash(s: string, seed: number): number {
  let h = seed | 0;
  for (const ch of s) h = Math.imul(h ^ ch.charCodeAt(0), 0x9e3779b1);
  return h;
}

describe('fromBybitStatus', () => {
  it('maps every Bybit V5 orderStatus and refuses unknown values', () => {
    const mapped = Object.fromEntries(BYBIT_ORDER_STATUSES.map((s) => [s, fromBybitStatus(s)]));
    expect(mapped).toEqual({
      Created: 'New',
      New: 'New',
      Rejected: 'Rejected',
      PartiallyFilled: 'PartiallyFilled',
      PartiallyFilledCanceled: 'Cancelled',
      Filled: 'Filled',
      Cancelled: 'Cancelled',
      Untriggered: 'New',
      Triggered: 'New',
      Deactivated: 'Expired',
      Active: 'New',
    });
    expect(fromBybitStatus('Canceled')).toBeNull();
    expect(fromBybitStatus('toString')).toBeNull();
  });
});

describe('foldOrder', () => {
  it('refuses to create an order with an orderLinkId Bybit would reject', () => {
    expect(foldOrder([{ ...C, orderLinkId: 'x'.repeat(37) }])).toMatchObject({ ok: false, index: 0 });
    expect(foldOrder([{ ...C, orderLinkId: 'a:b' }])).toMatchObject({
      ok: false,
      error: { kind: 'InvalidEvent' },
    });
  });

  it('requires OrderCreated first and reports the index of the failing event', () => {
    expect(foldOrder([SUB])).toMatchObject({ ok: false, index: 0 });
    expect(foldOrder([C, ACK])).toMatchObject({ ok: false, index: 1, error: { kind: 'InvalidTransition' } });
    expect(foldOrder([C, SUB, ACK, fill('x', '0.5'), fill('x', '0.5')])).toMatchObject({
      ok: false,
      index: 4,
      error: { kind: 'DuplicateFill' },
    });
  });

  it('never throws and keeps Filled ⇔ cumQty = qty and Rejected ⇒ nothing traded, for any event sequence', () => {
    const eventArb: fc.Arbitrary<OrderEvent> = fc.oneof(
      fc.constantFrom(...Object.values(SAMPLE)),
      fc
        .record({ id: fc.integer({ min: 0, max: 6 }), units: fc.integer({ min: 1, max: 700 }) })
        .map(({ id, units }) => fill(`r${id}`, `${units}e-3`)),
    );
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 25 }), (events) => {
        let o = build([C]);
        for (const ev of events) {
          const r = applyEvent(o, ev);
          if (r.ok) o = r.order;
          expect(o.cumQty.lte(o.qty)).toBe(true);
          expect(o.status === 'Filled').toBe(o.cumQty.eq(o.qty));
          if (o.status === 'Rejected') expect(o.cumQty.isZero()).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
