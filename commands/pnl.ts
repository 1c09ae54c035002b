// /pnl [day|week|month|N]: realized profit and loss per UTC day (7), ISO week (8, Monday start), calendar
// month (6) or the last N days, from the fills: realized PnL (spot FIFO lots, perp reductions), fees paid in
// the period, funding, net = realized − fees + funding, and the round trips closed (trades, win rate).
// The table is in USDT; a fee paid in another coin (BTC on a spot buy) is not converted but listed in the
// note ("fees also 0.001 BTC"), like any other non-USDT amount. Unrealized PnL is in /positions. The list
// starts no earlier than the bot's first fill or snapshot; the note splits the net into the closed trades
// /trades lists and the fees of positions still open.
import { z } from 'zod';
import { defineCommand } from '../src/chat/core/command.js';
import { fmtDay, fmtMoney, fmtSigned } from '../src/chat/core/format.js';
import { historyStart } from '../src/chat/core/first-day.js';
import { alsoText, breakdownText, fmtWinRate, REPORT_CCY } from '../src/chat/core/report-format.js';
import { errorReply, note, table, type Block } from '../src/chat/core/reply.js';
import { PHONE_WIDTH } from '../src/chat/core/text-table.js';
import { loadPeriodReports } from '../src/db/repos/report-data.js';
import {
  DEFAULT_PERIOD_COUNT as DEFAULT_COUNT,
  lastPeriods,
  netIn,
  pnlBreakdown,
  type Period,
  type PeriodKind,
} from '../src/reports/index.js';

const period = z.string().transform((s, ctx): { kind: PeriodKind; n: number } => {
  const t = s.trim().toLowerCase();
  const word = { day: 'day', daily: 'day', week: 'week', weekly: 'week', month: 'month', monthly: 'month' }[
    t
  ];
  if (word === 'day' || word === 'week' || word === 'month') return { kind: word, n: DEFAULT_COUNT[word] };
  if (/^\d{1,3}$/.test(t) && Number(t) >= 1 && Number(t) <= 365) return { kind: 'day', n: Number(t) };
  ctx.addIssue({
    code: 'custom',
    message: `"${s}" is not day, week, month or a number of days from 1 to 365`,
  });
  return z.NEVER;
});

/** Month rows keep the year; day and week rows drop it (the title has it) so seven columns fit a phone. */
function label(p: Period): string {
  return p.kind === 'month' ? p.label : fmtDay(p.start).slice(5);
}

const COLUMNS = ['Realized', 'Fees', 'Fund', 'Net', '#', 'Win'];

/**
 * One table when it fits a phone; otherwise money and trades in two tables, because the table layout
 * would shorten the period labels (numbers are never cut) and "2026-…" names no period.
 */
function periodTables(head: string, rows: string[][]): Block[] {
  const heads = [head, ...COLUMNS];
  const width = (c: string): number => [...c].length;
  // The table's narrowest layout: each column as wide as its widest cell, one space between columns.
  const needed = heads.reduce(
    (sum, h, i) => sum + Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))),
    heads.length - 1,
  );
  if (needed <= PHONE_WIDTH) return [table(heads, rows)];
  return [
    table(
      [head, 'Realized', 'Fees', 'Funding', 'Net'],
      rows.map((r) => r.slice(0, 5)),
    ),
    table(
      [head, 'Trades', 'Win'],
      rows.map((r) => [r[0] ?? '', ...r.slice(5)]),
    ),
  ];
}

export default defineCommand({
  name: 'pnl',
  aliases: ['profit', 'daily'],
  summary: 'realized PnL, fees, funding per day, week or month',
  usage: 'pnl [day|week|month|N]',
  example: 'pnl week',
  args: z.tuple([period.optional()]),
  role: 'viewer',
  async handler({ args: [p] }, deps) {
    const { kind, n } = p ?? { kind: 'day' as const, n: DEFAULT_COUNT.day };
    const periods = lastPeriods(kind, n, deps.clock.now(), await historyStart(deps.db));
    const first = periods[0];
    const last = periods[periods.length - 1];
    if (!first || !last) return errorReply('PnL', 'No period to report.');
    // The whole span as one more period: its win rate is over all its trades, not a mean of the rows'.
    const r = await loadPeriodReports(deps.db, [
      ...periods.map((x) => ({ from: x.start, to: x.end })),
      { from: first.start, to: last.end },
    ]);
    if (!r.ok) return errorReply('PnL', `Cannot compute PnL from the stored fills: ${r.error}`);
    const total = r.reports[periods.length];
    const rows = periods.map((per, i) => {
      const f = r.reports[i]?.overall;
      if (!f) return [label(per)];
      const m = netIn(f, REPORT_CCY);
      return [
        label(per),
        fmtSigned(m.realized),
        fmtMoney(m.fees),
        fmtSigned(m.funding),
        fmtSigned(m.net),
        String(f.trades.count),
        fmtWinRate(f.trades),
      ];
    });
    // A week row is labelled with its Monday (ISO weeks, as the title says).
    const head = kind === 'day' ? 'Day' : kind === 'week' ? 'Week' : 'Month';
    const span = `${fmtDay(first.start)} → ${fmtDay(last.end - 1)}`;
    const blocks = periodTables(head, rows.reverse());
    const elsewhere = periods
      .map((per, i) => {
        const f = r.reports[i]?.overall;
        const also = f ? alsoText(f) : '';
        return also ? `${label(per)} ${also}` : '';
      })
      .filter(Boolean)
      .reverse();
    if (elsewhere.length > 1) blocks.push(note(`Not in ${REPORT_CCY}: ${elsewhere.join('; ')}`));
    if (total) {
      const m = netIn(total.overall, REPORT_CCY);
      const t = total.overall.trades;
      const also = alsoText(total.overall);
      blocks.push(
        note(
          `Total net ${fmtSigned(m.net)} ${REPORT_CCY} = realized ${fmtSigned(m.realized)} − fees ` +
            `${fmtMoney(m.fees)} + funding ${fmtSigned(m.funding)} · ${t.count} trade${t.count === 1 ? '' : 's'} closed (#)` +
            `${t.count ? `, ${fmtWinRate(t)} won` : ''}${also ? ` · ${also}` : ''}` +
            ` · ${breakdownText(pnlBreakdown(total.overall, REPORT_CCY))}`,
        ),
      );
    }
    const by = kind === 'week' ? 'week (Monday start)' : kind;
    return { title: `PnL by ${by}, ${span}`, blocks };
  },
});
