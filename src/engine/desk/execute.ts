// The desk's hands: kernel commands as ExchangePort calls, run after the decision that asked for them was
// committed. A refusal comes back as an order report for the kernel; an unknown outcome is left to the
// next sweep, which looks the order up by its orderLinkId (never a blind resubmit).
import type { KernelOrder } from '../../kernel/types.js';
import type { Command } from '../../kernel/types.js';
import type { ExchangePort, PlaceOrderRequest } from '../../exchange/port.js';
import { consequenceOf, safeMessage } from '../exchange-errors.js';
import type { OrderDeskEvent } from './events.js';

export function placeRequest(o: KernelOrder): PlaceOrderRequest {
  return {
    category: o.category,
    symbol: o.symbol,
    side: o.side === 'Buy' ? 'buy' : 'sell',
    type: o.type === 'Limit' ? 'limit' : 'market',
    qty: o.qty,
    ...(o.price ? { price: o.price } : {}),
    orderLinkId: o.ref,
    ...(o.postOnly
      ? { timeInForce: 'post-only' as const }
      : o.type === 'Limit'
        ? { timeInForce: 'gtc' as const }
        : {}),
    ...(o.reduceOnly ? { reduceOnly: true } : {}),
    ...(o.trigger
      ? {
          triggerPrice: o.trigger.price,
          triggerDirection: o.trigger.direction === 'rise' ? ('rises-to' as const) : ('falls-to' as const),
        }
      : {}),
  };
}

export interface ExecuteResult {
  /** Orders the venue refused outright: fed back to the kernel as ended. */
  readonly refused: OrderDeskEvent[];
  /** Orders whose outcome is unknown (timeouts, lost replies): the next sweep looks them up. */
  readonly unknown: string[];
  readonly errors: string[];
}

function refusal(o: KernelOrder, reason: string, ts: number): OrderDeskEvent {
  return {
    kind: 'order',
    category: o.category,
    symbol: o.symbol,
    orderLinkId: o.ref,
    status: 'Rejected',
    filledQty: '0',
    reason,
    ts,
  };
}

/**
 * Send what one decision asked for, in order. Venue calls of one decision are few (an entry and its
 * protection); they go one after another so a stop is never at the venue before the order it protects.
 */
export async function executeCommands(
  ex: ExchangePort,
  commands: readonly Command[],
  orders: (ref: string) => KernelOrder | undefined,
  now: () => number,
): Promise<ExecuteResult> {
  const refused: OrderDeskEvent[] = [];
  const unknown: string[] = [];
  const errors: string[] = [];
  for (const c of commands) {
    try {
      switch (c.kind) {
        case 'place':
          await ex.placeOrder(placeRequest(c.order));
          break;
        case 'amend': {
          const o = orders(c.ref);
          if (!o) break;
          await ex.amendOrder({
            orderLinkId: c.ref,
            category: o.category,
            symbol: o.symbol,
            ...(c.qty ? { qty: c.qty } : {}),
            ...(c.triggerPrice ? { triggerPrice: c.triggerPrice } : {}),
          });
          break;
        }
        case 'cancel': {
          const o = orders(c.ref);
          if (!o) break;
          await ex.cancelOrder({ orderLinkId: c.ref, category: o.category, symbol: o.symbol });
          break;
        }
        case 'set-leverage':
          if (c.category === 'linear') await ex.setLeverage(c.symbol, c.leverage);
          break;
        case 'ask-approval':
        case 'notice':
          break;
      }
    } catch (e) {
      const consequence = consequenceOf(e);
      const ref = c.kind === 'place' ? c.order.ref : c.kind === 'amend' || c.kind === 'cancel' ? c.ref : '';
      if (c.kind === 'place' && consequence === 'reject') {
        refused.push(refusal(c.order, safeMessage(e), now()));
      } else if (consequence === 'success') {
        // "Not modified" / already in that state: the venue already stands where we asked.
      } else if (ref) {
        // A cancel of an order the venue no longer has, a lost reply: the lookup tells what happened.
        unknown.push(ref);
        errors.push(`${c.kind} ${ref}: ${safeMessage(e)}`);
      } else {
        errors.push(`${c.kind}${ref ? ` ${ref}` : ''}: ${safeMessage(e)}`);
      }
    }
  }
  return { refused, unknown, errors };
}
