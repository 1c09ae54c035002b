// The daily digest alert: yesterday's (or any UTC day's) equity, PnL, fills, open positions and pending
// approvals, computed from the database for the scheduler to raise at alerts.digestHour. Its PnL is the
// day's realized PnL net of fees and funding in USDT, from the same period report as /pnl.
import { and, count, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { loadPeriodReport } from '../../db/repos/report-data.js';
import { equityAtOrBefore, openPositions, pendingApprovals } from '../../db/repos/views.js';
import { fills } from '../../db/schema/index.js';
import { ZERO } from '../../domain/decimal.js';
import { netIn } from '../../reports/index.js';
import type { Alert } from './alerts.js';
import { fmtDay } from './format.js';
import { REPORT_CCY } from './report-format.js';

const DAY_MS = 86_400_000;

/** The digest for the UTC day starting at `dayStart` (ms), as of `now`. */
export async function digestAlert(db: Db, dayStart: number, now: number): Promise<Alert> {
  const dayEnd = dayStart + DAY_MS;
  const [day, close, pos, pend, [trades]] = await Promise.all([
    loadPeriodReport(db, { from: dayStart, to: dayEnd }),
    equityAtOrBefore(db, Math.min(dayEnd, now)),
    openPositions(db),
    pendingApprovals(db, now),
    db
      .select({ n: count() })
      .from(fills)
      .where(and(gte(fills.execTime, dayStart), lt(fills.execTime, dayEnd), eq(fills.execType, 'Trade'))),
  ]);
  const equity = close?.equity ?? ZERO;
  // Stored fills the report cannot read (an unknown symbol) leave the PnL at zero rather than no digest.
  const pnl = day.ok ? netIn(day.report.overall, REPORT_CCY).net : ZERO;
  return {
    kind: 'digest',
    day: fmtDay(dayStart),
    equity: equity.toFixed(2),
    pnl: pnl.toFixed(2),
    trades: Number(trades?.n ?? 0),
    openPositions: pos.length,
    pendingApprovals: pend.length,
  };
}
