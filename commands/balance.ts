// /balance: wallet balance, available and equity per coin.
import { defineCommand } from '../src/chat/core/command.js';
import { zNone } from '../src/chat/core/args.js';
import { fmtMoney, fmtQty, fmtTime } from '../src/chat/core/format.js';
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
            // Stablecoins read as money; other coins keep their precision (0.00012 BTC is not 0.00).
            const f = (d: Decimal): string =>
              /^(USDT|USDC|USD)$/.test(b.coin) ? fmtMoney(d) : fmtQty(d.toDecimalPlaces(8));
            return [b.coin, f(b.walletBalance), f(b.available), f(b.equity)];
          }),
        ),
        note(`as of ${fmtTime(newest)} UTC`),
      ],
    };
  },
});
