// /performance [day|week|month|all]: per symbol and per strategy over today, this ISO week, this month or
// all time (default): net realized PnL (realized − fees + funding, in USDT; other coins listed in the note),
// closed round trips, win rate, profit factor and expectancy; and the max drawdown of the equity snapshots.
import { z } from 'zod';
import { defineCommand } from '../src/chat/core/command.js';
import { fmtMoney, fmtSigned, fmtTime } from '../src/chat/core/format.js';
import {
  alsoText,
  breakdownText,
  fmtExpectancy,
  fmtProfitFactor,
  fmtWinRate,
  REPORT_CCY,
} from '../src/chat/core/report-format.js';
import { errorReply, note, table, text, type Block } from '../src/chat/core/reply.js';
import { loadPeriodReports } from '../src/db/repos/report-data.js';
import { netIn, periodOf, pnlBreakdown, type PeriodFigures, type PeriodKind } from '../src/reports/index.js';

type Span = PeriodKind | 'all';

const span = z.string().transform((s, ctx): Span => {
  const t = s.trim().toLowerCase();
  const word = (
    { day: 'day', today: 'day', week: 'week', month: 'month', all: 'all' } as Record<string, Span>
  )[t];
  if (word) return word;
  ctx.addIssue({ code: 'custom', message: `"${s}" is not day, week, month or all` });
  return z.NEVER;
});

const SPAN_TITLE: Record<PeriodKind, string> = { day: 'today', week: 'this week', month: 'this month' };

function groupTable(head: string, groups: ReadonlyMap<string, PeriodFigures>): Block {
  const rows = [...groups]
    .map(([key, f]) => ({ key, f, net: netIn(f, REPORT_CCY).net }))
    .sort((a, b) => b.net.cmp(a.net) || (a.key < b.key ? -1 : 1));
  return table(
    [head, 'Net', '#', 'Win', { header: 'PF', align: 'right' }, 'Exp'],
    rows.map(({ key, f, net }) => [
      key,
      fmtSigned(net),
      String(f.trades.count),
      fmtWinRate(f.trades),
      fmtProfitFactor(f.trades),
      fmtExpectancy(f.trades),
    ]),
  );
}

export default defineCommand({
  name: 'performance',
  aliases: ['perf'],
  summary: 'PnL, win rate, profit factor per symbol and strategy',
  usage: 'performance [day|week|month|all]',
  example: 'performance week',
  args: z.tuple([span.optional()]),
  role: 'viewer',
  async handler({ args: [s] }, deps) {
    const now = deps.clock.now();
    const which = s ?? 'all';
    const p = which === 'all' ? null : periodOf(now, which);
    const range = p ? { from: p.start, to: p.end } : { from: 0, to: now + 1 };
    const r = await loadPeriodReports(
      deps.db,
      [
        { ...range, groupBy: 'symbol' },
        { ...range, groupBy: 'strategy' },
      ],
      { equity: true },
    );
    if (!r.ok)
      return errorReply('Performance', `Cannot compute performance from the stored fills: ${r.error}`);
    const [bySymbol, byStrategy] = r.reports;
    const title = p ? `Performance ${SPAN_TITLE[p.kind]} (${p.label})` : 'Performance, all time';
    if (!bySymbol || !byStrategy || bySymbol.groups.size === 0) {
      return { title, blocks: [text(p ? `Nothing traded ${SPAN_TITLE[p.kind]}.` : 'Nothing traded yet.')] };
    }
    const m = netIn(bySymbol.overall, REPORT_CCY);
    const dd = bySymbol.maxDrawdown;
    const elsewhere = [...bySymbol.groups]
      .map(([sym, f]) => [sym, alsoText(f)])
      .filter(([, a]) => a)
      .map(([sym, a]) => `${sym} ${a}`);
    return {
      title,
      blocks: [
        groupTable('Symbol', bySymbol.groups),
        groupTable('Strategy', byStrategy.groups),
        note(
          [
            `Total net ${fmtSigned(m.net)} ${REPORT_CCY} (realized − fees + funding), ` +
              `${bySymbol.overall.trades.count} trades closed (#), ${fmtWinRate(bySymbol.overall.trades)} won`,
            `Split: ${breakdownText(pnlBreakdown(bySymbol.overall, REPORT_CCY))}`,
            ...elsewhere,
            dd
              ? `Max drawdown ${fmtMoney(dd.amount)} ${REPORT_CCY}${dd.ratio === null ? '' : ` (${(dd.ratio * 100).toFixed(2)}%)`}` +
                (dd.amount.isZero() ? '' : `, ${fmtTime(dd.peakTs)} → ${fmtTime(dd.troughTs)}`)
              : 'Max drawdown: no equity snapshots in this period',
            'Net includes the fees of positions still open; PF = gross wins / gross losses and Exp = mean ' +
              'result of the closed trades, after all their fees; (none) = manual fills and funding',
          ].join('\n'),
        ),
      ],
    };
  },
});
