// /pnl [day|week|month|N]: profit and loss per day (7), week (8, Monday start), month (6) or the last N
// days, as the change in account equity (realized + unrealized + funding), like freqtrade's /daily.
import { z } from 'zod';
import { defineCommand } from '../src/chat/core/command.js';
import { fmtDay, fmtSigned } from '../src/chat/core/format.js';
import { note, table, text } from '../src/chat/core/reply.js';
import { equityBuckets, type PnlBucket } from '../src/db/repos/views.js';
import { ZERO, type Decimal } from '../src/domain/decimal.js';

const DEFAULT_COUNT: Record<PnlBucket, number> = { day: 7, week: 8, month: 6 };
const DAY_MS = 86_400_000;

const period = z.string().transform((s, ctx): { bucket: PnlBucket; n: number } => {
  const t = s.trim().toLowerCase();
  const word = { day: 'day', daily: 'day', week: 'week', weekly: 'week', month: 'month', monthly: 'month' }[
    t
  ];
  if (word === 'day' || word === 'week' || word === 'month') return { bucket: word, n: DEFAULT_COUNT[word] };
  if (/^\d{1,3}$/.test(t) && Number(t) >= 1 && Number(t) <= 365) return { bucket: 'day', n: Number(t) };
  ctx.addIssue({
    code: 'custom',
    message: `"${s}" is not day, week, month or a number of days from 1 to 365`,
  });
  return z.NEVER;
});

/** Start (ms) of the bucket `back` periods before the one containing `now` (UTC). */
function bucketStart(bucket: PnlBucket, now: number, back: number): number {
  const d = new Date(Math.floor(now / DAY_MS) * DAY_MS);
  if (bucket === 'day') return d.getTime() - back * DAY_MS;
  if (bucket === 'week') return d.getTime() - (((d.getUTCDay() + 6) % 7) + 7 * back) * DAY_MS;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1);
}

function label(bucket: PnlBucket, start: number): string {
  return bucket === 'month' ? fmtDay(start).slice(0, 7) : fmtDay(start);
}

export default defineCommand({
  name: 'pnl',
  aliases: ['profit', 'daily'],
  summary: 'PnL per day, week or month',
  usage: 'pnl [day|week|month|N]',
  example: 'pnl week',
  args: z.tuple([period.optional()]),
  role: 'viewer',
  async handler({ args: [p] }, deps) {
    const { bucket, n } = p ?? { bucket: 'day' as const, n: 7 };
    const now = deps.clock.now();
    // One extra bucket before the range gives the first period its opening equity.
    const buckets = await equityBuckets(deps.db, bucket, bucketStart(bucket, now, n));
    if (buckets.length === 0) {
      return {
        title: 'PnL',
        blocks: [text('No equity history yet; snapshots are recorded while the bot runs.')],
      };
    }
    const firstWanted = bucketStart(bucket, now, n - 1);
    const rows: string[][] = [];
    let total: Decimal = ZERO;
    let prevClose: Decimal | null = null;
    for (const b of buckets) {
      const base: Decimal = prevClose ?? b.open;
      const pnl = b.close.sub(base);
      prevClose = b.close;
      if (b.start < firstWanted) continue;
      total = total.add(pnl);
      const pct = base.gt(0) ? `${pnl.div(base).mul(100).toFixed(2)}%` : '—';
      rows.push([label(bucket, b.start), fmtSigned(pnl), pct]);
    }
    return {
      title: `PnL by ${bucket} (${rows.length})`,
      blocks: [
        table(
          [bucket === 'day' ? 'Day' : bucket === 'week' ? 'Week of' : 'Month', 'PnL', '%'],
          rows.reverse(),
        ),
        note(
          `Total ${fmtSigned(total)} USDT · equity change, incl. unrealized and funding; periods without snapshots are not shown`,
        ),
      ],
    };
  },
});
