// The decision queue's payload: closed bars, venue reports and operator commands for the account's desk,
// JSON-safe (money as decimal strings, never floats, never secrets).
import { z } from 'zod';

const decimalString = z.string().regex(/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i, 'a decimal number as a string');
const category = z.enum(['linear', 'spot']);
const side = z.enum(['Buy', 'Sell']);

export const barEvent = z.strictObject({
  kind: z.literal('bar'),
  category,
  symbol: z.string().min(1),
  interval: z.string().min(1),
  start: z.number().int().nonnegative(),
  open: decimalString,
  high: decimalString,
  low: decimalString,
  close: decimalString,
  volume: decimalString,
});

export const fillEvent = z.strictObject({
  kind: z.literal('fill'),
  category,
  execId: z.string().min(1),
  orderLinkId: z.string(),
  symbol: z.string().min(1),
  side,
  qty: decimalString,
  price: decimalString,
  fee: decimalString,
  feeCurrency: z.string(),
  isMaker: z.boolean(),
  execType: z.string(),
  ts: z.number().int().nonnegative(),
  seq: z.number().int().optional(),
});

/** An order reached a final state at the venue (cancelled, rejected, deactivated) or was accepted. */
export const orderEvent = z.strictObject({
  kind: z.literal('order'),
  category,
  symbol: z.string().min(1),
  orderLinkId: z.string().min(1),
  status: z.enum(['accepted', 'Cancelled', 'Rejected', 'Expired', 'Deactivated']),
  /** What the venue says filled: a final report may overtake its last fills on the stream. */
  filledQty: decimalString,
  reason: z.string(),
  ts: z.number().int().nonnegative(),
});

export const operatorCommand = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('trade'),
    category,
    symbol: z.string().min(1),
    side,
    qty: decimalString,
    price: decimalString.optional(),
    by: z.string().min(1),
  }),
  z.strictObject({ kind: z.literal('close-book'), book: z.string().min(1), by: z.string().min(1) }),
  z.strictObject({
    kind: z.literal('pause'),
    book: z.string().min(1),
    paused: z.boolean(),
    by: z.string().min(1),
  }),
  /** Rebuild the desk from Postgres and bosun.yaml (a risk limit changed): no decision of its own. */
  z.strictObject({ kind: z.literal('reload'), by: z.string().min(1) }),
  z.strictObject({
    kind: z.literal('close-manual'),
    category,
    symbol: z.string().min(1),
    by: z.string().min(1),
  }),
  z.strictObject({
    kind: z.literal('set-trading-state'),
    state: z.enum(['ACTIVE', 'REDUCING', 'HALTED']),
    by: z.string().min(1),
  }),
  z.strictObject({
    kind: z.literal('vote'),
    intentRef: z.string().min(1),
    approve: z.boolean(),
    by: z.string().min(1),
  }),
  z.strictObject({ kind: z.literal('expire'), intentRef: z.string().min(1), by: z.string().min(1) }),
  z.strictObject({ kind: z.literal('cancel-order'), ref: z.string().min(1), by: z.string().min(1) }),
  z.strictObject({ kind: z.literal('kill'), by: z.string().min(1), reason: z.string() }),
]);

const operatorEvent = z.strictObject({
  kind: z.literal('operator'),
  /** Unique per request (a chat press sent twice is one command). */
  id: z.string().min(1),
  command: operatorCommand,
});

export const deskEventSchema = z.discriminatedUnion('kind', [barEvent, fillEvent, orderEvent, operatorEvent]);
