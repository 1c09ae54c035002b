// /positions: open positions with entry, size and unrealized PnL, paginated for phones.
import { defineCommand } from '../src/chat/core/command.js';
import { zNone } from '../src/chat/core/args.js';
import { pageButtons, paginate, refreshButton } from '../src/chat/core/callback-data.js';
import { fmtPrice, fmtQty, fmtSigned } from '../src/chat/core/format.js';
import { note, table, text } from '../src/chat/core/reply.js';
import { openPositions, unrealizedPnl } from '../src/db/repos/views.js';
import { ZERO } from '../src/domain/decimal.js';

const PER_PAGE = 10;

export default defineCommand({
  name: 'positions',
  aliases: ['pos'],
  summary: 'open positions with unrealized PnL',
  usage: 'positions',
  example: 'positions',
  args: zNone,
  role: 'viewer',
  async handler(input, deps) {
    const all = await openPositions(deps.db);
    if (all.length === 0)
      return {
        title: 'Positions',
        blocks: [text('No open positions.')],
        buttons: [refreshButton('positions')],
      };
    const { items, page, pages } = paginate(all, input.page, PER_PAGE);
    const total = all.reduce((a, p) => a.add(unrealizedPnl(p) ?? ZERO), ZERO);
    return {
      title: `Positions (${all.length})`,
      blocks: [
        table(
          ['Symbol', 'Size', 'Entry', 'uPnL'],
          items.map((p) => {
            const u = unrealizedPnl(p);
            return [p.symbol, fmtQty(p.size), fmtPrice(p.avgEntry, 4), u ? fmtSigned(u) : '—'];
          }),
        ),
        note(
          `Total uPnL ${fmtSigned(total)} · negative size = short${pages > 1 ? ` · page ${page}/${pages}` : ''}`,
        ),
      ],
      buttons: [pageButtons('positions', input.rawArgs, page, pages), refreshButton('positions')],
    };
  },
});
