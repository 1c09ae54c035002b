// /strategies: configured strategy instances and whether each is running, paused or disabled.
import { defineCommand } from '../src/chat/core/command.js';
import { zNone } from '../src/chat/core/args.js';
import { pageButtons, paginate } from '../src/chat/core/callback-data.js';
import { fmtTime } from '../src/chat/core/format.js';
import { note, table, text } from '../src/chat/core/reply.js';
import { strategyRows } from '../src/db/repos/views.js';

const PER_PAGE = 10;

export default defineCommand({
  name: 'strategies',
  aliases: ['strats'],
  summary: 'strategy instances and their state',
  usage: 'strategies',
  example: 'strategies',
  args: zNone,
  role: 'viewer',
  async handler(input, deps) {
    const all = await strategyRows(deps.db);
    if (all.length === 0)
      return { title: 'Strategies', blocks: [text('No strategies configured (bosun.yaml strategies:).')] };
    const { items, page, pages } = paginate(all, input.page, PER_PAGE);
    const last = Math.max(0, ...all.map((s) => s.lastCandleTime ?? 0));
    return {
      title: `Strategies (${all.filter((s) => s.enabled && !s.paused).length}/${all.length} running)`,
      blocks: [
        table(
          ['Id', 'Strategy', 'Symbol', 'State'],
          items.map((s) => [
            s.id,
            s.strategy,
            `${s.symbol} ${s.interval}`,
            !s.enabled ? 'off' : s.paused ? 'paused' : 'running',
          ]),
        ),
        note(
          `${last ? `last candle ${fmtTime(last)} UTC · ` : ''}/pause <id> and /resume <id> control them${pages > 1 ? ` · page ${page}/${pages}` : ''}`,
        ),
      ],
      buttons: [pageButtons('strategies', input.rawArgs, page, pages)],
    };
  },
});
