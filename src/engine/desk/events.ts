// What the account's desk is fed, as job payloads on the decision queue: closed bars, venue reports and
// operator commands, JSON-safe (money as decimal strings) with one idempotency key per event.
import type { z } from 'zod';
import { Decimal } from '../../domain/decimal.js';
import type { Fill } from '../../domain/fill.js';
import type { Category } from '../../domain/instrument.js';
import type { OperatorCommand } from '../../kernel/types.js';
import { deskEventSchema } from '../../queue/desk-payload.js';
import type { barEvent, fillEvent, operatorCommand, orderEvent } from '../../queue/desk-payload.js';

export { deskEventSchema };

export type DeskEvent = z.infer<typeof deskEventSchema>;
export type BarDeskEvent = z.infer<typeof barEvent>;
export type FillDeskEvent = z.infer<typeof fillEvent>;
export type OrderDeskEvent = z.infer<typeof orderEvent>;
export type OperatorWire = z.infer<typeof operatorCommand>;

/** The key an event is decided once under (and its BullMQ job id). */
export function eventKey(ev: DeskEvent): string {
  switch (ev.kind) {
    case 'bar':
      return `bar:${ev.category}:${ev.symbol}:${ev.interval}:${ev.start}`;
    case 'fill':
      return `fill:${ev.execId}`;
    case 'order':
      return `order:${ev.orderLinkId}:${ev.status}`;
    case 'operator':
      return `op:${ev.id}`;
  }
}

export function fillOf(ev: FillDeskEvent): Fill {
  return {
    tradeId: ev.execId,
    orderLinkId: ev.orderLinkId === '' ? null : ev.orderLinkId,
    symbol: ev.symbol,
    side: ev.side,
    qty: new Decimal(ev.qty),
    price: new Decimal(ev.price),
    fee: new Decimal(ev.fee),
    feeCurrency: ev.feeCurrency,
    ts: ev.ts,
    isMaker: ev.isMaker,
  };
}

/** The kernel's operator command from its wire form (null for the desk's own `reload`). */
export function operatorOf(w: OperatorWire): OperatorCommand | null {
  if (w.kind === 'reload') return null;
  if (w.kind === 'trade') {
    const { price, ...rest } = w;
    return { ...rest, qty: new Decimal(w.qty), ...(price ? { price: new Decimal(price) } : {}) };
  }
  return w;
}

/** The wire form of an operator command (money as strings). */
export function operatorWire(c: OperatorCommand): OperatorWire {
  if (c.kind === 'trade') {
    const { price, ...rest } = c;
    return { ...rest, qty: c.qty.toFixed(), ...(price ? { price: price.toFixed() } : {}) };
  }
  return c;
}

export function seriesId(c: Category, symbol: string, interval: string): string {
  return `${c}:${symbol}@${interval}`;
}
