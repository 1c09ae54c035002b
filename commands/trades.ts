// /trades [n]: the last n closed round trips (default 10, at most 100), newest first: when it closed,
// symbol, long/short, quantity closed, average entry → exit and net PnL (after every fee of the trade,
// funding excluded). The same trades /pnl and /performance count. `fills` is an alias.
import { z } from 'zod';
import { zInt } from '../src/chat/core/args.js';
import { defineCommand } from '../src/chat/core/command.js';
import { pageButtons, paginate } from '../src/chat/core/callback-data.js';
import { fmtCoinSigned, fmtPrice, fmtQty, fmtSigned, fmtTime } from '../src/chat/core/format.js';
import { REPORT_CCY } from '../src/chat/core/report-format.js';
import { errorReply, note, text } from '../src/chat/core/reply.js';
import { loadPeriodReport } from '../src/db/repos/report-data.js';
import { ZERO } from '../src/domain/decimal.js';
import type { PeriodTrade } from '../src/reports/index.js';

const PER_PAGE = 10;

/** One line per trade: a text block, because entry → exit does not fit a 40-column table row. */
function tradeLine(t: PeriodTrade): string {
  const pnl =
    t.quoteCoin === REPORT_CCY ? fmtSigned(t.pnl) : `${fmtCoinSigned(t.pnl, t.quoteCoin)} ${t.quoteCoin}`;
  return (
    `${fmtTime(t.closedAt).slice(5)}  ${t.symbol} ${t.direction} ${fmtQty(t.qty)}  ` +
    `${fmtPrice(t.entryPrice, 4)} → ${fmtPrice(t.exitPrice, 4)}  ${pnl}`
  );
}

export default defineCommand({
  name: 'trades',
  aliases: ['fills'],
  summary: 'recent closed trades with entry, exit and PnL',
  usage: 'trades [n]',
  example: 'trades 20',
  args: z.tuple([zInt('n', 1, 100).optional()]),
  role: 'viewer',
  async handler(input, deps) {
    const n = input.args[0] ?? 10;
    const r = await loadPeriodReport(deps.db, { from: 0, to: deps.clock.now() + 1 });
    if (!r.ok) return errorReply('Trades', `Cannot compute trades from the stored fills: ${r.error}`);
    const trades = r.report.trades.slice(-n).reverse();
    if (trades.length === 0) return { title: 'Trades', blocks: [text('No closed trades yet.')] };
    const { items, page, pages } = paginate(trades, input.page, PER_PAGE);
    const net = trades.filter((t) => t.quoteCoin === REPORT_CCY).reduce((a, t) => a.add(t.pnl), ZERO);
    const wins = trades.filter((t) => t.pnl.gt(ZERO)).length;
    return {
      title: `Last ${trades.length} closed trade${trades.length === 1 ? '' : 's'}`,
      blocks: [
        text(items.map(tradeLine).join('\n')),
        note(
          `Net ${fmtSigned(net)} ${REPORT_CCY} over these trades, ${wins} won · times UTC, PnL after all ` +
            `the trade's fees, funding and open positions not included (/pnl has them)` +
            `${pages > 1 ? ` · page ${page}/${pages}` : ''}`,
        ),
      ],
      buttons: [pageButtons('trades', input.rawArgs, page, pages)],
    };
  },
});
