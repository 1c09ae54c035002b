// The daily digest's picture: the last 30 days of equity snapshots as one curve, rendered when the digest
// is delivered (the queued alert only carries numbers). No snapshots in the window, no picture.
import { and, asc, gte, lt } from 'drizzle-orm';
import { renderEquityCurve } from '../../backtest/chart-equity-curve.js';
import type { Db } from '../../db/client.js';
import { equitySnapshots } from '../../db/schema/index.js';
import { fmtDay, fmtMoney, fmtSigned } from './format.js';
import type { ImageAttachment } from './reply.js';

export const DIGEST_CHART_DAYS = 30;
const DAY_MS = 86_400_000;

/** The curve of the 30 days before `until` (ms, exclusive), or undefined when there is nothing to draw. */
export async function digestChart(db: Db, until: number): Promise<ImageAttachment | undefined> {
  const from = until - DIGEST_CHART_DAYS * DAY_MS;
  const rows = await db
    .select({ t: equitySnapshots.ts, equity: equitySnapshots.equity })
    .from(equitySnapshots)
    .where(and(gte(equitySnapshots.ts, from), lt(equitySnapshots.ts, until)))
    .orderBy(asc(equitySnapshots.ts));
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (!first || !last) return undefined;
  const lastDay = fmtDay(until - 1);
  const change = `${fmtMoney(first.equity)} → ${fmtMoney(last.equity)} (${fmtSigned(last.equity.sub(first.equity))})`;
  const png = await renderEquityCurve(rows, {
    title: `Equity, last ${DIGEST_CHART_DAYS} days`,
    subtitle: `${fmtDay(from)} → ${lastDay} UTC · ${change}`,
    span: { from, to: until },
  });
  return {
    png,
    filename: `equity-${lastDay}.png`,
    caption: `Equity, ${DIGEST_CHART_DAYS} days to ${lastDay}`,
  };
}
