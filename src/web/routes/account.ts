// Read-only figures: status, balance, positions, orders, trades, PnL by period, performance and the
// equity curve. Each one reads the same repository and report functions its chat command reads.
import { and, asc, gte, lt } from 'drizzle-orm';
import { z } from 'zod';
import { runProbes } from '../../chat/core/probes.js';
import { REPORT_CCY } from '../../chat/core/report-format.js';
import { loadPeriodReport, loadPeriodReports } from '../../db/repos/report-data.js';
import {
  balanceRows,
  latestEquity,
  openOrders,
  openPositions,
  pendingApprovals,
  strategyRows,
  tradingStateRow,
  unrealizedPnl,
} from '../../db/repos/views.js';
import { equitySnapshots } from '../../db/schema/index.js';
import { ZERO } from '../../domain/decimal.js';
import {
  DEFAULT_PERIOD_COUNT,
  lastPeriods,
  netIn,
  periodOf,
  type PeriodFigures,
} from '../../reports/index.js';
import { dec, decOrNull, GUARDED, iso, isoOrNull, zError, zMoney, zTime, type ZApp } from '../app-type.js';
import type { WebDeps } from '../deps.js';

const DAY_MS = 86_400_000;

const zNet = z.object({ realized: zMoney, fees: zMoney, funding: zMoney, net: zMoney });
const zStats = z.object({
  trades: z.number().int(),
  wins: z.number().int(),
  losses: z.number().int(),
  winRate: z.number().nullable(),
  profitFactor: zMoney.nullable().describe('gross wins / gross losses in USDT; null without a loss'),
  expectancy: zMoney.nullable(),
});

function netOf(f: PeriodFigures) {
  const m = netIn(f, REPORT_CCY);
  return { realized: dec(m.realized), fees: dec(m.fees), funding: dec(m.funding), net: dec(m.net) };
}

function statsOf(f: PeriodFigures) {
  const t = f.trades;
  return {
    trades: t.count,
    wins: t.wins,
    losses: t.losses,
    winRate: t.winRate,
    profitFactor: decOrNull(t.profitFactor.get(REPORT_CCY)),
    expectancy: decOrNull(t.expectancy.get(REPORT_CCY)),
  };
}

const zPosition = z.object({
  category: z.string(),
  symbol: z.string(),
  size: zMoney.describe('signed: negative is short'),
  avgEntry: zMoney,
  markPrice: zMoney.nullable(),
  unrealizedPnl: zMoney.nullable(),
  realizedPnl: zMoney,
  fees: zMoney,
  funding: zMoney,
  openedAt: zTime.nullable(),
  updatedAt: zTime,
  books: z
    .array(z.object({ book: z.string(), size: zMoney, avgEntry: zMoney, unrealizedPnl: zMoney.nullable() }))
    .describe('per-book (strategy instance) shares of the net position; empty until books are kept'),
});

