// /cancel <ref>: cancel one resting order by the ref /orders shows (its orderLinkId), through the desk: a
// cancelled entry ends its intent; a cancelled stop leaves the book unprotected until its strategy sets one.
import { z } from 'zod';
import { defineCommand } from '../src/chat/core/command.js';
import { servicesMissing } from '../src/chat/core/outcome-view.js';
import { text } from '../src/chat/core/reply.js';
import { openOrders } from '../src/db/repos/views.js';

const ref = z.string().regex(/^[A-Za-z0-9_-]{1,36}$/, 'expected an order ref as /orders shows it (bsn-…)');

export default defineCommand({
  name: 'cancel',
  summary: 'cancel one resting order',
  usage: 'cancel <ref>',
  example: 'cancel bsn-0mxdx7ney13f3ysyhakt6c',
  args: z.tuple([ref]),
  role: 'trader',
  async handler(input, deps) {
    if (!deps.services) return servicesMissing('cancel');
    const [r] = input.args;
    const open = await openOrders(deps.db);
    // A ref may be given by its start, as long as it names one order.
    const matches = open.filter((o) => o.orderLinkId === r || o.orderLinkId.startsWith(r));
    if (matches.length !== 1) {
      return {
        title: 'Nothing cancelled',
        tone: 'warn',
        blocks: [
          text(
            matches.length === 0
              ? `No open order ${r}; /orders lists the open ones with their refs.`
              : `${r} matches ${matches.length} orders; give more of the ref.`,
          ),
        ],
      };
    }
    const o = matches[0];
    if (!o) return { title: 'Nothing cancelled', tone: 'warn', blocks: [] };
    if (!deps.services.cancelOrder)
      return { title: 'Not available', tone: 'warn', blocks: [text('This engine cannot cancel one order.')] };
    const out = await deps.services.cancelOrder(o.orderLinkId, input.actor);
    return out.ok
      ? {
          title: `Cancelling ${o.orderLinkId}`,
          tone: 'ok',
          blocks: [
            text(`${o.side} ${o.qty.toFixed()} ${o.symbol} of ${o.book ?? 'no book'}: ${out.message}`),
          ],
        }
      : { title: 'Nothing cancelled', tone: 'warn', blocks: [text(out.message)] };
  },
});
