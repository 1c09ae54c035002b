// `bosun export trades`: realized PnL per closed lot (spot FIFO) and per position reduction (perps),
// fees in their own currency and funding as separate rows, as our CSV or Koinly's universal CSV.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openDb, type DbHandle } from '../db/client.js';
import { loadTradesReport } from '../engine/trades-export.js';
import type { Env } from '../platform/env.js';
import { EXPORT_FORMATS, exportTrades, type ExportFormat, type ReportPeriod } from '../reports/index.js';
import { line, type CliIo } from './io.js';
import { embeddedDir } from './migrate.js';

export const EXPORT_HELP = `usage: bosun export trades [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format csv|koinly] [--out FILE]

Realized PnL from the stored fills, for tax: spot sells matched FIFO against the oldest buys (one row
per lot), perp fills per position reduction (a flip is a close plus an open), fees in the currency
they were paid in, funding payments as separate rows, and totals per currency. Lots opened before
--from that close inside the period are included.

options:
  --from YYYY-MM-DD     first day included (UTC); default: the first fill
  --to YYYY-MM-DD       last day included (UTC); default: the last fill
  --format csv|koinly   csv (default): bosun's columns; koinly: Koinly's universal CSV
  --out FILE            write to FILE instead of standard output`;

export interface ExportOptions {
  period: ReportPeriod;
  format: ExportFormat;
  out: string | undefined;
}

const DAY_MS = 86_400_000;

class ExportUsage extends Error {}

function parseDay(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v) {
    throw new ExportUsage(`${flag} "${v}" is not a date: expected YYYY-MM-DD (UTC), e.g. 2026-01-31`);
  }
  return t;
}

export function parseExportArgs(args: string[]): ExportOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
      },
    });
  } catch (e) {
    throw new ExportUsage(
      `${e instanceof Error ? e.message : String(e)}: accepted options are --from, --to, --format, --out`,
    );
  }
  const [sub, ...extra] = parsed.positionals;
  if (sub !== 'trades' || extra.length > 0) {
    throw new ExportUsage(
      `${sub === undefined ? 'missing subcommand' : `unknown subcommand "${[sub, ...extra].join(' ')}"`}: expected \`trades\``,
    );
  }
  const { from, to, format = 'csv', out } = parsed.values;
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new ExportUsage(
      `--format "${format}" is not supported: accepted values are ${EXPORT_FORMATS.join(', ')}`,
    );
  }
  const fromMs = parseDay('--from', from);
  const toDay = parseDay('--to', to);
  // --to names the last day included, so the period ends at the next midnight.
  const toMs = toDay === undefined ? undefined : toDay + DAY_MS;
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) {
    throw new ExportUsage(`--from ${from ?? ''} is after --to ${to ?? ''}: the period would be empty`);
  }
  if (out === '') throw new ExportUsage('--out needs a file name');
  return {
    period: {
      ...(fromMs === undefined ? {} : { from: fromMs }),
      ...(toMs === undefined ? {} : { to: toMs }),
    },
    format: format as ExportFormat,
    out,
  };
}

export interface ExportCliDeps {
  openDb?: (env: Env) => Promise<DbHandle>;
}

export async function runExportCli(
  args: string[],
  io: CliIo,
  env: Env,
  deps: ExportCliDeps = {},
): Promise<number> {
  let opts: ExportOptions;
  try {
    opts = parseExportArgs(args);
  } catch (e) {
    if (!(e instanceof ExportUsage)) throw e;
    line(io.stderr, `bosun export: ${e.message}\n\n${EXPORT_HELP}`);
    return 2;
  }
  const h = await (
    deps.openDb ?? ((e: Env) => openDb({ url: e.databaseUrl, dataDir: embeddedDir(e), max: 1 }))
  )(env);
  let text: string;
  try {
    const r = await loadTradesReport(h.db, opts.period);
    if (!r.ok) {
      line(io.stderr, `bosun export: cannot build the report: ${r.error}`);
      return 1;
    }
    text = exportTrades(r.report, opts.format);
  } finally {
    await h.close();
  }
  if (opts.out === undefined) {
    io.stdout.write(text);
  } else {
    await writeFile(opts.out, text);
    line(io.stderr, `wrote ${opts.out}`);
  }
  return 0;
}