export function accountRoutes(app: ZApp, deps: WebDeps): void {
  app.get(
    '/api/v1/status',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'mode, trading state, equity, PnL today, counts and health (as /status)',
        tags: ['account'],
        response: {
          200: z.object({
            mode: z.enum(['paper', 'live']),
            exchangeEnv: z.string(),
            version: z.string(),
            trading: z.object({
              state: z.string(),
              reason: z.string().nullable(),
              changedBy: z.string().nullable(),
              changedAt: zTime,
            }),
            equity: zMoney.nullable(),
            today: z.object({ realizedNet: zMoney.nullable(), unrealized: zMoney }),
            positions: z.number().int(),
            orders: z.number().int(),
            approvalsPending: z.number().int(),
            strategies: z.object({ running: z.number().int(), total: z.number().int() }),
            health: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
            time: zTime,
          }),
          ...GUARDED,
        },
      },
    },
    async () => {
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
      const equity = eq?.equity ?? bals.find((b) => b.coin === 'USDT')?.equity ?? null;
      const upnl = pos.reduce((a, p) => a.add(unrealizedPnl(p) ?? ZERO), ZERO);
      return {
        mode: deps.info.mode,
        exchangeEnv: deps.info.exchangeEnv,
        version: deps.info.version,
        trading: {
          state: state.state,
          reason: state.reason,
          changedBy: state.changedBy,
          changedAt: iso(state.changedAt),
        },
        equity: decOrNull(equity),
        today: {
          realizedNet: today.ok ? dec(netIn(today.report.overall, REPORT_CCY).net) : null,
          unrealized: dec(upnl),
        },
        positions: pos.length,
        orders: ords.length,
        approvalsPending: pend.length,
        strategies: { running: strats.filter((s) => s.enabled && !s.paused).length, total: strats.length },
        health: health.map((h) => ({ name: h.name, ok: h.ok, detail: h.detail })),
        time: iso(now),
      };
    },
  );

  app.get(
    '/api/v1/balance',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'wallet balance, available and equity per coin (as /balance)',
        tags: ['account'],
        response: {
          200: z.object({
            balances: z.array(
              z.object({
                coin: z.string(),
                walletBalance: zMoney,
                available: zMoney,
                equity: zMoney,
                updatedAt: zTime,
              }),
            ),
          }),
          ...GUARDED,
        },
      },
    },
    async () => ({
      balances: (await balanceRows(deps.db)).map((b) => ({
        coin: b.coin,
        walletBalance: dec(b.walletBalance),
        available: dec(b.available),
        equity: dec(b.equity),
        updatedAt: iso(b.updatedAt),
      })),
    }),
  );

  app.get(
    '/api/v1/positions',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'open positions, net per symbol, with unrealized PnL at the last mark (as /positions)',
        tags: ['account'],
        response: {
          200: z.object({ positions: z.array(zPosition), totalUnrealizedPnl: zMoney }),
          ...GUARDED,
        },
      },
    },
    async () => {
      const all = await openPositions(deps.db);
      const total = all.reduce((a, p) => a.add(unrealizedPnl(p) ?? ZERO), ZERO);
      return {
        positions: all.map((p) => ({
          category: p.category,
          symbol: p.symbol,
          size: dec(p.size),
          avgEntry: dec(p.avgEntry),
          markPrice: decOrNull(p.markPrice),
          unrealizedPnl: decOrNull(unrealizedPnl(p)),
          realizedPnl: dec(p.realizedPnl),
          fees: dec(p.fees),
          funding: dec(p.funding),
          openedAt: isoOrNull(p.openedAt),
          updatedAt: iso(p.updatedAt),
          books: [],
        })),
        totalUnrealizedPnl: dec(total),
      };
    },
  );

  app.get(
    '/api/v1/orders',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'orders live (or possibly live) at the exchange (as /orders)',
        tags: ['account'],
        response: {
          200: z.object({
            orders: z.array(
              z.object({
                orderLinkId: z.string(),
                category: z.string(),
                symbol: z.string(),
                side: z.string(),
                orderType: z.string(),
                qty: zMoney,
                price: zMoney.nullable(),
                cumQty: zMoney,
                avgPrice: zMoney.nullable(),
                status: z.string(),
                reduceOnly: z.boolean(),
                createdAt: zTime,
                updatedAt: zTime,
              }),
            ),
          }),
          ...GUARDED,
        },
      },
    },
    async () => ({
      orders: (await openOrders(deps.db)).map((o) => ({
        orderLinkId: o.orderLinkId,
        category: o.category,
        symbol: o.symbol,
        side: o.side,
        orderType: o.orderType,
        qty: dec(o.qty),
        price: decOrNull(o.price),
        cumQty: dec(o.cumQty),
        avgPrice: decOrNull(o.avgPrice),
        status: o.status,
        reduceOnly: o.reduceOnly,
        createdAt: iso(o.createdAt),
        updatedAt: iso(o.updatedAt),
      })),
    }),
  );

  app.get(
    '/api/v1/trades',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'the last n closed round trips, newest first, PnL after fees (as /trades)',
        tags: ['account'],
        querystring: z.object({ n: z.coerce.number().int().min(1).max(1000).default(50) }),
        response: {
          200: z.object({
            trades: z.array(
              z.object({
                symbol: z.string(),
                category: z.string(),
                direction: z.enum(['long', 'short']),
                qty: zMoney,
                entryPrice: zMoney,
                exitPrice: zMoney,
                pnl: zMoney,
                quoteCoin: z.string(),
                strategy: z.string().nullable(),
                openedAt: zTime,
                closedAt: zTime,
              }),
            ),
          }),
          400: zError,
          500: zError,
          ...GUARDED,
        },
      },
    },
    async (req, reply) => {
      const r = await loadPeriodReport(deps.db, { from: 0, to: deps.clock.now() + 1 });
      if (!r.ok) return reply.code(500).send({ error: 'report', message: r.error });
      return {
        trades: r.report.trades
          .slice(-req.query.n)
          .reverse()
          .map((t) => ({
            symbol: t.symbol,
            category: t.category,
            direction: t.direction,
            qty: dec(t.qty),
            entryPrice: dec(t.entryPrice),
            exitPrice: dec(t.exitPrice),
            pnl: dec(t.pnl),
            quoteCoin: t.quoteCoin,
            strategy: t.strategy,
            openedAt: iso(t.openedAt),
            closedAt: iso(t.closedAt),
          })),
      };
    },
  );

  app.get(
    '/api/v1/pnl',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'realized PnL, fees, funding and net per day, ISO week or month, in USDT (as /pnl)',
        tags: ['account'],
        querystring: z.object({
          period: z.enum(['day', 'week', 'month']).default('day'),
          n: z.coerce.number().int().min(1).max(365).optional(),
        }),
        response: {
          200: z.object({
            currency: z.string(),
            periods: z.array(
              zNet.extend({ label: z.string(), from: zTime, to: zTime, trades: z.number().int() }),
            ),
            total: zNet.extend({ trades: z.number().int(), winRate: z.number().nullable() }),
          }),
          500: zError,
          ...GUARDED,
        },
      },
    },
    async (req, reply) => {
      const kind = req.query.period;
      const n = req.query.n ?? DEFAULT_PERIOD_COUNT[kind];
      const periods = lastPeriods(kind, n, deps.clock.now());
      const first = periods[0];
      const last = periods[periods.length - 1];
      if (!first || !last) return reply.code(500).send({ error: 'report', message: 'no period to report' });
      const r = await loadPeriodReports(deps.db, [
        ...periods.map((x) => ({ from: x.start, to: x.end })),
        { from: first.start, to: last.end },
      ]);
      if (!r.ok) return reply.code(500).send({ error: 'report', message: r.error });
      const total = r.reports[periods.length];
      return {
        currency: REPORT_CCY,
        periods: periods.flatMap((p, i) => {
          const f = r.reports[i]?.overall;
          return f
            ? [{ label: p.label, from: iso(p.start), to: iso(p.end), trades: f.trades.count, ...netOf(f) }]
            : [];
        }),
        total: total
          ? {
              ...netOf(total.overall),
              trades: total.overall.trades.count,
              winRate: total.overall.trades.winRate,
            }
          : { realized: '0', fees: '0', funding: '0', net: '0', trades: 0, winRate: null },
      };
    },
  );

  app.get(
    '/api/v1/performance',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'net PnL, win rate, profit factor and expectancy per symbol and strategy (as /performance)',
        tags: ['account'],
        querystring: z.object({ span: z.enum(['day', 'week', 'month', 'all']).default('all') }),
        response: {
          200: z.object({
            currency: z.string(),
            from: zTime,
            to: zTime,
            overall: zNet.extend(zStats.shape),
            bySymbol: z.array(zNet.extend(zStats.shape).extend({ key: z.string() })),
            byStrategy: z.array(zNet.extend(zStats.shape).extend({ key: z.string() })),
            maxDrawdown: z
              .object({ amount: zMoney, ratio: z.number().nullable(), peakAt: zTime, troughAt: zTime })
              .nullable(),
          }),
          500: zError,
          ...GUARDED,
        },
      },
    },
    async (req, reply) => {
      const now = deps.clock.now();
      const p = req.query.span === 'all' ? null : periodOf(now, req.query.span);
      const range = p ? { from: p.start, to: p.end } : { from: 0, to: now + 1 };
      const r = await loadPeriodReports(
        deps.db,
        [
          { ...range, groupBy: 'symbol' },
          { ...range, groupBy: 'strategy' },
        ],
        { equity: true },
      );
      const [bySymbol, byStrategy] = r.ok ? r.reports : [];
      if (!r.ok || !bySymbol || !byStrategy)
        return reply.code(500).send({ error: 'report', message: r.ok ? 'no report' : r.error });
      const groups = (m: ReadonlyMap<string, PeriodFigures>) =>
        [...m].map(([key, f]) => ({ key, ...netOf(f), ...statsOf(f) }));
      const dd = bySymbol.maxDrawdown;
      return {
        currency: REPORT_CCY,
        from: iso(range.from),
        to: iso(range.to),
        overall: { ...netOf(bySymbol.overall), ...statsOf(bySymbol.overall) },
        bySymbol: groups(bySymbol.groups),
        byStrategy: groups(byStrategy.groups),
        maxDrawdown: dd
          ? { amount: dec(dd.amount), ratio: dd.ratio, peakAt: iso(dd.peakTs), troughAt: iso(dd.troughTs) }
          : null,
      };
    },
  );

  app.get(
    '/api/v1/equity',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'equity snapshots of the last N days (the curve behind the digest chart)',
        tags: ['account'],
        querystring: z.object({ days: z.coerce.number().int().min(1).max(3650).default(30) }),
        response: {
          200: z.object({
            points: z.array(z.object({ t: zTime, equity: zMoney, unrealizedPnl: zMoney })),
          }),
          ...GUARDED,
        },
      },
    },
    async (req) => {
      const until = deps.clock.now() + 1;
      const from = until - req.query.days * DAY_MS;
      const rows = await deps.db
        .select({ t: equitySnapshots.ts, equity: equitySnapshots.equity, u: equitySnapshots.unrealizedPnl })
        .from(equitySnapshots)
        .where(and(gte(equitySnapshots.ts, from), lt(equitySnapshots.ts, until)))
        .orderBy(asc(equitySnapshots.ts));
      // At most ~2,000 points to a browser: every k-th snapshot, the last one always kept.
      const k = Math.max(1, Math.ceil(rows.length / 2000));
      const kept = rows.filter((_, i) => i % k === 0 || i === rows.length - 1);
      return { points: kept.map((r) => ({ t: iso(r.t), equity: dec(r.equity), unrealizedPnl: dec(r.u) })) };
    },
  );
}
