// Order events to and from jsonb: Decimal fields travel as strings and come back as Decimal.
import { Decimal } from '../../domain/decimal.js';
import type { OrderEvent } from '../../domain/events.js';

const DECIMAL_FIELDS = ['qty', 'price', 'fee'] as const;

export function encodeEvent(ev: OrderEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ev)) out[k] = v instanceof Decimal ? v.toFixed() : v;
  return out;
}

export function decodeEvent(raw: Record<string, unknown>): OrderEvent {
  const out: Record<string, unknown> = { ...raw };
  for (const k of DECIMAL_FIELDS) {
    const v = raw[k];
    if (typeof v === 'string') out[k] = new Decimal(v);
  }
  // The payload was written by encodeEvent from a typed OrderEvent; the shape is ours.
  return out as unknown as OrderEvent;
}
