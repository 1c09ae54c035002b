// /performance: per symbol, realized PnL net of fees and funding, number of fills and traded volume.
import { defineCommand } from '../src/chat/core/command.js';
import { zNone } from '../src/chat/core/args.js';
import { fmtMoney, fmtSigned } from '../src/chat/core/format.js';
import { note, table, text } from '../src/chat/core/reply.js';
import { allPositions, fillStats } from '../src/db/repos/views.js';
import { ZERO } from '../src/domain/decimal.js';

export default defineCommand({
  name: 'performance',
  aliases: ['perf'],
  summary: 'realized PnL per symbol',
  usage: 'performance',
  example: 'performance',
  args: zNone,
  role: 'viewer',
  async handler(_input, deps) {
    const [pos, stats] = await Promise.all([allPositions(deps.db), fillStats(deps.db)]);
    const symbols = [...new Set([...pos.map((p) => p.symbol), ...stats.map((s) => s.symbol)])];
    if (symbols.length === 0) return { title: 'Performance', blocks: [text('Nothing traded yet.')] };
    const rows = symbols.map((sym) => {
      const p = pos.filter((x) => x.symbol === sym);
      const s = stats.find((x) => x.symbol === sym);
      // realizedPnl is gross of fees; funding is signed (received positive).
      const net = p.reduce((a, x) => a.add(x.realizedPnl).sub(x.fees).add(x.funding), ZERO);
      return { sym, net, fills: s?.fills ?? 0, volume: s?.volume ?? ZERO };
    });
    rows.sort((a, b) => b.net.cmp(a.net));
    const total = rows.reduce((a, r) => a.add(r.net), ZERO);
    return {
      title: 'Performance',
      blocks: [
        table(
          ['Symbol', 'Net PnL', 'Fills', 'Volume'],
          rows.map((r) => [r.sym, fmtSigned(r.net), String(r.fills), fmtMoney(r.volume, 0)]),
        ),
        note(`Total ${fmtSigned(total)} USDT realized, net of fees and funding`),
      ],
    };
  },
});
