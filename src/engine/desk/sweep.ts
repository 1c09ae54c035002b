// The desk's reconciliation of its own orders: every order the kernel holds open is looked up by its
// orderLinkId. Written but never sent (bosun died in between): sent now, or ended when too late to matter.
// Filled or ended while no one listened: the fills and the end are fed to the kernel as if streamed.
import type { Decimal } from '../../domain/decimal.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { KernelOrder } from '../../kernel/types.js';
import type { ExchangePort } from '../../exchange/port.js';
import { consequenceOf, safeMessage } from '../exchange-errors.js';
import type { DeskEvent, OrderDeskEvent } from './events.js';
import { placeRequest } from './execute.js';
import { FINAL } from './feed.js';
import type { DeskResult } from './result.js';
import { fillEvent } from './fill-event.js';

/** A market order found unsent after this long is not sent any more: the moment it was for has passed. */
export const STALE_MARKET_MS = 60_000;

function ended(
  o: KernelOrder,
  status: OrderDeskEvent['status'],
  filled: Decimal,
  reason: string,
  ts: number,
): OrderDeskEvent {
  return {
    kind: 'order',
    category: o.category,
    symbol: o.symbol,
    orderLinkId: o.ref,
    status,
    filledQty: filled.toFixed(),
    reason,
    ts,
  };
}

export async function sweepOrders(
  k: Kernel,
  ex: ExchangePort,
  now: number,
  decide: (ev: DeskEvent) => Promise<DeskResult>,
): Promise<DeskResult[]> {
  const out: DeskResult[] = [];
  for (const o of k.openOrders()) {
    const state = k.orderState(o.ref);
    if (!state) continue;
    const found = await ex.orderByLinkId(o.category, o.symbol, o.ref);
    if (!found) {
      if (state.cancelReason !== null) {
        out.push(
          await decide(
            ended(o, 'Cancelled', state.cumQty, `${state.cancelReason} (never reached the venue)`, now),
          ),
        );
      } else if (!o.trigger && o.type === 'Market' && now - o.placedAt > STALE_MARKET_MS) {
        out.push(
          await decide(
            ended(
              o,
              'Rejected',
              state.cumQty,
              'not sent before bosun stopped, and too late to send now',
              now,
            ),
          ),
        );
      } else {
        try {
          await ex.placeOrder(placeRequest(o));
        } catch (e) {
          if (consequenceOf(e) === 'reject')
            out.push(await decide(ended(o, 'Rejected', state.cumQty, safeMessage(e), now)));
        }
      }
      continue;
    }
    if (found.filledQty.gt(state.cumQty)) {
      for (const f of await ex.executions({ category: o.category, symbol: o.symbol, orderLinkId: o.ref })) {
        out.push(await decide(fillEvent(f)));
      }
    }
    const end = FINAL[found.status];
    const after = k.orderState(o.ref);
    if (!after) continue;
    if (end) {
      out.push(
        await decide(ended(o, end, found.filledQty, found.reason || end.toLowerCase(), found.updatedAt)),
      );
    } else if (after.cancelReason !== null) {
      await ex
        .cancelOrder({ orderLinkId: o.ref, category: o.category, symbol: o.symbol })
        .catch(() => undefined);
    } else if (o.trigger && found.triggerPrice && !found.triggerPrice.eq(o.trigger.price)) {
      // A moved stop whose amend was lost.
      await ex
        .amendOrder({
          orderLinkId: o.ref,
          category: o.category,
          symbol: o.symbol,
          triggerPrice: o.trigger.price,
        })
        .catch(() => undefined);
    }
  }
  return out;
}
