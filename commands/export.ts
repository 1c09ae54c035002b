// /export <year> [csv|koinly] (admin): the year's trades report, the same file `bosun export trades`
// writes for that period, sent as a document with a short summary of its totals.
import { z } from 'zod';
import { zWord } from '../src/chat/core/args.js';
import { defineCommand } from '../src/chat/core/command.js';
import { errorReply, fields, note, table, text, type Reply } from '../src/chat/core/reply.js';
import type { Decimal } from '../src/domain/decimal.js';
import { loadTradesReport } from '../src/engine/trades-export.js';
import { EXPORT_FORMATS, exportTrades, type ExportFormat, type TradesReport } from '../src/reports/index.js';

const zYear = z.string().transform((s, ctx) => {
  if (!/^\d{4}$/.test(s.trim())) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a year: give four digits, like 2025` });
    return z.NEVER;
  }
  return Number(s.trim());
});

const args = z.tuple([zYear, zWord(EXPORT_FORMATS).optional()]);

const FILE_PREFIX: Record<ExportFormat, string> = { csv: 'bosun-trades', koinly: 'bosun-koinly' };

/** Data lines of the exported text: without the header, and without the csv's closing totals. */
function dataRows(csv: string, format: ExportFormat): number {
  const lines = csv.split('\n').filter((l) => l !== '');
  const body = lines.slice(1);
  return format === 'csv' ? body.filter((l) => !l.startsWith('total-')).length : body.length;
}

/** One row per currency: realized PnL, fees and funding as exact decimal strings. */
function totalsTable(report: TradesReport): string[][] {
  const t = report.totals;
  const coins = [...new Set([...t.realizedPnl.keys(), ...t.fees.keys(), ...t.funding.keys()])].sort();
  const cell = (m: ReadonlyMap<string, Decimal>, c: string): string => m.get(c)?.toFixed() ?? '0';
  return coins.map((c) => [c, cell(t.realizedPnl, c), cell(t.fees, c), cell(t.funding, c)]);
}

function cliEquivalent(year: number, format: ExportFormat): string {
  const flags = `--from ${year}-01-01 --to ${year}-12-31`;
  return `bosun export trades ${flags}${format === 'csv' ? '' : ` --format ${format}`}`;
}

export default defineCommand({
  name: 'export',
  summary: "a year's realized PnL, fees and funding as a CSV file, for tax (admin)",
  usage: 'export <year> [csv|koinly]',
  example: 'export 2025 koinly',
  args,
  role: 'admin',
  async handler(input, deps): Promise<Reply> {
    const [year, format = 'csv'] = input.args;
    const thisYear = new Date(deps.clock.now()).getUTCFullYear();
    if (year > thisYear) {
      return errorReply(
        'Not exported',
        `${year} is in the future: give a year up to ${thisYear}, like /export ${thisYear}.`,
      );
    }
    const period = { from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1) };
    const r = await loadTradesReport(deps.db, period);
    if (!r.ok) return errorReply('Export failed', `Cannot build the report: ${r.error}`);
    const csv = exportTrades(r.report, format);
    const rows = dataRows(csv, format);
    if (rows === 0) {
      const what =
        format === 'csv'
          ? 'no spot lot was closed and no perp fill or funding payment happened'
          : 'no spot or perp fill and no funding payment happened';
      return {
        title: `Nothing to export for ${year}`,
        tone: 'info',
        blocks: [text(`In ${year} (UTC) ${what}, so the ${format} export would be empty.`)],
      };
    }
    const filename = `${FILE_PREFIX[format]}-${year}.csv`;
    return {
      title: `Trades export ${year}`,
      tone: 'ok',
      blocks: [
        fields([
          ['Period', `${year}-01-01 → ${year}-12-31 (UTC)`],
          ['Format', format === 'csv' ? 'csv (bosun columns)' : "koinly (Koinly's universal CSV)"],
          ['Rows', String(rows)],
        ]),
        table(
          [
            'Coin',
            { header: 'Realized PnL', align: 'right' },
            { header: 'Fees', align: 'right' },
            { header: 'Funding', align: 'right' },
          ],
          totalsTable(r.report),
        ),
        note(`Same file as: ${cliEquivalent(year, format)}`),
      ],
      file: {
        data: Buffer.from(csv, 'utf8'),
        filename,
        mime: 'text/csv',
        caption: `${filename}: ${rows} rows`,
      },
    };
  },
});
