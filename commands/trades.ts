// /trades [n]: the last n fills (default 10, at most 100), newest first; + size is a buy, − a sell.
import { z } from 'zod';
import { zInt } from '../src/chat/core/args.js';
import { defineCommand } from '../src/chat/core/command.js';
import { pageButtons, paginate } from '../src/chat/core/callback-data.js';
import { fmtMoney, fmtPrice, fmtQty, fmtTime } from '../src/chat/core/format.js';
import { note, table, text } from '../src/chat/core/reply.js';
import { recentFills } from '../src/db/repos/views.js';
import { ZERO } from '../src/domain/decimal.js';

const PER_PAGE = 10;

export default defineCommand({
  name: 'trades',
  aliases: ['fills'],
  summary: 'recent fills',
  usage: 'trades [n]',
  example: 'trades 20',
  args: z.tuple([zInt('n', 1, 100).optional()]),
  role: 'viewer',
  async handler(input, deps) {
    const n = input.args[0] ?? 10;
    const fills = await recentFills(deps.db, n);
    if (fills.length === 0) return { title: 'Trades', blocks: [text('No fills yet.')] };
    const { items, page, pages } = paginate(fills, input.page, PER_PAGE);
    const fees = fills.reduce((a, f) => a.add(f.fee), ZERO);
    return {
      title: `Last ${fills.length} fill${fills.length === 1 ? '' : 's'}`,
      blocks: [
        table(
          ['Time UTC', 'Symbol', 'Qty', 'Price'],
          items.map((f) => [
            fmtTime(f.execTime).slice(5),
            f.symbol,
            `${f.side === 'Sell' ? '-' : '+'}${fmtQty(f.qty)}`,
            fmtPrice(f.price, 4),
          ]),
        ),
        note(`Fees ${fmtMoney(fees, 4)} over these fills${pages > 1 ? ` · page ${page}/${pages}` : ''}`),
      ],
      buttons: [pageButtons('trades', input.rawArgs, page, pages)],
    };
  },
});
