// /balance: wallet balance, available and equity (wallet + unrealized) per coin, each at its coin's
// precision; the report currency's equity is the one /status shows.
import { defineCommand } from '../src/chat/core/command.js';
import { zNone } from '../src/chat/core/args.js';
import { fmtCoin, fmtTime } from '../src/chat/core/format.js';
import type { Decimal } from '../src/domain/decimal.js';
import { note, table, text } from '../src/chat/core/reply.js';
import { balanceRows } from '../src/db/repos/views.js';

export default defineCommand({
  name: 'balance',
  aliases: ['bal'],
  summary: 'balances per coin',
  usage: 'balance',
  example: 'balance',
  args: zNone,
  role: 'viewer',
  async handler(_input, deps) {
    const rows = await balanceRows(deps.db);
    if (rows.length === 0)
      return {
        title: 'Balance',
        blocks: [text('No balances recorded yet (the account has not been synced).')],
      };
    const newest = Math.max(...rows.map((r) => r.updatedAt.getTime()));
    return {
      title: 'Balance',
      blocks: [
        table(
          ['Coin', 'Wallet', 'Available', 'Equity'],
          rows.map((b) => {
            const f = (d: Decimal): string => fmtCoin(d, b.coin);
            return [b.coin, f(b.walletBalance), f(b.available), f(b.equity)];
          }),
        ),
        note(`Equity = wallet + unrealized PnL of open positions · as of ${fmtTime(newest)} UTC`),
      ],
    };
  },
});
