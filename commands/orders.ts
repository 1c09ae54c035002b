// /orders: orders live (or possibly live) at the exchange, each with the book it belongs to and its ref
// (the orderLinkId /cancel takes).
import { defineCommand } from '../src/chat/core/command.js';
import { zNone } from '../src/chat/core/args.js';
import { pageButtons, paginate } from '../src/chat/core/callback-data.js';
import { fmtPrice, fmtQty } from '../src/chat/core/format.js';
import { note, table, text } from '../src/chat/core/reply.js';
import { openOrders } from '../src/db/repos/views.js';

const PER_PAGE = 10;

export default defineCommand({
  name: 'orders',
  summary: 'open orders',
  usage: 'orders',
  example: 'orders',
  args: zNone,
  role: 'viewer',
  async handler(input, deps) {
    const all = await openOrders(deps.db);
    if (all.length === 0) return { title: 'Orders', blocks: [text('No open orders.')] };
    const { items, page, pages } = paginate(all, input.page, PER_PAGE);
    return {
      title: `Open orders (${all.length})`,
      blocks: [
        table(
          ['Book', 'Symbol', 'Side', 'Kind', 'Qty', 'Price', 'Filled', 'Ref'],
          items.map((o) => [
            o.book ?? '-',
            o.symbol,
            o.side,
            o.purpose ?? (o.reduceOnly ? 'exit' : 'entry'),
            fmtQty(o.qty),
            o.triggerPrice ? `stop ${fmtPrice(o.triggerPrice, 4)}` : o.price ? fmtPrice(o.price, 4) : 'mkt',
            fmtQty(o.cumQty),
            o.orderLinkId,
          ]),
        ),
        note(
          `Statuses: ${[...new Set(items.map((o) => o.status))].join(', ')} · /cancel <ref> cancels one${pages > 1 ? ` · page ${page}/${pages}` : ''}`,
        ),
      ],
      buttons: [pageButtons('orders', input.rawArgs, page, pages)],
    };
  },
});
