// /status: one screen with everything an operator checks first: mode, trading state, equity, today's
// PnL, positions, orders, approvals, strategies, and the health of the queue and the exchange.
// "Today" is the UTC day's realized PnL net of fees and funding (the same report as /pnl) and, beside
// it, the unrealized PnL of the open positions at their last marks. Equity is the one /balance shows.
import { defineCommand } from '../src/chat/core/command.js';
import { zNone } from '../src/chat/core/args.js';
import { refreshButton } from '../src/chat/core/callback-data.js';
import { fmtMoney, fmtSigned, fmtTime } from '../src/chat/core/format.js';
import { fields, note } from '../src/chat/core/reply.js';
import { runProbes } from '../src/chat/core/probes.js';
import { REPORT_CCY } from '../src/chat/core/report-format.js';
import { loadPeriodReport } from '../src/db/repos/report-data.js';
import {
  balanceRows,
  latestEquity,
  openOrders,
  openPositions,
  pendingApprovals,
  strategyRows,
  tradingStateRow,
  unrealizedPnl,
} from '../src/db/repos/views.js';
import { ZERO } from '../src/domain/decimal.js';
import { accountEquity, netIn, periodOf } from '../src/reports/index.js';

export default defineCommand({
  name: 'status',
  summary: 'mode, equity, PnL today, positions, health',
  usage: 'status',
  example: 'status',
  args: zNone,
  role: 'viewer',
  async handler(input, deps) {
    const now = deps.clock.now();
    const day = periodOf(now, 'day');
    const [state, eq, today, bals, pos, ords, pend, strats, health] = await Promise.all([
      tradingStateRow(deps.db),
      latestEquity(deps.db),
      loadPeriodReport(deps.db, { from: day.start, to: day.end }),
      balanceRows(deps.db),
      openPositions(deps.db),
      openOrders(deps.db),
      pendingApprovals(deps.db, now),
      strategyRows(deps.db),
      runProbes(deps.health),
    ]);
    const equity = accountEquity(bals, eq, REPORT_CCY);
    const upnl = pos.reduce((a, p) => a.add(unrealizedPnl(p) ?? ZERO), ZERO);
    const running = strats.filter((s) => s.enabled && !s.paused).length;
    const stateText =
      state.state === 'ACTIVE' ? 'ACTIVE' : `${state.state}${state.reason ? ` (${state.reason})` : ''}`;
    return {
      title: `Status: ${stateText}`,
      tone: state.state === 'ACTIVE' && health.every((h) => h.ok) ? 'info' : 'warn',
      blocks: [
        fields([
          ['Mode', `${deps.info.mode} (${deps.info.exchangeEnv})`],
          ['Trading', stateText],
          [
            'Equity',
            equity
              ? `${fmtMoney(equity.equity)} ${REPORT_CCY} (${equity.source === 'balance' ? '/balance' : 'snapshot'} ${fmtTime(equity.asOf).slice(11)})`
              : 'unknown',
          ],
          [
            'Today',
            `${today.ok ? fmtSigned(netIn(today.report.overall, REPORT_CCY).net) : '—'} net` +
              (pos.length ? `, ${fmtSigned(upnl)} unrealized` : ''),
          ],
          ['Positions', `${pos.length}${pos.length ? ` (uPnL ${fmtSigned(upnl)})` : ''}`],
          ['Orders', String(ords.length)],
          ['Approvals', pend.length ? `${pend.length} pending` : 'none pending'],
          // Halted, no instance trades whatever its own flag says; say so instead of "2 running".
          [
            'Strategies',
            state.state === 'HALTED'
              ? `halted (${running} of ${strats.length} resume with /resume)`
              : state.state === 'REDUCING'
                ? `${running} reducing only / ${strats.length}`
                : `${running} running / ${strats.length}`,
          ],
          ...health.map((h): [string, string] => [h.name, `${h.ok ? '✓' : '✗'} ${h.detail}`]),
        ]),
        note(
          `Equity = wallet + unrealized; Today net = realized − fees + funding since 00:00 UTC, as /pnl · ` +
            `${deps.info.version} · ${new Date(now).toISOString().slice(11, 19)} UTC`,
        ),
      ],
      buttons: [refreshButton('status')],
    };
  },
});
